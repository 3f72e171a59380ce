"""Checks of uploaded material files (declared type, size, the content's magic bytes), and the one
way files are written to storage: `store_file`, whose files are removed again when the work that
stored them fails (`files_removed_on_rollback` around the transaction of every service that stores
files), so a submission refused half-way or a lost race leaves nothing on disk."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.core.files.base import ContentFile

from gaoxin.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
TYPE_NAMES = {"pdf": "PDF", "jpg": "JPEG 图片", "png": "PNG 图片"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    size: int
    sha256: str
    content: bytes
    name: str


def check_upload(upload, *, allowed: list[str], label: str) -> CheckedFile:
    """Refuse a file whose extension, size or content does not fit; the message names the material."""
    name = (getattr(upload, "name", "") or "file").replace("\x00", "")[-200:]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(ext)
    allowed_names = "、".join(TYPE_NAMES.get(t, t) for t in allowed)
    if kind is None or kind not in allowed:
        raise ValidationFailed(f"「{label}」只接受 {allowed_names} 文件", fields={label: "文件类型不符"})
    size = getattr(upload, "size", None) or 0
    if size > MAX_BYTES:
        raise ValidationFailed(f"「{label}」超过 10 MB", fields={label: "文件过大"})
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationFailed(f"「{label}」超过 10 MB", fields={label: "文件过大"})
    if not content:
        raise ValidationFailed(f"「{label}」是空文件", fields={label: "空文件"})
    if not any(content.startswith(m) for m in MAGIC[kind]):
        raise ValidationFailed(
            f"「{label}」的内容不是真正的 {TYPE_NAMES[kind]}（文件可能损坏或扩展名被改过）",
            fields={label: "文件内容与类型不符"},
        )
    return CheckedFile(kind, len(content), hashlib.sha256(content).hexdigest(), content, name)


_tracking = threading.local()


@contextmanager
def files_removed_on_rollback() -> Iterator[None]:
    """Wrap a service's transaction: a file stored inside is deleted again if the block raises (the
    transaction inside rolled back, so no row refers to it). Nested blocks hand their files to the
    enclosing one, which removes them if it fails later."""
    stack = _tracking.__dict__.setdefault("stack", [])
    stored: list = []
    stack.append(stored)
    try:
        yield
    except BaseException:
        for storage, name in reversed(stored):
            with suppress(OSError):
                storage.delete(name)
        raise
    else:
        if len(stack) > 1:
            stack[-2].extend(stored)
    finally:
        stack.pop()


def store_file(fieldfile, name: str, content: bytes) -> None:
    """Write `content` to the storage of a FileField (the row is saved by the caller)."""
    fieldfile.save(name, ContentFile(content), save=False)
    stack = _tracking.__dict__.get("stack")
    if stack:
        stack[-1].append((fieldfile.storage, fieldfile.name))


def check_material_file(spec, upload) -> CheckedFile:
    return check_upload(upload, allowed=spec.types, label=spec.name)


def store_material_file(m, upload) -> None:
    """Store a material's file (an upload, or one already checked) and mark the material provided."""
    checked = upload if isinstance(upload, CheckedFile) else check_material_file(m.spec, upload)
    store_file(
        m.file, f"{m.case.number}-{m.spec.order}-{checked.sha256[:12]}.{checked.kind}", checked.content
    )
    m.original_name, m.content_type, m.size, m.sha256 = (
        checked.name,
        checked.kind,
        checked.size,
        checked.sha256,
    )
    m.status = m.Status.PROVIDED
    m.save()
