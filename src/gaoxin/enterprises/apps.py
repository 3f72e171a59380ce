from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "gaoxin.enterprises"
    label = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation

        register(
            Pillar(
                self.label,
                title=_("企业与统计"),
                order=30,
                nav=navigation.nav_items,
                home_cards=home.cards,
                demo_steps=(DemoStep(10, "企业名录", "gaoxin.demo.generator.enterprises_step"),),
            )
        )
