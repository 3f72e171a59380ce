"""The service catalogue (实施清单): items, their immutable published versions, materials and review stages."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department


class ServiceItem(models.Model):
    """The stable identity of a service item across its versions; name and department mirror the current version."""

    code = models.CharField(_("基本编码"), max_length=12, unique=True)
    name = models.CharField(_("事项名称"), max_length=120, db_index=True)
    name_pinyin = models.CharField(_("名称拼音"), max_length=600, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="+"
    )
    current = models.ForeignKey(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 无人超市: the applicant may apply at the self-service kiosk on its own.
    kiosk = models.BooleanField(_("可自助办理"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("政务服务事项")

    def __str__(self):
        return self.name


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class ItemType(models.TextChoices):
        LICENSING = "licensing", _("行政许可")
        BENEFIT = "benefit", _("行政给付")
        CONFIRMATION = "confirmation", _("行政确认")
        RULING = "ruling", _("行政裁决")
        REWARD = "reward", _("行政奖励")
        OTHER_POWER = "other", _("其他行政权力")
        PUBLIC_SERVICE = "public", _("公共服务")

    class Handling(models.TextChoices):
        INSTANT = "instant", _("即办件")
        PROMISED = "promised", _("承诺件")

    class OnlineDepth(models.TextChoices):
        SHOW = "1", _("一级：信息公开")
        DOWNLOAD = "2", _("二级：表格下载")
        SUBMIT = "3", _("三级：网上预审")
        FULL = "4", _("四级：全程网办")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("全国通办")
        CROSS_PROVINCE = "cross_province", _("跨省通办")
        PROVINCE = "province", _("全省通办")
        CITY = "city", _("全市通办")
        ZONE = "zone", _("本区办理")

    class ResultType(models.TextChoices):
        LICENCE = "licence", _("证照")
        APPROVAL = "approval", _("批准文书")
        OTHER = "other", _("其他")

    class ApplicantKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("法人")
        CITIZEN = "citizen", _("自然人")
        BOTH = "both", _("法人和自然人")

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    name = models.CharField(_("事项名称"), max_length=120)
    implementing_code = models.CharField(_("实施编码"), max_length=36)
    item_type = models.CharField(_("事项类型"), max_length=12, choices=ItemType.choices)
    legal_basis = models.TextField(_("设定依据"))
    department = models.ForeignKey(
        Department, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_kind = models.CharField(
        _("服务对象"), max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.BOTH
    )
    legal_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"))
    committed_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"))
    handling = models.CharField(_("办件类型"), max_length=10, choices=Handling.choices)
    conditions = models.TextField(_("受理条件"))
    fee = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.CharField(_("收费依据"), max_length=200, blank=True)
    visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=0)
    online_depth = models.CharField(
        _("网上办理深度"), max_length=1, choices=OnlineDepth.choices, default=OnlineDepth.FULL
    )
    scope = models.CharField(_("通办范围"), max_length=16, choices=Scope.choices, default=Scope.ZONE)
    allow_deferral = models.BooleanField(_("可容缺受理"), default=False)
    allow_commitment = models.BooleanField(_("可告知承诺"), default=False)
    issue_before_supply = models.BooleanField(_("容缺材料补齐前可出证"), default=False)
    commitment_text = models.TextField(_("告知承诺书"), blank=True)
    verification_days = models.PositiveSmallIntegerField(_("核查时限（工作日）"), default=20)
    special_procedures = models.CharField(_("特别程序"), max_length=200, blank=True)
    result_type = models.CharField(_("审批结果类型"), max_length=10, choices=ResultType.choices)
    result_name = models.CharField(_("审批结果名称"), max_length=120)
    licence_years = models.PositiveSmallIntegerField(_("证照有效期（年）"), default=0)
    consultation = models.CharField(_("咨询方式"), max_length=200, blank=True)
    complaint = models.CharField(_("投诉方式"), max_length=200, blank=True)
    form_fields = models.JSONField(_("申请表字段"), default=list, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = verbose_name_plural = _("事项版本")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"], name="item_version_unique", violation_error_message="版本号重复"
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="draft"),
                name="item_one_draft",
                violation_error_message="该事项已有一个草稿版本",
            ),
            models.CheckConstraint(
                condition=Q(committed_days__lte=models.F("legal_days")),
                name="item_committed_within_legal",
                violation_error_message="承诺时限不能超过法定时限",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"

    @property
    def is_instant(self) -> bool:
        return self.handling == self.Handling.INSTANT

    @property
    def issues_licence(self) -> bool:
        return self.result_type == self.ResultType.LICENCE


class MaterialSpec(models.Model):
    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=120)
    required = models.BooleanField(_("必要"), default=True)
    key = models.BooleanField(_("关键材料"), default=True)
    commitment_allowed = models.BooleanField(_("可承诺替代"), default=False)
    file_types = models.CharField(_("接受的文件类型"), max_length=40, default="pdf,jpg,png")
    sample = models.CharField(_("示例说明"), max_length=200, blank=True)
    licence_item = models.CharField(_("可复用证照的事项编码"), max_length=12, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = verbose_name_plural = _("申请材料")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"],
                name="material_order_unique",
                violation_error_message="材料序号重复",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def types(self) -> list[str]:
        return [t.strip() for t in self.file_types.split(",") if t.strip()]


class StageSpec(models.Model):
    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("审查员")
        APPROVER = "approver", _("审批人")

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("办理角色"), max_length=10, choices=Role.choices, default=Role.REVIEWER)
    days = models.PositiveSmallIntegerField(_("环节时限（工作日）"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("办理部门"), related_name="+", through="StageDepartment"
    )

    class Meta:
        ordering = ["version", "order"]
        verbose_name = verbose_name_plural = _("审查环节")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="stage_order_unique", violation_error_message="环节序号重复"
            )
        ]

    def __str__(self):
        return self.name


class StageDepartment(models.Model):
    """A department taking part in a stage; several make the stage a joint review (联审)."""

    stage = models.ForeignKey(StageSpec, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("环节部门")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "department"],
                name="stage_department_unique",
                violation_error_message="部门重复",
            )
        ]

    def __str__(self):
        return f"{self.stage_id} · {self.department_id}"
