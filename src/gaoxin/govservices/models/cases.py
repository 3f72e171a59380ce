"""Cases (办件): the case row with its denormalised state and deadlines, materials, stages, opinions, timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
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
from gaoxin.core.tenancy import TenantQuerySet, active_user

from .catalogue import ItemVersion, MaterialSpec, ServiceItem, StageSpec


class CaseQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """An enterprise's verified users see its cases; a citizen their own (not an enterprise's);
        an agent the cases it submitted; window clerks, leaders and administrators every case (any window
        takes any item); reviewers and approvers those of their departments, or with an opinion of theirs."""
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(enterprise_uscc=uscc)
        if is_citizen(user):
            return self.filter(applicant=user, enterprise_uscc="")
        if not is_staff_member(user):
            return self.none()
        if is_system_admin(user) or is_leader(user) or has_role(user, Role.WINDOW_CLERK):
            return self
        scope = Q(agent=user)
        depts = role_departments(user, Role.REVIEWER) | role_departments(user, Role.APPROVER)
        if depts:
            scope |= Q(department_id__in=depts) | Exists(
                StageOpinion.objects.filter(stage__case=OuterRef("pk"), department_id__in=depts)
            )
        return self.filter(scope)


class CasePartQuerySet(TenantQuerySet):
    """Materials, stages, events and verifications: visible with their case."""

    case_lookup = "case"

    def visible_to(self, user):
        return self.through(self.case_lookup, Case.objects.visible_to(user))


class StageOpinionQuerySet(CasePartQuerySet):
    case_lookup = "stage__case"


class SubmissionKeyQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.filter(user_id=user.pk) if active_user(user) else self.none()


class AgentAuthorisationQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Window clerks and administrators see every authorisation; an agent its own; an applicant those
        it gave."""
        if not active_user(user):
            return self.none()
        if is_system_admin(user) or has_role(user, Role.WINDOW_CLERK):
            return self
        if has_role(user, Role.AGENT):
            return self.filter(agent_id=user.pk)
        if verified_uscc(user) or is_citizen(user):
            return self.filter(applicant_id=user.pk)
        return self.none()


class Case(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        CORRECTION = "correction", _("待补正")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        IN_REVIEW = "in_review", _("审查中")
        SUSPENDED = "suspended", _("特别程序中")
        APPROVED = "approved", _("准予许可")
        DENIED = "denied", _("不予许可")
        ISSUED = "issued", _("已出证")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")
        REVOKED = "revoked", _("已撤销")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申请")
        WINDOW = "window", _("窗口受理")
        AGENT = "agent", _("全程代办")
        KIOSK = "kiosk", _("自助终端")

    class Light(models.TextChoices):
        NONE = "", "—"
        GREEN = "green", _("绿灯")
        YELLOW = "yellow", _("黄灯")
        RED = "red", _("红灯")

    OPEN_STATES = ("submitted", "correction", "in_review", "suspended", "approved")
    DECISION_STATES = ("in_review", "suspended", "approved")
    REVIEW_STATES = ("in_review", "suspended")

    number = models.CharField(_("办件编号"), max_length=20, unique=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账户"),
        on_delete=models.PROTECT,
        related_name="gov_cases",
    )
    enterprise_uscc = models.CharField(_("申请企业信用代码"), max_length=18, blank=True, db_index=True)
    applicant_name = models.CharField(_("申请人"), max_length=120)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("申请渠道"), max_length=8, choices=Channel.choices)
    taken_at = models.ForeignKey(
        Department,
        verbose_name=_("收件窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The hall whose window took the case: a hall outside the zone is 全城通办.
    hall = models.ForeignKey(
        "govservices.Hall",
        verbose_name=_("收件大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=14, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    data = models.JSONField(_("申请表"), default=dict, blank=True)
    commitment_signed = models.BooleanField(_("已签署告知承诺"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    due_certain = models.BooleanField(_("期限确定"), default=True)
    legal_due_on = models.DateField(_("法定期限"), null=True, blank=True)
    notice_due_on = models.DateField(_("一次性告知期限"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    suspended_days = models.PositiveSmallIntegerField(_("特别程序工作日"), default=0)
    suspended_on = models.DateField(_("特别程序开始"), null=True, blank=True)
    procedure = models.CharField(_("特别程序"), max_length=20, blank=True)
    stage_order = models.PositiveSmallIntegerField(_("当前环节"), default=0)
    light = models.CharField(_("亮灯"), max_length=6, choices=Light.choices, blank=True, default="")
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    reason = models.TextField(_("决定理由"), blank=True)
    # 零跑腿: the result sent by post, with the carrier's tracking number.
    post_tracking = models.CharField(_("邮寄单号"), max_length=40, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = _("办件")
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="case_dept_state_due_idx"),
            models.Index(fields=["applicant", "-submitted_at"], name="case_applicant_idx"),
            models.Index(fields=["state", "due_on"], name="case_state_due_idx"),
            models.Index(fields=["-submitted_at", "-id"], name="case_submitted_idx"),
            models.Index(
                fields=["department", "due_on", "submitted_at"],
                condition=Q(state__in=["in_review", "suspended", "approved"]),
                name="case_decision_queue_idx",
            ),
            models.Index(
                fields=["due_on", "submitted_at"],
                condition=Q(state__in=["in_review", "suspended"]),
                name="case_review_queue_idx",
            ),
            models.Index(fields=["enterprise_uscc", "-submitted_at"], name="case_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(due_on__isnull=False),
                name="case_accepted_has_due",
                violation_error_message="已受理的办件必须有办结期限",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def clock_stopped(self) -> bool:
        """特别程序 time is not counted (行政许可法 art. 45): no light while the clock is stopped."""
        return self.state == self.State.SUSPENDED

    def deemed_accepted(self, on) -> bool:
        """行政许可法 art. 32: not told within 5 working days what is missing, the application counts
        as accepted from the day the materials were received."""
        return (
            self.state == self.State.SUBMITTED and self.notice_due_on is not None and on > self.notice_due_on
        )


class SubmissionKey(models.Model):
    """(user, Idempotency-Key) → case: a retried submission returns the case the first one created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("幂等键"), max_length=80)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubmissionKeyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("提交幂等键")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="submission_key_unique", violation_error_message="该幂等键已使用"
            )
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class CaseMaterial(models.Model):
    class Status(models.TextChoices):
        PROVIDED = "provided", _("已提交")
        MISSING = "missing", _("未提交")
        DEFERRED = "deferred", _("容缺待补")
        COMMITTED = "committed", _("承诺替代")
        LICENCE = "licence", _("证照复用")
        REJECTED = "rejected", _("需补正")

    class Verdict(models.TextChoices):
        """The clerk's or reviewer's check of the file itself, one material at a time."""

        PENDING = "pending", _("待查")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials")
    spec = models.ForeignKey(MaterialSpec, verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.MISSING)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=10, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    licence = models.ForeignKey(
        "Licence",
        verbose_name=_("复用证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("补齐期限"), null=True, blank=True)
    supplied_at = models.DateTimeField(_("补齐时间"), null=True, blank=True)
    problem = models.CharField(_("补正意见"), max_length=200, blank=True)
    verdict = models.CharField(_("核查结论"), max_length=8, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_note = models.CharField(_("核查意见"), max_length=200, blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["case", "spec__order"]
        verbose_name = verbose_name_plural = _("办件材料")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "spec"],
                name="case_material_unique",
                violation_error_message="同一材料只能有一份",
            )
        ]

    def __str__(self):
        return f"{self.case_id} · {self.spec_id}"


class CaseStage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("未开始")
        ACTIVE = "active", _("办理中")
        DONE = "done", _("已完成")
        STOPPED = "stopped", _("已终止")

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="stages")
    spec = models.ForeignKey(StageSpec, verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("环节名称"), max_length=60)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("环节期限"), null=True, blank=True)
    due_certain = models.BooleanField(_("期限确定"), default=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["case", "order"]
        verbose_name = verbose_name_plural = _("办件环节")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order"], name="case_stage_unique", violation_error_message="环节序号重复"
            )
        ]

    def __str__(self):
        return self.name


class StageOpinion(models.Model):
    """One department's opinion on a stage; a joint review (联审) has one row per department."""

    class Verdict(models.TextChoices):
        PENDING = "", _("待出具")
        AGREE = "agree", _("同意")
        DISAGREE = "disagree", _("不同意")

    stage = models.ForeignKey(
        CaseStage, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="opinions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("结论"), max_length=10, choices=Verdict.choices, blank=True, default="")
    opinion = models.TextField(_("意见"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("出具时间"), null=True, blank=True)

    objects = StageOpinionQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "department__order"]
        verbose_name = verbose_name_plural = _("环节意见")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "department"],
                name="stage_opinion_unique",
                violation_error_message="该部门已有意见",
            )
        ]

    def __str__(self):
        return f"{self.stage_id} · {self.department_id}"


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=60)
    action = models.CharField(_("动作"), max_length=24)
    label = models.CharField(_("动作名称"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=14, blank=True)
    to_state = models.CharField(_("新状态"), max_length=14)
    opinion = models.TextField(_("意见"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = verbose_name_plural = _("办件时间线")

    def __str__(self):
        return self.label


class Verification(models.Model):
    """A post-approval check (核查) of what an applicant committed to under 告知承诺."""

    class State(models.TextChoices):
        OPEN = "open", _("待核查")
        PASSED = "passed", _("核查属实")
        FAILED = "failed", _("核查不实")

    case = models.OneToOneField(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="verification"
    )
    due_on = models.DateField(_("核查期限"))
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    result = models.TextField(_("核查结果"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("告知承诺核查")

    def __str__(self):
        return f"核查 {self.case_id}"


class AgentAuthorisation(models.Model):
    """An applicant's recorded authorisation for an agent (全程代办) to prepare and submit on its behalf."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        on_delete=models.PROTECT,
        related_name="agent_authorisations",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.CharField(_("代办项目"), max_length=120, blank=True)
    granted_at = models.DateTimeField(_("授权时间"))
    valid_until = models.DateField(_("授权有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = AgentAuthorisationQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = verbose_name_plural = _("代办授权")

    def __str__(self):
        return f"{self.agent_id} ← {self.applicant_id}"
