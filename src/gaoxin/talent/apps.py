from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "gaoxin.talent"
    label = "talent"
    verbose_name = "人才与双创"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation, permissions

        register(
            Pillar(
                self.label,
                title=_("人才与双创"),
                order=45,
                nav=navigation.nav_items,
                home_cards=home.cards,
                rules=permissions.RULES,
                demo_steps=(
                    DemoStep(55, "人才与双创", "gaoxin.demo.talent.build"),
                    DemoStep(56, "人才补贴", "gaoxin.demo.talent_subsidies.build"),
                    DemoStep(57, "人才公寓", "gaoxin.demo.flats.build"),
                ),
            )
        )
        from gaoxin.govservices.hooks import register_submission_check

        from .services import registry  # registers the machines for /workflows/

        register_submission_check(registry.check_certification_submission)

        from gaoxin.policies.beneficiaries import register_person_loader

        from .services import subsidies

        register_person_loader(subsidies.person_facts)  # talents as beneficiaries of policy clauses
