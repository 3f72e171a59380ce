from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "gaoxin.investment"
    label = "investment"
    verbose_name = "招商引资"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation

        register(
            Pillar(
                self.label,
                order=40,
                nav=navigation.nav_items,
                home_cards=home.cards,
                demo_steps=(DemoStep(50, "招商引资", "gaoxin.demo.investment.build"),),
            )
        )
