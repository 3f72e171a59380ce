from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gaoxin.core import audit
from gaoxin.core.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，完好时退出码为 0，否则指出第一处被改动、插入或删除的事件"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        total = AuditEvent.objects.count()
        with tqdm(
            total=total, desc="校验审计链", unit="条", disable=options["verbosity"] < 1 or total < 10000
        ) as bar:
            problem = audit.verify(progress=lambda done: bar.update(done - bar.n))
            bar.update(total - bar.n)
        if problem:
            raise CommandError(f"审计链校验失败 [{problem.kind}] {problem.message}")
        self.stdout.write(self.style.SUCCESS(f"审计链完好，共 {total} 条事件"))
