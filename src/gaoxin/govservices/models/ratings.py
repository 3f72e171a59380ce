"""好差评: ratings of a case (一事一评) or a window visit (一次一评), and the rectification of a 差评."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import is_leader, is_staff_member, is_system_admin, verified_uscc
from gaoxin.core.tenancy import TenantQuerySet, active_user

from .cases import Case
from .catalogue import ServiceItem


def staff_departments(user) -> set[int]:
    """Every department where the user holds a role: officers see the ratings of their departments."""
    return set(user.role_assignments.values_list("department_id", flat=True))


class RatingQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The applicant sees the ratings it gave (an enterprise's verified users those of the
        enterprise); leaders and administrators every rating; other officers those of their departments."""
        if not active_user(user):
            return self.none()
        if is_staff_member(user):
            if is_system_admin(user) or is_leader(user):
                return self
            return self.filter(department_id__in=staff_departments(user))
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise_uscc=uscc)
        return self.filter(rater_id=user.pk, enterprise_uscc="")


class RatingPartQuerySet(TenantQuerySet):
    rating_lookup = "rating"

    def visible_to(self, user):
        return self.through(self.rating_lookup, Rating.objects.visible_to(user))


class RectificationEventQuerySet(RatingPartQuerySet):
    rating_lookup = "rectification__rating"


class Rating(models.Model):
    class Level(models.IntegerChoices):
        VERY_GOOD = 5, _("非常满意")
        GOOD = 4, _("满意")
        FAIR = 3, _("基本满意")
        BAD = 2, _("不满意")
        VERY_BAD = 1, _("非常不满意")

    class Kind(models.TextChoices):
        CASE = "case", _("一事一评")
        VISIT = "visit", _("一次一评")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上评价")
        WINDOW = "window", _("窗口评价器")

    BAD_LEVELS = (2, 1)

    kind = models.CharField(_("评价类型"), max_length=6, choices=Kind.choices)
    channel = models.CharField(_("评价渠道"), max_length=8, choices=Channel.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("被评价部门"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Department,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise_uscc = models.CharField(_("评价企业信用代码"), max_length=18, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    at = models.DateTimeField(_("评价时间"))
    voided = models.BooleanField(_("经复核不计入"), default=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = _("好差评")
        indexes = [
            models.Index(fields=["department", "at"], name="rating_dept_at_idx"),
            models.Index(fields=["at"], name="rating_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="case"),
                name="rating_one_per_case",
                violation_error_message="该办件已评价",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5),
                name="rating_level_range",
                violation_error_message="评价等级应为 1 至 5",
            ),
            models.CheckConstraint(
                condition=~Q(kind="case") | Q(case__isnull=False),
                name="rating_case_has_case",
                violation_error_message="一事一评须指明办件",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in self.BAD_LEVELS


class Rectification(models.Model):
    """The handling of one 差评: 回访, then 整改 or 解释说明 by the deadline, or 申诉复核."""

    class State(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改")
        EXPLAINED = "explained", _("已解释说明")
        APPEALED = "appealed", _("申诉复核中")
        VOIDED = "voided", _("复核不计入")

    rating = models.OneToOneField(
        Rating, verbose_name=_("评价"), on_delete=models.CASCADE, related_name="rectification"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    due_on = models.DateField(_("整改期限"))
    due_certain = models.BooleanField(_("期限确定"), default=True)
    callback_note = models.TextField(_("回访记录"), blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    late = models.BooleanField(_("逾期整改"), default=False)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = RatingPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = _("差评整改")

    def __str__(self):
        return f"整改 {self.rating_id}"


class RectificationEvent(models.Model):
    rectification = models.ForeignKey(
        Rectification, verbose_name=_("差评整改"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=24)
    label = models.CharField(_("动作名称"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=10)
    to_state = models.CharField(_("新状态"), max_length=10)
    note = models.TextField(_("说明"), blank=True)

    objects = RectificationEventQuerySet.as_manager()

    class Meta:
        ordering = ["rectification", "at", "id"]
        verbose_name = verbose_name_plural = _("差评整改记录")

    def __str__(self):
        return self.label
