"""电子监察: yellow and red cards raised on a case or a rectification, and their resolution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import is_leader, is_staff_member, is_system_admin
from gaoxin.core.tenancy import TenantQuerySet, active_user

from .cases import Case
from .ratings import Rectification, staff_departments


class CardQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Supervision is for officials: leaders and administrators see every card, other officers
        those of their departments. Applicants see none."""
        if not active_user(user) or not is_staff_member(user):
            return self.none()
        if is_system_admin(user) or is_leader(user):
            return self
        return self.filter(department_id__in=staff_departments(user))


class Card(models.Model):
    class Level(models.TextChoices):
        YELLOW = "yellow", _("黄牌")
        RED = "red", _("红牌")

    class Kind(models.TextChoices):
        STAGE_OVERDUE = "stage_overdue", _("环节超时")
        CASE_OVERDUE = "case_overdue", _("超承诺时限")
        REFUSAL_NO_BASIS = "refusal_no_basis", _("拒绝未说明法定理由")
        SUSPENSION_UNDECLARED = "suspension_undeclared", _("未声明的特别程序")
        STAMPED_LATE = "stamped_late", _("逾期出证")
        RECTIFICATION_LATE = "rectification_late", _("差评逾期整改")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")

    kind = models.CharField(_("监察类型"), max_length=24, choices=Kind.choices)
    level = models.CharField(_("等级"), max_length=6, choices=Level.choices)
    # What the card is about, e.g. "case_overdue:12": one card per cause, however often it is computed.
    cause = models.CharField(_("起因"), max_length=60, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("差评整改"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cards",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("情况"), max_length=300)
    raised_on = models.DateField(_("亮牌日期"))
    escalated_to = models.CharField(_("督办对象"), max_length=20)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(_("处理情况"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["state", "-raised_on", "-id"]
        verbose_name = verbose_name_plural = _("电子监察亮牌")
        indexes = [models.Index(fields=["department", "state"], name="card_dept_state_idx")]

    def __str__(self):
        return f"{self.get_level_display()} {self.get_kind_display()}"
