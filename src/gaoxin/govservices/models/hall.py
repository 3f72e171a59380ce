"""The service hall (政务服务大厅): halls of the city, their windows, appointments, queue tickets and
their timeline, and the one-time codes of the self-service kiosk (无人超市)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import has_role, is_citizen, is_leader, is_system_admin, verified_uscc
from gaoxin.accounts.roles import Role
from gaoxin.core.tenancy import TenantQuerySet, active_user

from .catalogue import ServiceItem


class Hall(models.Model):
    """A service hall of the city. Any hall takes any item of the zone (全城通办): a case taken at a
    hall outside the zone records that hall."""

    code = models.SlugField(_("大厅代码"), max_length=20, unique=True)
    name = models.CharField(_("大厅名称"), max_length=60)
    district = models.CharField(_("所在区县"), max_length=30)
    in_zone = models.BooleanField(_("本区大厅"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(_("预约时段（分钟）"), default=30)
    slot_capacity = models.PositiveSmallIntegerField(_("每时段可预约人数"), default=4)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = _("政务服务大厅")

    def __str__(self):
        return self.name


class Window(models.Model):
    """A window of a hall. A 综合窗口 takes any item (无差别全科受理); a 专项窗口 only its items. The
    window's department is what a case's receiving window and a visit's rating record."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("综合窗口")
        SPECIAL = "special", _("专项窗口")

    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(_("窗口号"), max_length=10)
    kind = models.CharField(_("窗口类型"), max_length=8, choices=Kind.choices, default=Kind.GENERAL)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(ServiceItem, verbose_name=_("可受理事项"), blank=True, related_name="+")
    clerk = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前受理员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hall_seat",
    )
    active = models.BooleanField(_("启用"), default=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    class Meta:
        ordering = ["hall", "number"]
        verbose_name = verbose_name_plural = _("窗口")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"],
                name="window_number_per_hall",
                violation_error_message="窗口号已存在",
            )
        ]

    def __str__(self):
        return f"{self.number}号窗口"

    def serves(self, item_id: int) -> bool:
        return self.kind == self.Kind.GENERAL or self.items.filter(pk=item_id).exists()


class HallVisitQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Window clerks, leaders and administrators see the hall's appointments and tickets; an
        enterprise's verified users those of the enterprise; a citizen its own."""
        if not active_user(user):
            return self.none()
        if is_system_admin(user) or is_leader(user) or has_role(user, Role.WINDOW_CLERK):
            return self
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise_uscc=uscc)
        if is_citizen(user):
            return self.filter(person_id=user.pk, enterprise_uscc="")
        return self.none()


class Appointment(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已取号")
        CANCELLED = "cancelled", _("已取消")

    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise_uscc = models.CharField(_("预约企业信用代码"), max_length=18, blank=True, db_index=True)
    day = models.DateField(_("预约日期"))
    slot = models.TimeField(_("预约时段"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(_("预约时间"))

    objects = HallVisitQuerySet.as_manager()

    class Meta:
        ordering = ["day", "slot", "id"]
        verbose_name = verbose_name_plural = _("预约")
        indexes = [models.Index(fields=["hall", "day", "slot", "state"], name="appointment_slot_idx")]

    def __str__(self):
        return f"{self.day} {self.slot:%H:%M} {self.item}"


class Ticket(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("候号中")
        CALLED = "called", _("已叫号")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号")
        CANCELLED = "cancelled", _("已取消")

    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("当日序号"))
    number = models.CharField(_("号码"), max_length=6)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("预约"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_uscc = models.CharField(_("办事企业信用代码"), max_length=18, blank=True, db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.WAITING)
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    case = models.ForeignKey(
        "govservices.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating = models.OneToOneField(
        "govservices.Rating",
        verbose_name=_("评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = HallVisitQuerySet.as_manager()

    class Meta:
        ordering = ["day", "seq"]
        verbose_name = verbose_name_plural = _("排队号")
        indexes = [models.Index(fields=["hall", "day", "state", "seq"], name="ticket_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "day", "seq"],
                name="ticket_seq_per_day",
                violation_error_message="号码已被占用",
            ),
            models.CheckConstraint(
                condition=Q(state="waiting") | Q(state="cancelled") | Q(called_at__isnull=False),
                name="ticket_called_has_time",
                violation_error_message="已叫号的号票须有叫号时间",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def wait_minutes(self) -> float | None:
        if self.called_at is None:
            return None
        return (self.called_at - self.issued_at).total_seconds() / 60

    @property
    def service_minutes(self) -> float | None:
        if self.called_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.called_at).total_seconds() / 60


class TicketEventQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("ticket", Ticket.objects.visible_to(user))


class TicketEvent(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("排队号"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=16)
    label = models.CharField(_("动作名称"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10)
    to_state = models.CharField(_("新状态"), max_length=10)
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "at", "id"]
        verbose_name = verbose_name_plural = _("叫号记录")

    def __str__(self):
        return self.label


class KioskCodeQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.filter(user_id=user.pk) if active_user(user) else self.none()


class KioskCode(models.Model):
    """A one-time login code of the self-service kiosk, stored as a keyed hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账户"), on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)

    objects = KioskCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("自助终端验证码")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%H:%M}"
