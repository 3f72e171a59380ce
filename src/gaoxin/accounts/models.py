"""People and departments: staff with roles scoped to departments, enterprise and citizen accounts, API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gaoxin.core.tenancy import TenantQuerySet, active_user

from . import permissions
from .roles import Kind, Role


class UserQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Oneself; a verified enterprise user the accounts of its enterprise; window clerks the pending
        claims; system administrators every account."""
        if not active_user(user):
            return self.none()
        if permissions.is_system_admin(user):
            return self
        scope = Q(pk=user.pk)
        uscc = permissions.verified_uscc(user)
        if uscc:
            scope |= Q(enterprise_uscc=uscc)
        if permissions.can_verify_enterprise_claims(user):
            scope |= Q(kind=Kind.ENTERPRISE) & ~Q(claimed_uscc="")
        return self.filter(scope)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class ApiTokenQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.filter(user_id=user.pk) if active_user(user) else self.none()


class Department(models.Model):
    code = models.SlugField(_("部门代码"), max_length=40, unique=True)
    name = models.CharField(_("部门名称"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = _("部门")

    def __str__(self):
        # A name with a catalogue entry (the standard departments) is shown translated; others as stored.
        return gettext(self.name) if self.name else ""


class User(AbstractUser):
    kind = models.CharField(_("账户类型"), max_length=12, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    id_card = models.CharField(_("居民身份证号"), max_length=18, null=True, blank=True, unique=True)
    # Set only once the binding is verified: everything an enterprise account may see or do follows it.
    enterprise_uscc = models.CharField(
        _("所属企业统一社会信用代码"), max_length=18, blank=True, db_index=True
    )
    # What a self-registered legal representative claims, until staff verify it against the licence.
    claimed_uscc = models.CharField(_("申请绑定的统一社会信用代码"), max_length=18, blank=True, db_index=True)
    enterprise_name = models.CharField(_("所属企业名称"), max_length=120, blank=True)
    is_legal_rep = models.BooleanField(_("法定代表人"), default=False)
    authorised_by = models.ForeignKey(
        "self", verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="enterprise_user_has_uscc",
                condition=~Q(kind=Kind.ENTERPRISE) | ~Q(enterprise_uscc="") | ~Q(claimed_uscc=""),
                violation_error_message="企业用户必须绑定统一社会信用代码",
            ),
            models.CheckConstraint(
                name="citizen_has_id_card",
                condition=~Q(kind=Kind.CITIZEN) | Q(id_card__isnull=False),
                violation_error_message="个人用户必须填写身份证号",
            ),
            models.UniqueConstraint(
                name="one_legal_rep_per_enterprise",
                fields=["enterprise_uscc"],
                condition=Q(is_legal_rep=True) & ~Q(enterprise_uscc=""),
                violation_error_message="该企业已有法定代表人账户",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department"], name="unique_role_assignment")
        ]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"


class LoginCounter(models.Model):
    """Failed logins of one username from one client (IP address), counted atomically before the
    password is checked. Keyed by the typed username, so an unknown name is counted like a real one,
    and by the client, so a stranger elsewhere cannot lock the owner out."""

    username = models.CharField(_("用户名"), max_length=150)
    client = models.CharField(_("客户端地址"), max_length=45)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    lockouts = models.PositiveSmallIntegerField(_("连续锁定次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("登录失败计数")
        constraints = [models.UniqueConstraint(fields=["username", "client"], name="login_counter_unique")]

    def __str__(self):
        return f"{self.username}@{self.client}: {self.failures}"
