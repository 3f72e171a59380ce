from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "gaoxin.investment"
    label = "investment"
    verbose_name = "招商引资"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation, permissions

        register(
            Pillar(
                self.label,
                title=_("招商引资"),
                order=40,
                nav=navigation.nav_items,
                home_cards=home.cards,
                rules=permissions.RULES,
                demo_steps=(DemoStep(50, "招商引资", "gaoxin.demo.investment.build"),),
            )
        )
        from .services import pipeline  # noqa: F401  (registers the project machine for /workflows/)
