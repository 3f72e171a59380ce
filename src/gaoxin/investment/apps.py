from django.apps import AppConfig


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
                order=40,
                nav=navigation.nav_items,
                home_cards=home.cards,
                rules=permissions.RULES,
                demo_steps=(DemoStep(50, "招商引资", "gaoxin.demo.investment.build"),),
            )
        )
        from .services import pipeline  # noqa: F401  (registers the project machine for /workflows/)
