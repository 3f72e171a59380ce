import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gaoxin.core import calendar, services
from gaoxin.core.errors import DomainError


class Command(BaseCommand):
    help = "工作日历：load FILE 载入一年的节假日与调休安排；status 查看各年数据是否确定；deadline 计算期限"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入国务院通知转录的 JSON 文件")
        load.add_argument("file")
        sub.add_parser("status", help="今明两年的日历状态")
        deadline = sub.add_parser("deadline", help="从某日次日起数 N 个工作日")
        deadline.add_argument("start")
        deadline.add_argument("workdays", type=int)

    def handle(self, *args, action, **options):
        if action == "load":
            try:
                loaded = services.calendar_year_load(actor=None, path=options["file"])
            except (DomainError, OSError) as exc:
                raise CommandError(getattr(exc, "message", str(exc))) from exc
            self.stdout.write(self.style.SUCCESS(f"已载入 {loaded.year} 年节假日安排"))
        elif action == "status":
            today = dt.date.today()
            for year in range(today.year - 1, today.year + 2):
                yd = calendar.year_days(year)
                state = "确定" if yd.certain else "不确定（缺少节假日安排，只扣除周末）"
                self.stdout.write(f"{year}: {len(yd.workdays)} 个工作日，{state}")
        else:
            try:
                start = dt.date.fromisoformat(options["start"])
                result = calendar.add_workdays(start, options["workdays"])
            except ValueError as exc:
                raise CommandError("日期应为 YYYY-MM-DD，工作日数应在 0—3650 之间") from exc
            self.stdout.write(f"{result.deadline.isoformat()} {'确定' if result.certain else '不确定'}")
