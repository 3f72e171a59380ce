"""Enterprise data reporting (企业月报/年报): versioned forms, one report per enterprise and period,
its revisions after acceptance, and the history of every workflow step.

Monthly values are year-to-date cumulative (1–M月累计) as statisticians report them; the month's own
value is derived (see reporting.month_values). Stock figures (employees, R&D staff) are period-end."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.core.tenancy import TenantQuerySet

from .registry import Enterprise

ANNUAL = 0  # the `month` of an annual report


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True)


class ReportQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """A report is visible with its enterprise (staff: all; an enterprise: its own)."""
        return self.through("enterprise", Enterprise.objects.visible_to(user))


class ReportPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("report", Report.objects.visible_to(user))


class ReportForm(models.Model):
    """One published version of a report form. Reports pin the version they were filled on."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月报")
        ANNUAL = "annual", _("年报")

    kind = models.CharField(_("报表类型"), max_length=8, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("表名"), max_length=80)
    fields = models.JSONField(_("指标"), help_text=_("本版本包含的指标字段名"))
    required = models.JSONField(_("必填指标"), default=list)
    due_workday = models.PositiveSmallIntegerField(
        _("截止日（次月第几个工作日）"), default=8, help_text=_("年报为次年3月的第几个工作日")
    )
    active_from = models.DateField(_("启用日期"))

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = verbose_name_plural = _("报表版本")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"],
                name="unique_form_version",
                violation_error_message="该报表版本已存在",
            ),
            models.CheckConstraint(
                name="form_due_workday_range",
                condition=Q(due_workday__gte=1) & Q(due_workday__lte=20),
                violation_error_message="截止工作日应在 1 至 20 之间",
            ),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"


class Report(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已审核")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="reports"
    )
    form = models.ForeignKey(
        ReportForm, verbose_name=_("报表版本"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), help_text=_("0 表示年报"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveSmallIntegerField(_("修订次数"), default=0)

    output_value = _money(_("工业总产值（元）"))
    revenue = _money(_("营业收入（元）"))
    profit = _money(_("利润总额（元）"))
    tax = _money(_("应交税金（元）"))
    employees = models.PositiveIntegerField(_("从业人员期末人数"), null=True, blank=True)
    rd_expense = _money(_("研发经费支出（元）"))
    rd_staff = models.PositiveIntegerField(_("研发人员"), null=True, blank=True)
    export_value = _money(_("出口额（元）"))
    energy = models.DecimalField(
        _("综合能耗（吨标准煤）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tech_contracts = _money(_("技术合同成交额（元）"))
    rd_fte = models.DecimalField(
        _("研发人员全时当量（人年）"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    bachelor_staff = models.PositiveIntegerField(_("本科及以上学历人数"), null=True, blank=True)
    assets = _money(_("资产总额（元）"))

    explanations = models.JSONField(_("异常说明"), default=dict, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    due_on = models.DateField(_("截止日期"))
    due_certain = models.BooleanField(_("截止日期确定"), default=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "enterprise"]
        verbose_name = verbose_name_plural = _("企业报表")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"],
                name="unique_report_period",
                violation_error_message="该企业该期报表已存在",
            ),
            models.CheckConstraint(
                name="report_month_range",
                condition=Q(month__gte=0) & Q(month__lte=12),
                violation_error_message="月份应在 1 至 12 之间（年报为 0）",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month", "state"], name="report_period_state_idx"),
            models.Index(fields=["state", "due_on"], name="report_state_due_idx"),
        ]

    def __str__(self):
        period = f"{self.year}年" if self.month == ANNUAL else f"{self.year}年{self.month}月"
        return f"{self.enterprise} · {period}"

    @property
    def uscc(self) -> str:
        return self.enterprise.uscc

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name

    @property
    def form_version(self) -> int:
        return self.form.version

    @property
    def values(self) -> dict[str, str | None]:
        """The form's figures as text (exact decimals), as the API shows them."""
        return {k: (None if getattr(self, k) is None else str(getattr(self, k))) for k in self.form.fields}

    @property
    def period(self) -> str:
        return self.period_label

    @property
    def period_label(self) -> str:
        return f"{self.year}年年报" if self.month == ANNUAL else f"{self.year}年{self.month}月"


class ReportRevision(models.Model):
    """The values of a report as accepted, kept when a correction reopens it."""

    report = models.ForeignKey(
        Report, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="revisions"
    )
    revision = models.PositiveSmallIntegerField(_("修订次数"))
    values = models.JSONField(_("数据"))
    explanations = models.JSONField(_("异常说明"), default=dict)
    accepted_at = models.DateTimeField(_("审核时间"), null=True)
    reason = models.TextField(_("更正原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "revision"]
        verbose_name = verbose_name_plural = _("报表修订")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "revision"],
                name="unique_report_revision",
                violation_error_message="该修订已存在",
            )
        ]

    def __str__(self):
        return f"{self.report} · 第{self.revision}次修订前"


class ReportEvent(models.Model):
    """One workflow step of a report: who did what, from which state to which."""

    report = models.ForeignKey(
        Report, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=12)
    from_state = models.CharField(_("原状态"), max_length=10)
    to_state = models.CharField(_("新状态"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ReportPartQuerySet.as_manager()

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = verbose_name_plural = _("报表流转记录")

    def __str__(self):
        return f"{self.report} · {self.action}"
