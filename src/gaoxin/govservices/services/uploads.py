"""Checks of uploaded material files: declared type, size and the content's magic bytes."""

from __future__ import annotations

import hashlib
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


def store_material_file(m, upload) -> None:
    checked = check_upload(upload, allowed=m.spec.types, label=m.spec.name)
    m.file.save(
        f"{m.case.number}-{m.spec.order}-{checked.sha256[:12]}.{checked.kind}",
        ContentFile(checked.content),
        save=False,
    )
    m.original_name, m.content_type, m.size, m.sha256 = (
        checked.name,
        checked.kind,
        checked.size,
        checked.sha256,
    )
    m.status = m.Status.PROVIDED
    m.save()
