from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "gaoxin.policies"
    label = "policies"
    verbose_name = "惠企政策"

    def ready(self):
        from django.db.backends.signals import connection_created

        from gaoxin.core.pillars import DemoStep, Pillar, register
        from gaoxin.govservices.hooks import register_case_listener, register_submission_check

        from . import home, navigation
        from .rules.exact import register_sqlite_functions
        from .services.apply import check_clause_submission, clause_case_approved

        connection_created.connect(register_sqlite_functions, dispatch_uid="gaoxin.policies.exact")
        register_submission_check(check_clause_submission)
        register_case_listener(clause_case_approved)
        register(
            Pillar(
                self.label,
                title=_("惠企政策"),
                order=20,
                nav=navigation.nav_items,
                home_cards=home.cards,
                demo_steps=(DemoStep(40, "惠企政策", "gaoxin.demo.policies.build"),),
            )
        )
