from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = "账户与部门"

    def ready(self):
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import navigation, permissions

        register(
            Pillar(
                self.label,
                title=_("后台管理"),
                order=900,  # administration comes after every pillar
                nav=navigation.nav_items,
                rules=permissions.RULES,
                demo_steps=(DemoStep(20, "部门与账户", "gaoxin.demo.generator.people_step"),),
            )
        )
