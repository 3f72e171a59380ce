from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "gaoxin.economy"
    label = "economy"
    verbose_name = "经济运行"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation

        register(
            Pillar(
                self.label,
                title=_("经济运行"),
                order=50,
                nav=navigation.nav_items,
                home_cards=home.cards,
                demo_steps=(DemoStep(60, "经济运行", "gaoxin.demo.economy.build"),),
            )
        )
