"""gaoxin case_lights: recompute the deadline lights of all open cases (run daily, e.g. from cron at 00:05)."""

from django.core.management.base import BaseCommand

from gaoxin.govservices.services.cases import lights_recompute


class Command(BaseCommand):
    help = "重算所有在办办件的亮灯（绿 / 黄 / 红）"

    def handle(self, *args, **options):
        changed = lights_recompute()
        self.stdout.write(
            f"红灯 {changed['red']}，黄灯 {changed['yellow']}，绿灯 {changed['green']} 件已更新"
        )
