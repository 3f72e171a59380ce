"""gaoxin restore DIR [--force]: rebuild an empty installation from a backup whose checksums match."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gaoxin.core import backup


class Command(BaseCommand):
    help = (
        "从 gaoxin backup 写出的目录恢复：先核对每个文件的校验和，不符即拒绝；"
        "本安装已有数据时拒绝，除非加 --force；恢复后校验审计链"
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="备份目录")
        parser.add_argument("--force", action="store_true", help="覆盖本安装已有的数据库和文件")

    def handle(self, *args, dir: Path, force: bool, **options):
        try:
            manifest = backup.restore(dir, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {dir} 恢复（备份于 {manifest['created_at']}），审计链完好，含封存链头 #{head['seq']}"
            )
        )
