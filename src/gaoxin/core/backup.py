"""Backup and restore of one installation: the database (PostgreSQL `pg_dump -Fc`, SQLite's online
backup API), the uploaded files, the licence signing keys, the secret key file, and the audit chain's
sealed head, with a manifest of SHA-256 checksums of every file.

A restore checks every checksum before it touches anything, refuses an installation that already holds
data unless forced, and after loading checks that the restored audit chain holds the sealed head the
backup recorded and verifies from end to end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from . import audit, clock

MANIFEST = "manifest.json"
FORMAT = 1
# Directories and files of the data dir that a backup carries, relative to GAOXIN_DATA_DIR.
DATA_TREES = ("media", "keys")
DATA_FILES = ("secret_key",)


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-d", db["NAME"]]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 - fixed pg_* argv
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _sealed_head() -> dict:
    from .models import AuditHead

    head = AuditHead.objects.filter(id=1).values("seq", "hash").first()
    return head or {"seq": 0, "hash": audit.GENESIS}


def backup(dest: Path) -> dict:
    """Write a backup into `dest` (created; must be empty). Returns the manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"备份目录 {dest} 不是空的")
    dest.mkdir(parents=True, exist_ok=True)
    audit.seal(wait=True)
    head = _sealed_head()
    vendor = connection.vendor
    if vendor == "postgresql":
        db_file = dest / "database.dump"
        args, env = _pg_env()
        _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(db_file), *args], env)
    elif vendor == "sqlite":
        db_file = dest / "database.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        target = sqlite3.connect(db_file)
        try:
            with target:
                source.backup(target)
            # A single self-contained file: no -wal/-shm beside it when it is opened later.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    data_dir = Path(settings.DATA_DIR)
    for tree in DATA_TREES:
        if (data_dir / tree).is_dir():
            shutil.copytree(data_dir / tree, dest / "data" / tree, symlinks=False)
    for name in DATA_FILES:
        if (data_dir / name).is_file():
            (dest / "data").mkdir(exist_ok=True)
            shutil.copy2(data_dir / name, dest / "data" / name)
    files = {
        str(p.relative_to(dest)): sha256(p)
        for p in sorted(dest.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "database": {"vendor": vendor, "file": db_file.name},
        "audit_head": head,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def check(src: Path) -> dict:
    """The backup's manifest, once every file it names matches its checksum and no file was added."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
        files = manifest["files"]
        vendor = manifest["database"]["vendor"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份清单 {src / MANIFEST} 缺失或无法读取：{exc}") from exc
    problems = []
    for rel, expected in files.items():
        path = src / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            problems.append(f"{rel}：路径不合法")
        elif not path.is_file():
            problems.append(f"{rel}：文件缺失")
        elif sha256(path) != expected:
            problems.append(f"{rel}：校验和不符")
    extra = {str(p.relative_to(src)) for p in src.rglob("*") if p.is_file()} - set(files) - {MANIFEST}
    problems += [f"{rel}：清单中没有这个文件" for rel in sorted(extra)]
    if manifest["database"].get("file") not in files:
        problems.append("清单中没有数据库文件")
    if problems:
        raise BackupError("备份校验失败，拒绝恢复：" + "；".join(problems[:20]))
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，本安装使用 {connection.vendor}")
    return manifest


def installation_empty() -> bool:
    tables = connection.introspection.table_names()
    data_dir = Path(settings.DATA_DIR)
    files = [p for tree in DATA_TREES if (data_dir / tree).is_dir() for p in (data_dir / tree).rglob("*")]
    return not tables and not any(p.is_file() for p in files)


def restore(src: Path, *, force: bool = False) -> dict:
    """Rebuild this installation from the backup in `src`. Returns the manifest."""
    src = Path(src)
    manifest = check(src)
    if not force and not installation_empty():
        raise BackupError("本安装已有数据（数据库中有表或数据目录中有文件）；确需覆盖请加 --force")
    db_file = src / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connections.close_all()
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *clean, *args, str(db_file)],
            env,
        )
    else:
        connections.close_all()
        name = settings.DATABASES["default"]["NAME"]
        source = sqlite3.connect(f"file:{db_file}?mode=ro&immutable=1", uri=True)
        target = sqlite3.connect(name)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    data_dir = Path(settings.DATA_DIR)
    for tree in DATA_TREES:
        if force and (data_dir / tree).exists():
            shutil.rmtree(data_dir / tree)
        if (src / "data" / tree).is_dir():
            shutil.copytree(src / "data" / tree, data_dir / tree, dirs_exist_ok=True)
    for name in DATA_FILES:
        if (src / "data" / name).is_file():
            shutil.copy2(src / "data" / name, data_dir / name)
    _check_chain(manifest["audit_head"])
    return manifest


def _check_chain(head: dict) -> None:
    from .models import AuditEvent

    seq, expected = int(head["seq"]), head["hash"]
    if seq:
        found = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if found != expected:
            raise BackupError(f"恢复后的审计链不含备份时封存的链头 #{seq}")
    report = audit.check(seal_first=False)
    if report.problem:
        raise BackupError(f"恢复后的审计链校验失败 [{report.problem.kind}] {report.problem.message}")


EXPORT_BLOCK = 10000


def audit_export(dest: Path, *, block: int = EXPORT_BLOCK) -> list[Path]:
    """Write the sealed audit events not yet exported into `dest` as JSON-lines files of up to `block`
    events (audit-<first>-<last>.jsonl, each with a .sha256 beside it), checking each event's hash and
    link on the way. Each file records until when it must be kept (GAOXIN_AUDIT_RETENTION_DAYS after its
    last event). Returns the files written."""
    import datetime as dt

    from .models import AuditEvent

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    audit.seal(wait=True)
    done = [int(p.name.split("-")[2].split(".")[0]) for p in dest.glob("audit-*-*.jsonl")]
    last = max(done, default=0)
    prev = (
        AuditEvent.objects.filter(seq=last).values_list("hash", flat=True).first() if last else audit.GENESIS
    )
    head = _sealed_head()["seq"]
    written = []
    while last < head:
        events = list(AuditEvent.objects.filter(seq__gt=last, seq__lte=head).order_by("seq")[:block])
        if not events:
            break
        lines = []
        for event in events:
            if event.prev_hash != prev or audit.event_hash(event) != event.hash:
                raise BackupError(f"审计事件 #{event.seq} 与哈希链不符，停止导出")
            prev = event.hash
            lines.append(
                audit._canonical(
                    {
                        "seq": event.seq,
                        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                        "actor_id": event.actor_id,
                        "actor": event.actor,
                        "action": event.action,
                        "object_type": event.object_type,
                        "object_id": event.object_id,
                        "summary": event.summary,
                        "request_id": event.request_id,
                        "prev_hash": event.prev_hash,
                        "hash": event.hash,
                    }
                )
            )
        first, last = events[0].seq, events[-1].seq
        keep_until = (events[-1].at + dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)).date().isoformat()
        path = dest / f"audit-{first:012d}-{last:012d}.jsonl"
        tmp = path.with_suffix(".part")
        tmp.write_text("\n".join(lines) + "\n")
        (dest / f"{path.name}.sha256").write_text(f"{sha256(tmp)}  {path.name}  keep-until {keep_until}\n")
        os.replace(tmp, path)
        written.append(path)
    return written
