"""Policy documents, their redeemable clauses (兑现事项) and budgets per clause and year."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def money(label: str, **kw) -> models.DecimalField:
    return models.DecimalField(label, max_digits=18, decimal_places=2, **kw)


class Policy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        EXPIRED = "expired", _("已失效")

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=120)
    doc_no = models.CharField(_("文号"), max_length=80, blank=True)
    issued_on = models.DateField(_("发布日期"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    full_text = models.TextField(_("政策原文"), blank=True)
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("以逗号分隔"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = verbose_name_plural = _("政策文件")
        constraints = [
            models.CheckConstraint(
                name="policy_effective_range",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                violation_error_message="失效日期不能早于生效日期",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]


class Clause(models.Model):
    class Mode(models.TextChoices):
        APPLY = "apply", _("申报")
        AUTO = "auto", _("免申即享")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        CHECKED = "checked", _("已核验")
        PUBLISHED = "published", _("已发布")

    class Beneficiary(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PERSON = "person", _("个人（认定人才）")

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="clauses"
    )
    code = models.SlugField(_("事项编码"), max_length=40, unique=True)
    title = models.CharField(_("兑现事项"), max_length=200)
    summary = models.TextField(_("条款内容"), blank=True)
    mode = models.CharField(_("兑现方式"), max_length=8, choices=Mode.choices, default=Mode.AUTO)
    # draft → checked → published; only a published clause reaches enterprises (services.catalogue)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # a person clause pays certified talents; its rule may also read their employer (enterprise.*)
    beneficiary = models.CharField(
        _("受益对象"), max_length=10, choices=Beneficiary.choices, default=Beneficiary.ENTERPRISE
    )
    # several clauses paid from one appropriation (e.g. the talent fund): they draw on this clause's budget
    budget_source = models.ForeignKey(
        "self",
        verbose_name=_("共用预算的事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_sharers",
        help_text=_("留空则使用本事项自己的预算"),
    )
    rule = models.TextField(_("资格条件（CEL）"), default="true")
    formula = models.TextField(_("金额公式（CEL，元）"), default="0")
    award_cap = money(_("单户上限（元）"), null=True, blank=True)
    period = models.PositiveSmallIntegerField(_("兑现年度"))
    window_from = models.DateField(_("申报开始"), null=True, blank=True)
    window_to = models.DateField(_("申报截止"), null=True, blank=True)
    materials = models.TextField(_("申报材料"), blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("审核部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    service_code = models.CharField(_("政务服务事项编码"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["policy", "code"]
        verbose_name = verbose_name_plural = _("兑现事项")
        constraints = [
            models.CheckConstraint(
                name="clause_cap_positive",
                condition=Q(award_cap__isnull=True) | Q(award_cap__gt=0),
                violation_error_message="单户上限必须大于 0",
            ),
            models.CheckConstraint(
                name="clause_window_range",
                condition=Q(window_from__isnull=True)
                | Q(window_to__isnull=True)
                | Q(window_to__gte=models.F("window_from")),
                violation_error_message="申报截止不能早于申报开始",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def pays_persons(self) -> bool:
        return self.beneficiary == self.Beneficiary.PERSON

    @property
    def budget_clause_id(self) -> int:
        """The clause whose budget this clause draws on (its own unless it shares another's)."""
        return self.budget_source_id or self.pk


class Budget(models.Model):
    """The amount allotted to a clause for a year. Reserved, paid and available amounts are sums
    over the ledger; this row is locked while an award is approved so the budget is never exceeded."""

    clause = models.ForeignKey(
        Clause, verbose_name=_("兑现事项"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = money(_("预算金额（元）"))

    class Meta:
        ordering = ["clause", "-year"]
        verbose_name = verbose_name_plural = _("预算")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "year"],
                name="unique_budget_clause_year",
                violation_error_message="该事项该年度已有预算",
            ),
            models.CheckConstraint(
                name="budget_amount_nonnegative",
                condition=Q(amount__gte=0),
                violation_error_message="预算金额不能为负",
            ),
        ]

    def __str__(self):
        return f"{self.clause} · {self.year}年预算"
