"""工程建设项目审批 tracks: a project's four stages over ordinary cases, and the 拿地即开工 mode."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import (
    has_role,
    is_citizen,
    is_leader,
    is_staff_member,
    is_system_admin,
    verified_uscc,
)
from gaoxin.accounts.roles import Role
from gaoxin.core.tenancy import TenantQuerySet

from .cases import Case

STAGES = (
    (1, _("立项用地规划许可")),
    (2, _("工程建设许可")),
    (3, _("施工许可")),
    (4, _("竣工验收")),
)


class ProjectTrackQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The project's enterprise; clerks, leaders, administrators and investment officers every
        track; reviewers and approvers those with a case they see."""
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise_uscc=uscc)
        if is_citizen(user) or not is_staff_member(user):
            return self.none()
        if (
            is_system_admin(user)
            or is_leader(user)
            or has_role(user, Role.WINDOW_CLERK)
            or has_role(user, Role.INVESTMENT_OFFICER)
        ):
            return self
        return self.filter(
            Exists(TrackCase.objects.filter(track=OuterRef("pk"), case__in=Case.objects.visible_to(user)))
        )


class ProjectTrack(models.Model):
    class Mode(models.TextChoices):
        STANDARD = "standard", _("常规审批")
        LAND_FIRST = "land_first", _("拿地即开工")

    class State(models.TextChoices):
        PLANNING = "planning", _("立项用地规划许可阶段")
        DESIGN = "design", _("工程建设许可阶段")
        CONSTRUCTION = "construction", _("施工许可阶段")
        ACCEPTANCE = "acceptance", _("竣工验收阶段")
        COMPLETED = "completed", _("已竣工验收")

    STATE_OF_STAGE = {1: "planning", 2: "design", 3: "construction", 4: "acceptance", 5: "completed"}

    number = models.CharField(_("项目代码"), max_length=24, unique=True)
    name = models.CharField(_("项目名称"), max_length=120)
    project_code = models.CharField(_("招商项目编号"), max_length=20, blank=True, db_index=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建设单位账户"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise_uscc = models.CharField(_("建设单位信用代码"), max_length=18, db_index=True)
    applicant_name = models.CharField(_("建设单位"), max_length=120)
    mode = models.CharField(_("审批模式"), max_length=10, choices=Mode.choices, default=Mode.STANDARD)
    commitment_signed = models.BooleanField(_("已签署承诺书"), default=False)
    land_contract_on = models.DateField(_("土地出让合同签订日"), null=True, blank=True)
    state = models.CharField(_("所处阶段"), max_length=12, choices=State.choices, default=State.PLANNING)
    created_at = models.DateTimeField(_("创建时间"))
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = ProjectTrackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("工程建设项目审批")

    def __str__(self):
        return self.name


class TrackPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("track", ProjectTrack.objects.visible_to(user))


class TrackStage(models.Model):
    """One of the four stages; its dates and working days are computed from its cases."""

    class State(models.TextChoices):
        PENDING = "pending", _("未开始")
        ACTIVE = "active", _("办理中")
        DONE = "done", _("已完成")

    track = models.ForeignKey(
        ProjectTrack, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("阶段"), choices=STAGES)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    workdays = models.PositiveSmallIntegerField(_("用时（工作日）"), null=True, blank=True)
    workdays_certain = models.BooleanField(_("用时确定"), default=True)

    objects = TrackPartQuerySet.as_manager()

    class Meta:
        ordering = ["track", "order"]
        verbose_name = verbose_name_plural = _("审批阶段")
        constraints = [
            models.UniqueConstraint(
                fields=["track", "order"], name="track_stage_unique", violation_error_message="阶段重复"
            )
        ]

    def __str__(self):
        return self.get_order_display()


class TrackCase(models.Model):
    class Kind(models.TextChoices):
        PERMIT = "permit", _("审批事项")
        JOINT_DRAWING = "joint_drawing", _("联合审图")
        JOINT_ACCEPTANCE = "joint_acceptance", _("联合验收")
        CHANGE = "change", _("延期或变更")

    track = models.ForeignKey(
        ProjectTrack, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="cases"
    )
    stage = models.PositiveSmallIntegerField(_("阶段"), choices=STAGES)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.PERMIT)
    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="track_case"
    )

    objects = TrackPartQuerySet.as_manager()

    class Meta:
        ordering = ["track", "stage", "id"]
        verbose_name = verbose_name_plural = _("项目办件")

    def __str__(self):
        return f"{self.track_id} · {self.case_id}"
