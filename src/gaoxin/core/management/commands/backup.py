"""gaoxin backup DIR: a consistent backup of the database, uploaded files, signing keys and the audit head."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gaoxin.core import backup


class Command(BaseCommand):
    help = (
        "把数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）、上传文件、证照签名密钥和"
        "审计链封存链头写入一个空目录，并附每个文件 SHA-256 校验和的 manifest.json"
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args, dir: Path, **options):
        try:
            manifest = backup.backup(dir)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(f"已备份到 {dir}：{len(manifest['files'])} 个文件，审计链头 #{head['seq']}")
        )
