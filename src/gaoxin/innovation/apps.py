from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "gaoxin.innovation"
    label = "innovation"
    verbose_name = "双创载体与科技创新"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation, permissions

        register(
            Pillar(
                self.label,
                title=_("人才与双创"),  # one menu with talent's entries
                order=46,  # after talent (45), before economy (50)
                nav=navigation.nav_items,
                home_cards=home.cards,
                rules=permissions.RULES,
                demo_steps=(DemoStep(56, "双创载体", "gaoxin.demo.innovation.build"),),
            )
        )
        from .services import carriers  # noqa: F401  registers the tenancy machine for /workflows/
