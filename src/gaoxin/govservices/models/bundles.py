"""一件事 bundles: the bundle catalogue (member items, one form mapped onto each item's fields, one
material set) and bundle cases, whose member cases are ordinary cases of the case engine."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import (
    has_role,
    is_citizen,
    is_leader,
    is_staff_member,
    is_system_admin,
    role_departments,
    verified_uscc,
)
from gaoxin.accounts.roles import Role
from gaoxin.core.tenancy import TenantQuerySet

from .cases import Case
from .catalogue import ServiceItem


class Bundle(models.Model):
    """One 一件事: published for everyone to read, like the item catalogue."""

    class Mode(models.TextChoices):
        PARALLEL = "parallel", _("并联办理")
        SEQUENTIAL = "sequential", _("按序办理")

    code = models.CharField(_("一件事编码"), max_length=20, unique=True)
    name = models.CharField(_("一件事名称"), max_length=120)
    mode = models.CharField(_("办理方式"), max_length=10, choices=Mode.choices, default=Mode.PARALLEL)
    guide = models.TextField(_("一次告知"), blank=True)
    committed_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"))
    form_fields = models.JSONField(_("一表申请字段"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("一件事")

    def __str__(self):
        return self.name


class BundleMember(models.Model):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="members"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    field_map = models.JSONField(_("字段对应"), default=dict, blank=True)  # item field → bundle field

    class Meta:
        ordering = ["bundle", "order"]
        verbose_name = verbose_name_plural = _("一件事成员事项")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "order"],
                name="bundle_member_order_unique",
                violation_error_message="序号重复",
            ),
            models.UniqueConstraint(
                fields=["bundle", "item"],
                name="bundle_member_item_unique",
                violation_error_message="事项重复",
            ),
        ]

    def __str__(self):
        return f"{self.bundle_id} · {self.item_id}"


class BundleMaterial(models.Model):
    """A material asked once (一套材料) and handed to every member item that needs it."""

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=120)
    required = models.BooleanField(_("必要"), default=True)
    file_types = models.CharField(_("接受的文件类型"), max_length=40, default="pdf,jpg,png")
    targets = models.JSONField(_("对应事项材料"), default=list)  # [{"item": code, "material": order}]

    class Meta:
        ordering = ["bundle", "order"]
        verbose_name = verbose_name_plural = _("一件事材料")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "order"],
                name="bundle_material_order_unique",
                violation_error_message="材料序号重复",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def types(self) -> list[str]:
        return [t.strip() for t in self.file_types.split(",") if t.strip()]


class BundleCaseQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Like cases: the applicant's enterprise or the citizen; clerks, leaders and administrators
        every bundle case; reviewers and approvers those with a member case of their departments."""
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise_uscc=uscc)
        if is_citizen(user):
            return self.filter(applicant=user, enterprise_uscc="")
        if not is_staff_member(user):
            return self.none()
        if is_system_admin(user) or is_leader(user) or has_role(user, Role.WINDOW_CLERK):
            return self
        depts = role_departments(user, Role.REVIEWER) | role_departments(user, Role.APPROVER)
        if not depts:
            return self.none()
        return self.filter(
            Exists(
                BundleCaseMember.objects.filter(
                    bundle_case=OuterRef("pk"), case__in=Case.objects.visible_to(user)
                )
            )
        )


class BundleCase(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        RUNNING = "running", _("办理中")
        DONE = "done", _("已办结")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATES = ("submitted", "running")

    number = models.CharField(_("一件事办件编号"), max_length=20, unique=True)
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.PROTECT, related_name="cases"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账户"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise_uscc = models.CharField(_("申请企业信用代码"), max_length=18, blank=True, db_index=True)
    applicant_name = models.CharField(_("申请人"), max_length=120)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.SUBMITTED)
    data = models.JSONField(_("一表申请"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    due_certain = models.BooleanField(_("期限确定"), default=True)
    light = models.CharField(_("亮灯"), max_length=6, choices=Case.Light.choices, blank=True, default="")
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    notice = models.JSONField(_("办结通知"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = BundleCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = _("一件事办件")
        indexes = [models.Index(fields=["enterprise_uscc", "-submitted_at"], name="bundle_case_ent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(due_on__isnull=False),
                name="bundle_case_accepted_has_due",
                violation_error_message="已受理的一件事必须有办结期限",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class BundleCasePartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("bundle_case", BundleCase.objects.visible_to(user))


class BundleCaseMember(models.Model):
    """A member item of a bundle case and, once it is started, its ordinary case."""

    bundle_case = models.ForeignKey(
        BundleCase, verbose_name=_("一件事办件"), on_delete=models.CASCADE, related_name="members"
    )
    member = models.ForeignKey(
        BundleMember, verbose_name=_("成员事项"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    case = models.OneToOneField(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundle_member",
    )
    problem = models.CharField(_("未能启动的原因"), max_length=300, blank=True)

    objects = BundleCasePartQuerySet.as_manager()

    class Meta:
        ordering = ["bundle_case", "order"]
        verbose_name = verbose_name_plural = _("一件事成员办件")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle_case", "order"],
                name="bundle_case_member_unique",
                violation_error_message="序号重复",
            )
        ]

    def __str__(self):
        return f"{self.bundle_case_id} · {self.order}"


class BundleCaseFile(models.Model):
    """A file of the one material set, uploaded once and copied into each member case."""

    bundle_case = models.ForeignKey(
        BundleCase, verbose_name=_("一件事办件"), on_delete=models.CASCADE, related_name="files"
    )
    material = models.ForeignKey(
        BundleMaterial, verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="bundles/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)

    objects = BundleCasePartQuerySet.as_manager()

    class Meta:
        ordering = ["bundle_case", "material__order"]
        verbose_name = verbose_name_plural = _("一件事材料文件")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle_case", "material"],
                name="bundle_case_file_unique",
                violation_error_message="同一材料只能有一份",
            )
        ]

    def __str__(self):
        return f"{self.bundle_case_id} · {self.material_id}"


class BundleEvent(models.Model):
    bundle_case = models.ForeignKey(
        BundleCase, verbose_name=_("一件事办件"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    actor_name = models.CharField(_("操作人"), max_length=60)
    action = models.CharField(_("动作"), max_length=24)
    label = models.CharField(_("动作名称"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=14, blank=True)
    to_state = models.CharField(_("新状态"), max_length=14)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = BundleCasePartQuerySet.as_manager()

    class Meta:
        ordering = ["bundle_case", "at", "id"]
        verbose_name = verbose_name_plural = _("一件事时间线")

    def __str__(self):
        return self.label
