"""State-owned premises, leases and rent-relief schemes; policy loans (复工贷) arranged with banks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import verified_uscc
from gaoxin.core.tenancy import TenantQuerySet

from ..permissions import can_view_funds
from .catalogue import Policy, money


class EnterpriseHeldQuerySet(TenantQuerySet):
    """Leases and loans: the funds officers see all; an enterprise its own."""

    def visible_to(self, user):
        if can_view_funds(user):
            return self
        uscc = verified_uscc(user)
        return self.filter(enterprise__uscc=uscc) if uscc else self.none()


class ReliefQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("lease", Lease.objects.visible_to(user))


class Building(models.Model):
    name = models.CharField(_("楼宇名称"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    owner = models.CharField(_("产权单位"), max_length=120, default="高新区国有资产经营公司")

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("国有物业楼宇")

    def __str__(self):
        return self.name


class Unit(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("楼宇"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.CharField(_("房号"), max_length=30)
    area = models.DecimalField(_("面积（平方米）"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["building", "code"]
        verbose_name = verbose_name_plural = _("物业单元")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "code"], name="unique_unit_code", violation_error_message="房号重复"
            )
        ]

    def __str__(self):
        return f"{self.building} {self.code}"


class Lease(models.Model):
    class TenantKind(models.TextChoices):
        SME = "sme", _("中小企业")
        INDIVIDUAL = "individual", _("个体工商户")
        OTHER = "other", _("其他承租人")

    unit = models.ForeignKey(Unit, verbose_name=_("单元"), on_delete=models.PROTECT, related_name="leases")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("承租企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leases",
    )
    tenant_name = models.CharField(_("承租人"), max_length=120)
    tenant_kind = models.CharField(_("承租人类型"), max_length=12, choices=TenantKind.choices)
    monthly_rent = money(_("月租金（元）"))
    monthly_fee = money(_("月物业费（元）"))
    start = models.DateField(_("起租日"))
    end = models.DateField(_("到期日"))

    objects = EnterpriseHeldQuerySet.as_manager()

    class Meta:
        ordering = ["unit"]
        verbose_name = verbose_name_plural = _("租赁合同")
        constraints = [
            models.CheckConstraint(
                name="lease_range",
                condition=Q(end__gte=models.F("start")),
                violation_error_message="到期日不能早于起租日",
            ),
            models.CheckConstraint(
                name="lease_amounts_nonnegative",
                condition=Q(monthly_rent__gte=0) & Q(monthly_fee__gte=0),
                violation_error_message="租金和物业费不能为负",
            ),
        ]

    def __str__(self):
        return f"{self.tenant_name} · {self.unit}"


class ReliefScheme(models.Model):
    """E.g. 2020 (免三减半三): SME and individual-business tenants pay no rent for 3 months and then
    half for 3 more; other tenants pay half for 3 months."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("依据政策"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("减免方案"), max_length=120, unique=True)
    period_from = models.DateField(_("减免期起"))
    waive_months = models.PositiveSmallIntegerField(_("中小企业/个体户免收月数"), default=3)
    halve_months = models.PositiveSmallIntegerField(
        _("减半月数"), default=3, help_text=_("中小企业/个体户在免收之后减半；其他承租人自减免期起减半")
    )
    include_fees = models.BooleanField(_("同时减免物业费"), default=True)

    class Meta:
        ordering = ["-period_from"]
        verbose_name = verbose_name_plural = _("租金减免方案")

    def __str__(self):
        return self.name


class Relief(models.Model):
    class State(models.TextChoices):
        COMPUTED = "computed", _("已测算")
        APPROVED = "approved", _("已批准")

    scheme = models.ForeignKey(
        ReliefScheme, verbose_name=_("减免方案"), on_delete=models.PROTECT, related_name="reliefs"
    )
    lease = models.ForeignKey(
        Lease, verbose_name=_("租赁合同"), on_delete=models.PROTECT, related_name="reliefs"
    )
    months = models.DecimalField(_("折算减免月数"), max_digits=5, decimal_places=2)
    rent_relief = money(_("减免租金（元）"))
    fee_relief = money(_("减免物业费（元）"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.COMPUTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReliefQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "lease"]
        verbose_name = verbose_name_plural = _("租金减免")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "lease"],
                name="unique_relief_per_lease",
                violation_error_message="该合同已按本方案测算",
            )
        ]

    def __str__(self):
        return f"{self.scheme} · {self.lease}"


class FinancingNeed(models.Model):
    """An enterprise's financing need recommended to a partner bank under a policy loan (复工贷)."""

    class State(models.TextChoices):
        RECOMMENDED = "recommended", _("已推荐")
        APPROVED = "approved", _("银行已审批")
        GRANTED = "granted", _("已放款")
        DECLINED = "declined", _("银行未通过")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="loans")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="financing_needs",
    )
    bank = models.CharField(_("合作银行"), max_length=80)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    requested = money(_("需求金额（元）"))
    recommended = money(_("推荐金额（元）"))
    approved = money(_("审批金额（元）"), null=True, blank=True)
    granted = money(_("放款金额（元）"), null=True, blank=True)
    granted_on = models.DateField(_("放款日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.RECOMMENDED)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    objects = EnterpriseHeldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = verbose_name_plural = _("政策贷款")
        constraints = [
            models.CheckConstraint(
                name="loan_amounts_order",
                condition=(Q(approved__isnull=True) | Q(approved__lte=models.F("recommended")))
                & (
                    Q(granted__isnull=True) | Q(approved__isnull=False) & Q(granted__lte=models.F("approved"))
                ),
                violation_error_message="放款金额不能超过审批金额，审批金额不能超过推荐金额",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.bank}"
