"""Writes on accounts: login and lock-out, second factor, API tokens, departments, users and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from gaoxin.core import audit, ratelimit
from gaoxin.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import check_id_card, check_uscc

from . import permissions
from .models import ApiToken, Department, LoginCounter, RoleAssignment, User
from .roles import Kind, Role

TOKEN_PREFIX = "gx_"  # noqa: S105  (a public prefix, not a secret)


LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定，请稍后再试，或联系系统管理员解锁"
BAD_CREDENTIALS = "用户名或密码不正确"


def _locked(until: dt.datetime | None) -> PermissionDenied:
    """The same refusal whether the username exists or not: every typed name is counted alike."""
    if until is None:
        return PermissionDenied(LOCKED_MESSAGE, code="account_locked")
    return PermissionDenied(
        f"登录失败次数过多，已暂时锁定，请于 {timezone.localtime(until):%H:%M} 后再试，或联系系统管理员解锁",
        code="account_locked",
    )


def _counter_of(username: str, client: str) -> LoginCounter:
    counter, _ = LoginCounter.objects.get_or_create(username=username[:150], client=client[:45])
    return counter


def _reserve(counter: LoginCounter) -> bool:
    """Take one of the LOCKOUT_THRESHOLD attempts before the password is checked, in one conditional
    UPDATE: however many requests arrive at once, at most the threshold of them reach the check."""
    now = timezone.now()
    rows = LoginCounter.objects.filter(pk=counter.pk)
    if rows.filter(locked_until__isnull=True, failures__lt=settings.LOCKOUT_THRESHOLD).update(
        failures=F("failures") + 1, updated_at=now
    ):
        return True
    # The lock has run out, or attempts were left counted by a process that died mid-check.
    stale = Q(locked_until__isnull=True, updated_at__lt=now - dt.timedelta(minutes=settings.LOCKOUT_MINUTES))
    return bool(
        rows.filter(Q(locked_until__lte=now) | stale).update(failures=1, locked_until=None, updated_at=now)
    )


def _failed(counter: LoginCounter, user: User | None) -> None:
    """A checked attempt failed: at the threshold, lock this (username, client), twice as long as the
    previous lock each time (back-off), until a successful login or an administrator resets it."""
    with transaction.atomic():
        row = LoginCounter.objects.select_for_update().get(pk=counter.pk)
        if row.failures < settings.LOCKOUT_THRESHOLD or row.locked_until is not None:
            return
        minutes = settings.LOCKOUT_MINUTES * 2 ** min(row.lockouts, 6)
        row.locked_until = timezone.now() + dt.timedelta(minutes=minutes)
        row.lockouts += 1
        row.save(update_fields=["locked_until", "lockouts", "updated_at"])
        summary = {"username": row.username, "client": row.client, "minutes": minutes}
        if user is not None:
            audit.record(actor=None, action="account.locked", obj=user, summary=summary)
        else:
            audit.record(
                actor=None,
                action="account.locked",
                object_type="accounts.login",
                object_id=row.username[:64],
                summary=summary,
            )


def _release(counter: LoginCounter) -> None:
    """The attempt was not a failure (the password was right, the second factor is still to come)."""
    LoginCounter.objects.filter(pk=counter.pk, failures__gt=0).update(failures=F("failures") - 1)


def login_counters_prune(*, idle_days: int = 30) -> int:
    """Forget the failed-login counters of (username, client) pairs idle for `idle_days` and not
    locked now: a stranger trying many names cannot grow the table without end. A pair seen again
    starts from zero (its back-off history is forgotten with it). Returns the rows removed."""
    now = timezone.now()
    idle = LoginCounter.objects.filter(updated_at__lt=now - dt.timedelta(days=idle_days)).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )
    removed, _ = idle.delete()
    return removed


def is_locked_out(user: User, client: str) -> bool:
    """Locked for this client (failed logins from it), or the whole account locked."""
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        return True
    return LoginCounter.objects.filter(
        username=user.username, client=client[:45], locked_until__gt=now
    ).exists()


def login_check(*, request, username: str, password: str, otp: str | None = None) -> User:
    """Check a username/password (and TOTP code when enabled). Failures are counted per (username,
    client IP) before the check; at LOCKOUT_THRESHOLD that pair is locked, with back-off. An unknown
    username is counted and answered exactly like a known one."""
    username = (username or "").strip()
    counter = _counter_of(username, ratelimit.client_ip(request))
    if not _reserve(counter):
        counter.refresh_from_db()
        raise _locked(counter.locked_until)
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        known = User.objects.filter(username=username).first()
        if known is not None:
            User.objects.filter(pk=known.pk).update(failed_logins=F("failed_logins") + 1)
        _failed(counter, known)
        raise NotAuthenticated(BAD_CREDENTIALS, code="bad_credentials")
    if user.totp_enabled:
        if not otp:
            _release(counter)
            raise NotAuthenticated("该账户已启用动态口令，请输入6位动态验证码", code="otp_required")
        if not pyotp.TOTP(user.totp_secret).verify(otp.strip(), valid_window=1):
            _failed(counter, user)
            raise NotAuthenticated("动态验证码不正确或已过期", code="bad_otp")
    with transaction.atomic():
        LoginCounter.objects.filter(pk=counter.pk).update(failures=0, lockouts=0, locked_until=None)
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None, last_login=timezone.now())
        audit.record(actor=user, action="account.login", obj=user)
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    if not permissions.is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以解锁账户")
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    LoginCounter.objects.filter(username=user.username).delete()
    audit.record(actor=actor, action="account.unlock", obj=user)
    user.refresh_from_db()
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed("原密码不正确", fields={"old_password": "原密码不正确"})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "；".join(exc.messages), fields={"new_password": "；".join(exc.messages)}
        ) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor=user, action="account.password_change", obj=user)
    return user


# ---- second factor -------------------------------------------------------------------------------


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """Give the user a fresh secret to scan; it only takes effect after `totp_confirm`."""
    if not permissions.can_use_totp(user):
        raise PermissionDenied("动态口令仅对工作人员开放")
    if user.totp_enabled:
        raise Conflict("动态口令已启用；如需更换请先停用")
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="gaoxin")


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> User:
    if user.totp_enabled:
        raise Conflict("动态口令已启用")
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        raise ValidationFailed(
            "动态验证码不正确，请查看验证器应用中当前的6位数字", fields={"code": "验证码不正确"}
        )
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit.record(actor=user, action="account.totp_enable", obj=user)
    return user


@transaction.atomic
def totp_disable(*, user: User, code: str) -> User:
    if not user.totp_enabled:
        raise Conflict("动态口令未启用")
    if not pyotp.TOTP(user.totp_secret).verify((code or "").strip(), valid_window=1):
        raise ValidationFailed("动态验证码不正确", fields={"code": "验证码不正确"})
    user.totp_enabled = False
    user.totp_secret = ""
    user.save(update_fields=["totp_enabled", "totp_secret"])
    audit.record(actor=user, action="account.totp_disable", obj=user)
    return user


# ---- API tokens ----------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "", lifetime: dt.timedelta | None = None) -> tuple[ApiToken, str]:
    """A new bearer token; `lifetime` shortens it from API_TOKEN_DAYS (the kiosk's tokens)."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = lifetime or dt.timedelta(days=settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user,
        name=name[:60],
        prefix=key[:10],
        key_hash=_hash(key),
        expires_at=timezone.now() + lifetime,
    )
    audit.record(actor=user, action="token.issue", obj=token, summary={"prefix": token.prefix})
    return token, key


def token_user(key: str, client: str = "") -> User | None:
    """The active user a bearer token belongs to, or None when unknown, expired, revoked, or while
    the account is locked (for the client presenting the token, or as a whole)."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None or is_locked_out(token.user, client):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token
    return token.user


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not permissions.is_system_admin(actor):
        raise PermissionDenied("只能吊销自己的令牌")
    if token.revoked_at:
        raise Conflict("该令牌已吊销")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="token.revoke", obj=token, summary={"prefix": token.prefix})
    return token


# ---- departments, users and roles ---------------------------------------------------------------


@transaction.atomic
def department_save(
    *, actor: User, code: str, name: str, order: int = 100, active: bool = True
) -> Department:
    if not permissions.can_manage_departments(actor):
        raise PermissionDenied("只有系统管理员可以维护部门")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写部门名称", fields={"name": "必填"})
    dept = Department.objects.filter(code=code).first()
    before = {"name": dept.name, "order": dept.order, "active": dept.active} if dept else {}
    try:
        with transaction.atomic():
            dept, _ = Department.objects.update_or_create(
                code=code, defaults={"name": name, "order": order, "active": active}
            )
    except IntegrityError as exc:
        raise Conflict(f"部门名称“{name}”已被使用") from exc
    audit.record(
        actor=actor,
        action="department.save",
        obj=dept,
        summary=audit.changes(before, {"name": name, "order": order, "active": active}),
    )
    return dept


def _check_new_user(username: str, password: str) -> None:
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名“{username}”已被使用", fields={"username": "已被使用"})
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), fields={"password": "；".join(exc.messages)}) from exc


@transaction.atomic
def staff_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    department: Department,
    roles: list[str],
    audit_it: bool = True,
) -> User:
    if actor is not None and not permissions.is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以创建工作人员账户")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(f"未知角色：{'、'.join(unknown)}", fields={"roles": "未知角色"})
    _check_new_user(username, password)
    user = User(username=username, full_name=full_name, kind=Kind.STAFF, department=department)
    user.set_password(password)
    _save_new(user)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=r, department=department) for r in roles]
    )
    if audit_it:
        audit.record(actor=actor, action="account.create_staff", obj=user, summary={"roles": roles})
    return user


@transaction.atomic
def enterprise_user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    uscc: str,
    enterprise_name: str,
    legal_rep: bool,
    audit_it: bool = True,
) -> User:
    """A legal representative's account, or an operator authorised by the verified legal rep.

    A legal rep who registers online (no actor) only *claims* the enterprise: the account sees
    nothing of it until staff verify the claim (`enterprise_claim_verify`). Staff creating the
    account (at the window, with the licence in hand) bind it at once."""
    checked = check_uscc(uscc)
    if not checked.valid:
        raise ValidationFailed(checked.message, fields={"uscc": checked.message})
    code = checked.normalized
    binds = False
    if not legal_rep:
        if actor is None or not permissions.can_authorise_operators(actor) or actor.enterprise_uscc != code:
            raise PermissionDenied("经办人须由本企业已核验的法定代表人账户授权")
        binds = True
    elif actor is not None:
        if not permissions.can_verify_enterprise_claims(actor):
            raise PermissionDenied("只有窗口或系统管理员可以直接开立企业账户")
        binds = True
    if binds and legal_rep and User.objects.filter(enterprise_uscc=code, is_legal_rep=True).exists():
        raise Conflict("该企业已有法定代表人账户", fields={"uscc": "已注册"})
    _check_new_user(username, password)
    user = User(
        username=username,
        full_name=full_name,
        kind=Kind.ENTERPRISE,
        enterprise_uscc=code if binds else "",
        claimed_uscc="" if binds else code,
        enterprise_name=enterprise_name,
        is_legal_rep=legal_rep,
        authorised_by=actor if not legal_rep else None,
    )
    user.set_password(password)
    _save_new(user)
    if audit_it:
        audit.record(
            actor=actor or user,
            action="account.create_enterprise_user",
            obj=user,
            summary={"uscc": code, "legal_rep": legal_rep, "verified": binds},
        )
    return user


@transaction.atomic
def enterprise_claim_verify(*, actor: User, user: User, approve: bool, reason: str = "") -> User:
    """Staff check the claimant's business licence and bind the account to the enterprise, or refuse."""
    if not permissions.can_verify_enterprise_claims(actor):
        raise PermissionDenied("只有窗口受理员或系统管理员可以核验企业账户")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.claimed_uscc or not user.is_active:
        raise Conflict("该账户没有待核验的企业绑定申请")
    code = user.claimed_uscc
    if approve:
        if User.objects.filter(enterprise_uscc=code, is_legal_rep=True).exists():
            raise Conflict("该企业已有已核验的法定代表人账户；如需变更请先停用原账户")
        user.enterprise_uscc, user.claimed_uscc = code, ""
    else:
        if not reason.strip():
            raise ValidationFailed("请填写不予核验的原因", fields={"reason": "必填"})
        user.is_active = False  # the claim stays on record with the audit event
    user.save(update_fields=["enterprise_uscc", "claimed_uscc", "is_active"])
    audit.record(
        actor=actor,
        action="account.claim_verify" if approve else "account.claim_refuse",
        obj=user,
        summary={"uscc": code, "reason": reason},
    )
    return user


def _save_new(user: User) -> None:
    """Insert a new account; a concurrent registration of the same name or ID loses with a 409."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict("用户名、身份证号或企业绑定已被其他账户占用，请更换后重试") from exc


@transaction.atomic
def citizen_create(
    *, username: str, password: str, full_name: str, id_card: str, phone: str = "", audit_it: bool = True
) -> User:
    checked = check_id_card(id_card)
    if not checked.valid:
        raise ValidationFailed(checked.message, fields={"id_card": checked.message})
    if User.objects.filter(id_card=checked.normalized).exists():
        raise Conflict("该身份证号已注册账户", fields={"id_card": "已注册"})
    _check_new_user(username, password)
    user = User(
        username=username, full_name=full_name, kind=Kind.CITIZEN, id_card=checked.normalized, phone=phone
    )
    user.set_password(password)
    _save_new(user)
    if audit_it:
        audit.record(actor=user, action="account.create_citizen", obj=user)
    return user
