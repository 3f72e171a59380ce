"""E-licences: Ed25519 signatures over canonical fields, rotatable keys, PDF with a QR code, verification."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from gaoxin.accounts.permissions import is_system_admin
from gaoxin.core import audit, clock, fonts, ratelimit
from gaoxin.core.errors import PermissionDenied, TooManyRequests
from gaoxin.core.identifiers import check_id_card, check_uscc, mask_id_card
from gaoxin.core.models import AuditEvent

from ..models import Licence
from .common import text
from .uploads import store_file

SIGNED_FIELDS = (
    "number",
    "title",
    "holder_name",
    "holder_id",
    "issuer",
    "issued_on",
    "valid_from",
    "valid_to",
    "content",
)
FIELD_LABELS = {
    "number": "证照编号",
    "title": "证照名称",
    "holder_name": "持证主体",
    "holder_id": "持证主体代码",
    "issuer": "发证机关",
    "issued_on": "发证日期",
    "valid_from": "有效期起",
    "valid_to": "有效期至",
    "content": "证照内容",
}


def keys_dir() -> Path:
    path = Path(settings.DATA_DIR) / "keys"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_key(kid: str) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = keys_dir() / f"{kid}.pem"
    path.write_bytes(pem)
    path.chmod(0o600)
    # Replace the pointer atomically: another worker reading it mid-write must not see an empty name.
    tmp = keys_dir() / f".current-{kid}"
    tmp.write_text(kid)
    os.replace(tmp, keys_dir() / "current")


def current_key_id() -> str:
    pointer = keys_dir() / "current"
    if not pointer.exists():
        _write_key("k" + timezone.now().strftime("%Y%m%d%H%M%S"))
    return pointer.read_text().strip()


def _private_key(kid: str) -> Ed25519PrivateKey | None:
    path = keys_dir() / f"{kid}.pem"
    if not kid.isalnum() or not path.exists():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key if isinstance(key, Ed25519PrivateKey) else None


def signing_key_rotate(*, actor) -> str:
    """A new key signs from now on; licences signed with older keys keep verifying."""
    if actor is not None and not is_system_admin(actor):  # None: the server's operator, from the command line
        raise PermissionDenied("只有系统管理员可以轮换签名密钥")
    old = current_key_id()
    kid = "k" + timezone.now().strftime("%Y%m%d%H%M%S%f")
    _write_key(kid)
    audit.record(
        actor=actor,
        action="licence.key_rotate",
        object_type="govservices.key",
        object_id=kid,
        summary={"old": old},
    )
    return kid


def signed_fields(licence: Licence) -> dict:
    fields = {}
    for name in SIGNED_FIELDS:
        value = getattr(licence, name)
        fields[name] = value.isoformat() if isinstance(value, dt.date) else value
    return fields


def canonical(fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _sign(fields: dict, kid: str) -> str:
    key = _private_key(kid)
    if key is None:
        raise RuntimeError(f"签名密钥 {kid} 不存在或不是 Ed25519 密钥")
    return base64.urlsafe_b64encode(key.sign(canonical(fields))).decode()


def signature_valid(licence: Licence) -> bool:
    key = _private_key(licence.key_id)
    if key is None:
        return False
    try:
        key.public_key().verify(
            base64.urlsafe_b64decode(licence.signature.encode()), canonical(signed_fields(licence))
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def licence_issue(*, actor, case) -> Licence:
    """Called inside the case's issue transition."""
    version = case.version
    issued = clock.today()
    valid_to = None
    if version.licence_years:
        try:
            valid_to = issued.replace(year=issued.year + version.licence_years) - dt.timedelta(days=1)
        except ValueError:
            valid_to = issued.replace(year=issued.year + version.licence_years, day=28)
    content = {
        f["label"]: str(case.data.get(f["name"], "")) for f in version.form_fields if case.data.get(f["name"])
    }
    licence = Licence(
        number=f"GXZ{issued:%Y}{case.pk:08d}",
        token=secrets.token_urlsafe(18),
        case=case,
        item=case.item,
        title=version.result_name,
        holder_name=case.applicant_name,
        holder_id=case.enterprise_uscc or (case.applicant.id_card or ""),
        issuer=f"高新区{version.department.name}",
        issued_on=issued,
        valid_from=issued,
        valid_to=valid_to,
        content=content,
        key_id=current_key_id(),
    )
    fields = signed_fields(licence)
    licence.signature = _sign(fields, licence.key_id)
    store_file(licence.pdf, f"{licence.number}.pdf", render_pdf(licence))
    licence.save()
    audit.record(
        actor=actor, action="licence.issue", obj=licence, summary={"fields": fields, "key_id": licence.key_id}
    )
    return licence


def licence_revoke(*, actor, licence: Licence, reason: str) -> Licence:
    licence.state = Licence.State.REVOKED
    licence.revoked_at = clock.now()
    licence.revoke_reason = reason
    licence.save(update_fields=["state", "revoked_at", "revoke_reason"])
    audit.record(actor=actor, action="licence.revoke", obj=licence, summary={"reason": reason})
    return licence


def _issued_fields(licence: Licence) -> dict | None:
    event = (
        AuditEvent.objects.filter(
            action="licence.issue", object_type="govservices.licence", object_id=str(licence.pk)
        )
        .order_by("seq")
        .first()
    )
    return (event.summary or {}).get("fields") if event else None


def verification_allowed(client: str) -> None:
    """Count one public verification by `client` (its IP address); over the per-minute limit: 429."""
    if not ratelimit.hit("licence-verify", client, limit=settings.VERIFY_RATE_PER_MINUTE):
        raise TooManyRequests("核验请求过于频繁，请一分钟后再试")


def mask_text(value: str) -> str:
    """A personal text in the masked form the public may see: its first and last character."""
    value = str(value or "")
    if len(value) <= 1:
        return "*" if value else ""
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * min(len(value) - 2, 6) + value[-1]


def _public_fields(fields: dict) -> dict:
    """What the public page may show. An enterprise's licence is public record; a citizen's name, ID
    number and the content of the licence (an address, say) are shown masked only."""
    public = dict(fields)
    holder_id = public.get("holder_id") or ""
    if check_uscc(holder_id).valid:
        return public
    public["holder_name"] = mask_text(public.get("holder_name") or "")
    public["holder_id"] = mask_id_card(holder_id) if check_id_card(holder_id).valid else mask_text(holder_id)
    public["content"] = {k: mask_text(v) for k, v in (public.get("content") or {}).items()}
    return public


NOT_FOUND = "查无此证：该证照不是本平台签发的"


def verify(*, token: str) -> dict:
    """By the QR code's token: valid / revoked / expired / not_genuine, the signed fields (a citizen's
    masked) and the fields that differ from what was signed at issue."""
    token = text(token, 40)
    licence = Licence.objects.select_related("item").filter(token=token).first() if token else None
    if licence is None:
        return {"status": "not_genuine", "message": NOT_FOUND, "altered": [], "licence": None, "fields": None}
    altered: list[str] = []
    genuine = signature_valid(licence)
    if not genuine:
        issued = _issued_fields(licence) or {}
        current = signed_fields(licence)
        altered = [FIELD_LABELS[k] for k in SIGNED_FIELDS if issued.get(k) != current.get(k)]
    fields = signed_fields(licence) if genuine else (_issued_fields(licence) or {})
    if not genuine:
        status, message = (
            "not_genuine",
            "证照信息与签发记录不符：" + "、".join(altered) if altered else "签名无效",
        )
    elif licence.state == Licence.State.REVOKED:
        status, message = (
            "revoked",
            f"该证照已于 {timezone.localtime(licence.revoked_at):%Y-%m-%d} 撤销：{licence.revoke_reason}",
        )
    elif licence.valid_to and licence.valid_to < clock.today():
        status, message = "expired", f"该证照已于 {licence.valid_to} 过期"
    else:
        status, message = "valid", "证照真实有效"
    return {
        "status": status,
        "message": message,
        "altered": altered,
        "licence": licence,
        "fields": _public_fields(fields),
    }


def verify_number(*, number: str) -> dict:
    """By the number alone (printed on the licence, sequential, so guessable): only whether a genuine
    licence has that number, its state and its title. Nothing about the holder; no guessed field is
    compared. The full answer needs the QR code's token."""
    licence = Licence.objects.filter(number=text(number, 32)).first()
    if licence is None:
        return {"status": "not_genuine", "message": NOT_FOUND, "altered": [], "licence": None, "fields": None}
    if not signature_valid(licence):
        status, message = "not_genuine", "证照信息与签发记录不符"
    elif licence.state == Licence.State.REVOKED:
        status, message = "revoked", "该证照已撤销"
    elif licence.valid_to and licence.valid_to < clock.today():
        status, message = "expired", "该证照已过期"
    else:
        status, message = "valid", "本平台签发过该编号的证照；持证主体等内容请扫描证照上的二维码核验"
    title = (_issued_fields(licence) or {}).get("title") or licence.title
    return {
        "status": status,
        "message": message,
        "altered": [],
        "licence": licence,
        "fields": {"number": licence.number, "title": title},
    }


def site_url(request=None) -> str:
    """The address QR codes point to: GAOXIN_SITE_URL, else the address the request came to."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


def verify_url(licence: Licence, request=None) -> str:
    return f"{site_url(request)}/verify/{licence.token}/"


def render_pdf(licence: Licence, request=None) -> bytes:
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font, _bold = fonts.pdf_fonts()  # embedded, so any reader shows the Chinese
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    c.setTitle(f"{licence.title} {licence.number}")
    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 100, licence.title)
    c.setFont(font, 12)
    y = height - 160
    rows = [
        ("证照编号", licence.number),
        ("持证主体", licence.holder_name),
        ("统一社会信用代码/身份证号", licence.holder_id),
        ("发证机关", licence.issuer),
        ("发证日期", licence.issued_on.isoformat()),
        ("有效期", f"{licence.valid_from} 至 {licence.valid_to or '长期'}"),
    ] + [(k, str(v)) for k, v in licence.content.items()]
    for label, value in rows:
        c.drawString(80, y, f"{label}：{value}"[:60])
        y -= 26
    url = verify_url(licence, request)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=4)
    qr.seek(0)
    c.drawImage(ImageReader(qr), width - 200, 80, 120, 120)
    c.linkURL(url, (width - 200, 80, width - 80, 200))  # the QR code is also a link in a PDF reader
    c.setFont(font, 9)
    c.drawString(80, 90, f"扫码核验：{url}")
    c.drawString(80, 74, f"电子签名（Ed25519，密钥 {licence.key_id}）：{licence.signature[:40]}…")
    c.showPage()
    c.save()
    return buf.getvalue()
