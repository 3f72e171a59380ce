from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovservicesConfig(AppConfig):
    name = "gaoxin.govservices"
    label = "govservices"
    verbose_name = "政务服务"

    def ready(self):
        from gaoxin.core import calendar
        from gaoxin.core.pillars import DemoStep, Pillar, register

        from . import home, navigation
        from .hooks import register_case_listener
        from .services import bundles, deadlines, tracks

        register_case_listener(bundles.member_case_moved)
        register_case_listener(tracks.track_case_moved)
        calendar.changed.connect(deadlines.on_calendar_changed, dispatch_uid="govservices.deadlines")

        register(
            Pillar(
                self.label,
                title=_("政务服务"),
                order=10,
                nav=navigation.nav_items,
                home_cards=home.cards,
                demo_steps=(
                    DemoStep(30, "政务服务", "gaoxin.demo.govservices.build"),
                    DemoStep(35, "一件事与工程建设项目", "gaoxin.demo.bundles.build"),
                    DemoStep(36, "政务服务大厅与自助终端", "gaoxin.demo.hall.build"),
                ),
            )
        )
