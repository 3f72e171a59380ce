import datetime as dt

from django.core.management.base import BaseCommand
from tqdm import tqdm

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD, logins


class Command(BaseCommand):
    help = (
        "生成演示园区（部门、各角色工作人员、约2000家企业及其资质、企业与个人账户）；同一种子与日期结果相同"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, default=None, help="资质有效期的参照日，默认今天"
        )
        parser.add_argument("--reset", action="store_true", help="清空已有数据后重新生成")
        parser.add_argument("--if-empty", action="store_true", help="已有数据时不做任何事")

    def handle(self, *args, seed, enterprises, as_of, reset, if_empty, **options):
        if generator.zone_exists():
            if if_empty and not reset:
                self.stdout.write("演示园区已存在，跳过生成（--reset 可重新生成）")
                self.print_logins()
                return
            if not reset:
                self.stderr.write("数据库中已有数据；加 --reset 清空后重新生成")
                raise SystemExit(1)
            generator.clear()
        with tqdm(
            total=len(generator.steps()), desc="生成演示园区", unit="步", disable=options["verbosity"] < 1
        ) as bar:

            def progress(done, total, label):
                bar.set_postfix_str(label)
                bar.update(1)

            generator.build(
                seed=seed, count=enterprises, as_of=as_of, log=lambda m: bar.write(m), progress=progress
            )
        self.stdout.write(self.style.SUCCESS("演示园区已生成"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, label in logins():
            self.stdout.write(f"  {username:<18} {label}")
