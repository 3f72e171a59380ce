"""gaoxin logins_prune: forget failed-login counters idle for a month (run daily beside case_lights)."""

from django.core.management.base import BaseCommand

from gaoxin.accounts.services import login_counters_prune


class Command(BaseCommand):
    help = "清理长期未再出现的登录失败计数（未处于锁定状态的）"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="闲置多少天后清理（默认 30）")

    def handle(self, *args, **options):
        removed = login_counters_prune(idle_days=max(1, options["days"]))
        self.stdout.write(f"已清理 {removed} 条登录失败计数")
