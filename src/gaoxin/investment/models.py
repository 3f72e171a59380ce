"""招商引资: industry chains and their links, carriers, trips and visits, and investment projects with
their timeline (every stage change), evidence, commitments and funds arrived."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.core.tenancy import TenantQuerySet

from . import permissions


def money(label):
    return models.DecimalField(label, max_digits=16, decimal_places=2)


class StaffQuerySet(TenantQuerySet):
    """Chains, carriers: the zone's own planning data, for its staff."""

    def visible_to(self, user):
        return self if permissions.can_view_planning(user) else self.none()


class BureauQuerySet(TenantQuerySet):
    """Trips and visits, targets: the investment bureau and leaders."""

    def visible_to(self, user):
        return self if permissions.is_bureau_or_leader(user) else self.none()


class ProjectQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The investment bureau and leaders see every project; another staff member those of the teams
        it is on (officer in charge or member); nobody else any."""
        if permissions.is_bureau_or_leader(user):
            return self
        if permissions.is_staff(user):
            return self.filter(Q(officer=user) | Q(team=user)).distinct()
        return self.none()


class ProjectPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("project", Project.objects.visible_to(user))


class Chain(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("产业链"), max_length=60)
    anchor = models.CharField(_("链主/整车基地"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = _("产业链")

    def __str__(self):
        return self.name


class ChainLink(models.Model):
    """One link of a chain (整车 → 动力电池 → 正极 …), keyed to GB/T 4754-2017 classes."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级环节"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("环节"), max_length=60)
    gbt_codes = models.CharField(
        _("行业代码"), max_length=200, blank=True, help_text=_("GB/T 4754-2017 代码，逗号分隔，按前缀匹配")
    )
    imported_demand = models.BooleanField(
        _("链主需外购"), default=False, help_text=_("区内整车/链主企业的该环节需求主要从区外采购")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "order", "id"]
        verbose_name = verbose_name_plural = _("产业链环节")

    def __str__(self):
        return f"{self.chain.name} · {self.name}"

    def codes(self) -> list[str]:
        return [c.strip().upper() for c in self.gbt_codes.split(",") if c.strip()]


class LinkPlacement(models.Model):
    """An enterprise placed on a link by hand (those matched by industry code are computed)."""

    link = models.ForeignKey(
        ChainLink, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="placements"
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("环节企业（手工）")
        constraints = [models.UniqueConstraint(fields=["link", "uscc"], name="unique_link_placement")]

    def __str__(self):
        return f"{self.link_id} · {self.uscc}"


class ChainTarget(models.Model):
    """A company outside the zone to approach for a link (补链/延链 target list)."""

    link = models.ForeignKey(
        ChainLink, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="targets"
    )
    company = models.CharField(_("目标企业"), max_length=120)
    city = models.CharField(_("所在地"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["link", "id"]
        verbose_name = verbose_name_plural = _("目标企业")
        constraints = [models.UniqueConstraint(fields=["link", "company"], name="unique_chain_target")]

    def __str__(self):
        return self.company


class Carrier(models.Model):
    class Kind(models.TextChoices):
        PARK = "park", _("产业园")
        PLOT = "plot", _("标准地")
        BUILDING = "building", _("标准厂房")

    class State(models.TextChoices):
        AVAILABLE = "available", _("可供")
        RESERVED = "reserved", _("已预留")
        LET = "let", _("已出租")
        SOLD = "sold", _("已出让")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=80, unique=True)
    park = models.ForeignKey(
        "self",
        verbose_name=_("所属产业园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    chain = models.ForeignKey(
        Chain,
        verbose_name=_("主导产业链"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=10, decimal_places=2, null=True, blank=True)
    floor_area = models.DecimalField(
        _("建筑面积（㎡）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_intensity = models.DecimalField(
        _("投资强度要求（万元/亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    plot_ratio = models.DecimalField(_("容积率要求"), max_digits=5, decimal_places=2, null=True, blank=True)
    min_tax_per_mu = models.DecimalField(
        _("亩均税收要求（万元/亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.AVAILABLE)
    project = models.ForeignKey(
        "Project",
        verbose_name=_("占用项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carriers",
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = _("载体")

    def __str__(self):
        return self.name


class Trip(models.Model):
    """出行招商: a trip led by a leader, with the companies met (its visits)."""

    leader = models.CharField(_("带队领导"), max_length=60)
    destination = models.CharField(_("目的地"), max_length=60)
    start_on = models.DateField(_("出发日期"))
    end_on = models.DateField(_("返回日期"))
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = verbose_name_plural = _("出行招商")
        constraints = [
            models.CheckConstraint(
                name="trip_dates_ordered",
                condition=Q(end_on__gte=models.F("start_on")),
                violation_error_message=_("返回日期不能早于出发日期"),
            )
        ]

    def __str__(self):
        return f"{self.start_on} {self.destination}"


class Visit(models.Model):
    """对接拜访: one company met, on a trip or on its own."""

    trip = models.ForeignKey(
        Trip, verbose_name=_("出行"), null=True, blank=True, on_delete=models.CASCADE, related_name="visits"
    )
    company = models.CharField(_("拜访企业"), max_length=120)
    city = models.CharField(_("所在地"), max_length=60, blank=True)
    on = models.DateField(_("拜访日期"))
    note = models.CharField(_("纪要"), max_length=300, blank=True)

    objects = BureauQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = _("对接拜访")

    def __str__(self):
        return self.company


class Project(models.Model):
    class Stage(models.TextChoices):
        LEAD = "lead", _("线索")
        TALKS = "talks", _("洽谈")
        SIGNED = "signed", _("签约")
        REGISTERED = "registered", _("注册")
        SETTLED = "settled", _("供地/入驻")
        STARTED = "started", _("开工")
        COMPLETED = "completed", _("竣工")
        PRODUCING = "producing", _("投产")
        FULL = "full", _("达产")
        PAUSED = "paused", _("暂停")
        TERMINATED = "terminated", _("终止")

    class Source(models.TextChoices):
        BUSINESS = "business", _("以商招商")
        FAIR = "fair", _("展会")
        AGENCY = "agency", _("中介")
        FUND = "fund", _("基金")
        DOOR = "door", _("上门")
        LEADER = "leader", _("领导带队")

    code = models.CharField(_("项目编号"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=120)
    company = models.CharField(_("投资方"), max_length=120)
    source = models.CharField(_("线索来源"), max_length=10, choices=Source.choices)
    link = models.ForeignKey(
        ChainLink,
        verbose_name=_("产业链环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    sector = models.CharField(_("领域"), max_length=40, blank=True)
    intended_investment = money(_("意向投资（万元）"))
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任招商专员"),
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("项目团队"), blank=True, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("来源拜访"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.LEAD)
    paused_from = models.CharField(_("暂停前阶段"), max_length=12, blank=True)
    pending_review = models.BooleanField(_("待投资促进局审核"), default=False)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    # Fields the stage gates require.
    agreement_no = models.CharField(_("协议编号"), max_length=60, blank=True)
    signed_amount = models.DecimalField(
        _("签约金额（万元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    uscc = models.CharField(_("落地企业信用代码"), max_length=18, blank=True)
    permit_no = models.CharField(_("施工许可证号"), max_length=60, blank=True)
    reason = models.CharField(_("暂停/终止原因"), max_length=300, blank=True)
    created_on = models.DateField(_("录入日期"))

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = verbose_name_plural = _("招商项目")
        indexes = [models.Index(fields=["stage"], name="inv_project_stage_idx")]

    def __str__(self):
        return self.name


class StageEvent(models.Model):
    """The timeline: every stage change. `on` is the business date of the stage (the signing date …);
    `counted_on` the day it started to count (moves past 签约 count once the bureau reviewed them)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_stage = models.CharField(_("原阶段"), max_length=12)
    to_stage = models.CharField(_("新阶段"), max_length=12)
    on = models.DateField(_("发生日期"))
    counted_on = models.DateField(_("计入日期"), null=True, blank=True)
    withdrawn = models.BooleanField(_("审核退回"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("项目阶段记录")
        indexes = [models.Index(fields=["to_stage", "on"], name="inv_event_stage_on_idx")]

    def __str__(self):
        return f"{self.project_id} {self.from_stage}→{self.to_stage}"


class Evidence(models.Model):
    """A document backing a stage (the agreement, the business licence, the 施工许可 …)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="evidence"
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Project.Stage.choices)
    title = models.CharField(_("文件名称"), max_length=120)
    doc_no = models.CharField(_("文号/编号"), max_length=60, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = verbose_name_plural = _("阶段佐证材料")

    def __str__(self):
        return self.title


class Commitment(models.Model):
    """One commitment of the agreement, checked against what happened (履约)."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("投资额（万元）")
        INTENSITY = "intensity", _("投资强度（万元/亩）")
        TAX_PER_MU = "tax_per_mu", _("亩均税收（万元/亩）")
        START_BY = "start_by", _("开工日期")
        PRODUCE_BY = "produce_by", _("投产日期")
        JOBS = "jobs", _("就业人数")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(_("承诺事项"), max_length=12, choices=Kind.choices)
    value = models.DecimalField(_("承诺值"), max_digits=16, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(_("承诺期限"))

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = _("履约承诺")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="unique_commitment_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value or ''}"


class FundArrival(models.Model):
    """到位资金: money actually invested, as recorded from the project's evidence."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funds"
    )
    on = models.DateField(_("到位日期"))
    amount = money(_("到位金额（万元）"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = verbose_name_plural = _("到位资金")
        constraints = [
            models.CheckConstraint(
                name="fund_arrival_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("到位金额必须大于 0"),
            )
        ]

    def __str__(self):
        return f"{self.on} {self.amount}"


class KpiTarget(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    metric = models.CharField(_("指标"), max_length=20)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("招商目标")
        constraints = [models.UniqueConstraint(fields=["year", "metric"], name="unique_kpi_target")]

    def __str__(self):
        return f"{self.year} {self.metric}"
