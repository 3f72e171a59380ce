"""人才公寓 and 限价房: the published, versioned rules (the waiting list's scoring and the rent by tier; the
purchase eligibility), the flats — units of the zone's premises (policies' Building and Unit) set aside
for talents —, the applications for a flat with their lease, and the 限价房 purchase applications.

Imported by models.py, so the tables belong to the talent app."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.core.tenancy import TenantQuerySet, active_user

from .models import Talent, TalentPartQuerySet


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **kwargs)


class PublishedQuerySet(TenantQuerySet):
    """Published rules and the flats' list: every signed-in user reads them (the rules' public page
    reads them through the selectors, which publish only their text and the masked ranking)."""

    def visible_to(self, user):
        return self if active_user(user) else self.none()


class FlatRule(models.Model):
    """One published version of the waiting list's scoring rule and of the rent by tier. Versions are
    never edited: a change publishes the next version, and the newest one ranks the list."""

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    tier_points = models.JSONField(_("人才层次分"), default=dict, help_text=_("层次代码 → 分值"))
    month_points = models.DecimalField(_("每轮候一个月得分"), max_digits=6, decimal_places=2)
    max_months = models.PositiveSmallIntegerField(_("轮候月数上限"), default=0, help_text=_("0 为不设上限"))
    member_points = models.DecimalField(_("每名共同居住家庭成员得分"), max_digits=6, decimal_places=2)
    max_members = models.PositiveSmallIntegerField(_("计分家庭成员上限"), default=3)
    rent_shares = models.JSONField(
        _("租金比例（%）"), default=dict, help_text=_("层次代码 → 按市场租金收取的百分比，0 为免租")
    )
    lease_years = models.PositiveSmallIntegerField(_("租期（年）"), default=3)
    note = models.CharField(_("说明"), max_length=400, blank=True)
    published_on = models.DateField(_("发布日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = verbose_name_plural = _("人才公寓轮候评分规则")

    def __str__(self):
        return f"v{self.version}"


class PurchaseRule(models.Model):
    """One published version of the 限价房 purchase eligibility rule."""

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    tiers = models.CharField(_("可申请的人才层次"), max_length=40, help_text=_("层次代码，逗号分隔"))
    min_years = models.PositiveSmallIntegerField(_("在区工作年限不少于（年）"), default=2)
    require_no_home = models.BooleanField(_("须本人及家庭在本市无住房"), default=True)
    note = models.CharField(_("说明"), max_length=400, blank=True)
    published_on = models.DateField(_("发布日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = verbose_name_plural = _("限价房购买资格规则")

    def __str__(self):
        return f"v{self.version}"

    def tier_list(self) -> list[str]:
        return [t.strip().upper() for t in self.tiers.replace("，", ",").split(",") if t.strip()]


class Flat(models.Model):
    """A unit of the zone's premises set aside as a talent flat."""

    class State(models.TextChoices):
        VACANT = "vacant", _("空置")
        LET = "let", _("已配租")

    unit = models.OneToOneField(
        "policies.Unit", verbose_name=_("物业单元"), on_delete=models.PROTECT, related_name="talent_flat"
    )
    bedrooms = models.PositiveSmallIntegerField(_("居室数"), default=1)
    market_rent = money(_("市场月租金（元）"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.VACANT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__building__name", "unit__code"]
        verbose_name = verbose_name_plural = _("人才公寓")
        constraints = [
            models.CheckConstraint(
                condition=Q(market_rent__gte=0),
                name="flat_rent_nonnegative",
                violation_error_message=_("市场租金不能为负"),
            )
        ]

    def __str__(self):
        return str(self.unit)


class FlatApplication(models.Model):
    """A talent's application for a flat: 申请 → 排队 → 配租 → 入住 → 退租."""

    class State(models.TextChoices):
        APPLIED = "applied", _("已申请")
        QUEUED = "queued", _("轮候中")
        ALLOCATED = "allocated", _("已配租")
        MOVED_IN = "moved_in", _("已入住")
        MOVED_OUT = "moved_out", _("已退租")
        REJECTED = "rejected", _("不予受理")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN = ("applied", "queued", "allocated", "moved_in")

    talent = models.ForeignKey(
        Talent, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="flat_applications"
    )
    family_size = models.PositiveSmallIntegerField(_("共同居住家庭人数"), help_text=_("含申请人本人"))
    applied_at = models.DateTimeField(_("申请时间"))
    queued_on = models.DateField(_("入册轮候日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.APPLIED)
    flat = models.ForeignKey(
        Flat,
        verbose_name=_("配租公寓"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    reason = models.CharField(_("理由"), max_length=400, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = verbose_name_plural = _("人才公寓申请")
        constraints = [
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(state__in=["applied", "queued", "allocated", "moved_in"]),
                name="one_open_flat_application_per_talent",
                violation_error_message=_("一名人才同时只能有一份进行中的人才公寓申请"),
            ),
            models.CheckConstraint(
                condition=Q(family_size__gte=1, family_size__lte=20),
                name="flat_application_family_size",
                violation_error_message=_("家庭人数应为 1 至 20 人"),
            ),
        ]

    def __str__(self):
        return f"{self.talent_id} · {self.get_state_display()}"


class FlatLeaseQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("application", FlatApplication.objects.visible_to(user))


class FlatLease(models.Model):
    """The lease made when a flat is allocated; ended on move-out (or when the talent leaves the zone)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("履约中")
        ENDED = "ended", _("已终止")

    application = models.OneToOneField(
        FlatApplication, verbose_name=_("人才公寓申请"), on_delete=models.PROTECT, related_name="lease"
    )
    flat = models.ForeignKey(Flat, verbose_name=_("公寓"), on_delete=models.PROTECT, related_name="leases")
    rule = models.ForeignKey(FlatRule, verbose_name=_("依据规则"), on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("配租时人才层次"), max_length=2, blank=True)
    market_rent = money(_("市场月租金（元）"))
    rent_share = models.PositiveSmallIntegerField(_("租金比例（%）"))
    monthly_rent = money(_("月租金（元）"))
    start = models.DateField(_("起租日"))
    end = models.DateField(_("到期日"))
    ended_on = models.DateField(_("退租日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ACTIVE)

    objects = FlatLeaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = verbose_name_plural = _("人才公寓租赁合同")
        constraints = [
            models.UniqueConstraint(
                fields=["flat"],
                condition=Q(state="active"),
                name="one_active_lease_per_flat",
                violation_error_message=_("该公寓已有履约中的租赁合同"),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")) & Q(monthly_rent__gte=0),
                name="flat_lease_range_and_rent",
                violation_error_message=_("到期日不能早于起租日，租金不能为负"),
            ),
        ]

    def __str__(self):
        return f"{self.flat} · {self.application_id}"


class PurchaseApplication(models.Model):
    """A 限价房 purchase eligibility case: the rule's version it was judged by and every condition's
    outcome are kept with it."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("审核中")
        APPROVED = "approved", _("资格确认")
        REJECTED = "rejected", _("不予确认")

    talent = models.ForeignKey(
        Talent, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="purchase_applications"
    )
    rule = models.ForeignKey(
        PurchaseRule, verbose_name=_("依据规则"), on_delete=models.PROTECT, related_name="+"
    )
    declared_no_home = models.BooleanField(_("承诺本人及家庭在本市无住房"), default=False)
    reasons = models.JSONField(_("资格审查结果"), default=list)
    applied_at = models.DateTimeField(_("申请时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    reason = models.CharField(_("理由"), max_length=400, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = verbose_name_plural = _("限价房购买资格申请")
        constraints = [
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(state__in=["submitted", "approved"]),
                name="one_purchase_application_per_talent",
                violation_error_message=_("一名人才只能有一份审核中或已确认的限价房资格"),
            )
        ]

    def __str__(self):
        return f"{self.talent_id} · {self.get_state_display()}"
