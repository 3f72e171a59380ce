"""The self-service kiosk (无人超市): login by ID card number and a one-time code sent by SMS through
the outbox, and the kiosk's own way of finishing a kiosk-capable 即办件 (the applicant accepts it on
the spot; the licence is issued and printed at the kiosk).

A code lives GAOXIN_KIOSK_CODE_MINUTES, allows five tries, and is stored as a keyed hash. Code
requests are rate-limited per kiosk (client IP) and per ID card number. Whether a number is known is
never revealed: an unknown number gets the same answer as a known one."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from gaoxin.accounts.models import ApiToken, User
from gaoxin.accounts.services import token_issue
from gaoxin.core import audit, clock, identifiers
from gaoxin.core.errors import NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from gaoxin.core.notify import notify
from gaoxin.core.ratelimit import hit

from .. import permissions as perms
from ..models import Case, KioskCode, ServiceItem
from .cases import case_act
from .submission import case_submit

MAX_TRIES = 5
KIOSK_TOKEN_MINUTES = 30  # a kiosk client's bearer token: one person's visit, not a standing credential
SENT = "如该身份证号已在本平台登记手机号，验证码已发送，请查收短信"


def _id_card(value: str) -> str:
    result = identifiers.check_id_card(str(value or ""))
    if not result.valid:
        raise ValidationFailed("请输入有效的居民身份证号", fields={"id_card": result.message or "校验不通过"})
    return result.normalized


def _digest(code: str) -> str:
    return salted_hmac("gaoxin.kiosk", code).hexdigest()


def _holder(id_card: str) -> User | None:
    return User.objects.filter(id_card=id_card, is_active=True).exclude(phone="").first()


def kiosk_code_request(*, id_card: str, client: str) -> str:
    """Send a one-time code to the phone of the account holding this ID card number."""
    number = _id_card(id_card)
    limit = settings.KIOSK_CODES_PER_MINUTE
    if not (hit("kiosk-ip", client, limit=limit) and hit("kiosk-id", number, limit=max(1, limit // 3))):
        raise TooManyRequests("验证码请求过于频繁，请稍后再试")
    user = _holder(number)
    if user is None:
        return SENT
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    minutes = settings.KIOSK_CODE_MINUTES
    with transaction.atomic():
        KioskCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)  # one live code
        row = KioskCode.objects.create(
            user=user, digest=_digest(code), created_at=now, expires_at=now + dt.timedelta(minutes=minutes)
        )
        audit.record(actor=None, action="kiosk.code", obj=row, summary={"user": user.pk, "client": client})
        notify(
            recipient=user,
            kind="other",
            subject=f"自助终端登录验证码 {code}，{minutes} 分钟内有效，请勿告知他人",
            obj=row,
        )
    return SENT


def kiosk_code_verify(*, id_card: str, code: str, client: str) -> User:
    """The account the code was sent to, once; a wrong, expired or used code is refused."""
    number = _id_card(id_card)
    refused = ValidationFailed("验证码不正确或已失效，请重新获取", fields={"code": "验证码不正确"})
    if not hit("kiosk-verify", client, limit=settings.KIOSK_CODES_PER_MINUTE * 2):
        raise TooManyRequests("尝试过于频繁，请稍后再试")
    user = _holder(number)
    if user is None:
        raise refused
    now = clock.now()
    with transaction.atomic():
        row = (
            KioskCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= MAX_TRIES:
            raise refused
        matched = constant_time_compare(row.digest, _digest(str(code or "").strip()))
        if matched:
            row.used_at = now
            row.save(update_fields=["used_at"])
            audit.record(actor=user, action="kiosk.login", obj=row, summary={"client": client})
        else:  # counted, and kept: the refusal below must not roll the count back
            KioskCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    if not matched:
        raise refused
    return user


def kiosk_token_issue(*, id_card: str, code: str, client: str) -> tuple[ApiToken, str]:
    """The kiosk client's login: the code checked as the kiosk page checks it, then a bearer token
    for that account that lives KIOSK_TOKEN_MINUTES (the client revokes it when the person leaves)."""
    user = kiosk_code_verify(id_card=id_card, code=code, client=client)
    return token_issue(user=user, name="自助终端", lifetime=dt.timedelta(minutes=KIOSK_TOKEN_MINUTES))


def kiosk_apply(
    *, actor, item_code: str, data: dict, files: dict, idempotency_key: str = ""
) -> tuple[Case, bool]:
    """Submit a kiosk-capable item at the kiosk; a 即办件 with its materials complete is finished on the
    spot (its licence issued), anything else waits for a window like an online application. The
    second value says whether this call created the case (a retry with the same key did not)."""
    case, created = case_submit(
        actor=actor, item_code=item_code, data=data, files=files, kiosk=True, idempotency_key=idempotency_key
    )
    if created and case.version.is_instant:
        case = case_act(actor=actor, number=case.number, action="accept_instant")
    return case, created


@transaction.atomic
def item_kiosk_set(*, actor, code: str, kiosk: bool = True) -> ServiceItem:
    """Mark an item as one the applicant may apply for at the kiosk (or no longer)."""
    if not perms.can_edit_catalogue(actor):
        raise PermissionDenied("只有事项管理人员可以设置自助办理事项")
    item = ServiceItem.objects.select_for_update().filter(code=str(code)[:12]).first()
    if item is None:
        raise NotFound("未找到该事项")
    item.kiosk = bool(kiosk)
    item.save(update_fields=["kiosk"])
    audit.record(actor=actor, action="item.kiosk", obj=item, summary={"code": item.code, "kiosk": item.kiosk})
    return item
