from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gaoxin.core import audit, backup
from gaoxin.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "审计日志：seal 把已提交、尚未入链的事件封存入哈希链（可由定时器每分钟运行）；"
        "verify 先封存再校验哈希链，完好时退出码为 0，否则指出第一处被改动、插入或删除的事件；"
        "export DIR 把尚未导出的已封存事件按块写成 JSON 行文件（附校验和与保存期限）以供归档"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["seal", "verify", "export"])
        parser.add_argument("dir", nargs="?", help="export：归档目录（只写入尚未导出的已封存事件）")
        parser.add_argument(
            "--wait", action="store_true", help="seal：另一个封存进程持有链头时等待它，而不是立即返回"
        )

    def handle(self, *args, **options):
        if options["action"] == "export":
            if not options["dir"]:
                raise CommandError("export 需要归档目录")
            try:
                files = backup.audit_export(Path(options["dir"]))
            except backup.BackupError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"已导出 {len(files)} 个封存块到 {options['dir']}"))
            return
        if options["action"] == "seal":
            sealed = audit.seal(wait=options["wait"])
            left = audit.unsealed_count()
            message = f"已封存 {sealed} 条事件"
            if left:
                message += f"；另有 {left} 条尚未封存（另一个封存进程正在处理，或刚刚提交）"
            self.stdout.write(self.style.SUCCESS(message))
            return
        audit.seal()
        total = AuditEvent.objects.filter(seq__isnull=False).count()
        with tqdm(
            total=total, desc="校验审计链", unit="条", disable=options["verbosity"] < 1 or total < 10000
        ) as bar:
            report = audit.check(progress=lambda done: bar.update(done - bar.n), seal_first=False)
            bar.update(max(0, total - bar.n))
        if report.problem:
            raise CommandError(f"审计链校验失败 [{report.problem.kind}] {report.problem.message}")
        self.stdout.write(self.style.SUCCESS(f"审计链完好，共 {report.sealed} 条事件"))
        if report.unsealed:
            self.stdout.write(report.unsealed_message)
