"""人才与双创: certification tiers and their criteria, talents (persons) with their employment history, and
their certifications, each issued through a government-service case whose licence is the certificate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_citizen, verified_uscc
from gaoxin.core.identifiers import normalize
from gaoxin.core.tenancy import TenantQuerySet, active_user

from . import permissions


class Degree(models.IntegerChoices):
    """Ranked: a criterion of a tier is met by this degree or a higher one."""

    NONE = 0, _("无要求")
    BACHELOR = 1, _("学士")
    MASTER = 2, _("硕士")
    DOCTOR = 3, _("博士")


class Title(models.IntegerChoices):
    NONE = 0, _("无要求")
    INTERMEDIATE = 1, _("中级职称")
    DEPUTY_SENIOR = 2, _("副高级职称")
    SENIOR = 3, _("正高级职称")


class TierQuerySet(TenantQuerySet):
    """The tiers and their criteria are published: every signed-in user reads them."""

    def visible_to(self, user):
        return self if active_user(user) else self.none()


class TalentQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The talent office and leaders: every talent; a person: their own record (by ID number); an
        enterprise: the talents it employs now. Empty identifiers never match."""
        if permissions.can_view_all(user):
            return self
        if is_citizen(user):
            return self.filter(id_card=normalize(user.id_card))
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(employer_uscc=uscc)
        return self.none()


class TalentPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("talent", Talent.objects.visible_to(user))


class Tier(models.Model):
    code = models.CharField(_("层次代码"), max_length=2, unique=True)
    name = models.CharField(_("层次名称"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("排序"), default=1, help_text=_("1 为最高层次"))
    min_degree = models.PositiveSmallIntegerField(
        _("最低学历学位"), choices=Degree.choices, default=Degree.NONE
    )
    min_title = models.PositiveSmallIntegerField(_("最低职称"), choices=Title.choices, default=Title.NONE)
    min_salary = models.DecimalField(
        _("最低年薪（元）"), max_digits=18, decimal_places=2, default=0, help_text=_("0 为不作要求")
    )
    awards = models.CharField(
        _("认可的奖项或称号"), max_length=400, blank=True, help_text=_("逗号分隔，获其一即可；空为不作要求")
    )
    valid_years = models.PositiveSmallIntegerField(_("认定有效期（年）"), default=3)

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = verbose_name_plural = _("人才层次")

    def __str__(self):
        return f"{self.code} {self.name}"

    def award_list(self) -> list[str]:
        return [a.strip() for a in self.awards.replace("，", ",").split(",") if a.strip()]


class Talent(models.Model):
    class State(models.TextChoices):
        IN_ZONE = "in_zone", _("在区")
        LEFT = "left", _("已离区")

    id_card = models.CharField(_("居民身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=60)
    degree = models.PositiveSmallIntegerField(_("学历学位"), choices=Degree.choices, default=Degree.NONE)
    title = models.PositiveSmallIntegerField(_("职称"), choices=Title.choices, default=Title.NONE)
    annual_salary = models.DecimalField(_("年薪（元）"), max_digits=18, decimal_places=2, default=0)
    awards = models.CharField(_("奖项或称号"), max_length=400, blank=True, help_text=_("逗号分隔"))
    employer_uscc = models.CharField(
        _("现工作单位统一社会信用代码"), max_length=18, blank=True, db_index=True
    )
    employer_name = models.CharField(_("现工作单位"), max_length=120, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.IN_ZONE)
    left_on = models.DateField(_("离区日期"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = TalentQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = _("人才")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="in_zone", left_on__isnull=True) | Q(state="left", left_on__isnull=False),
                name="talent_left_on_when_left",
                violation_error_message=_("离区的人才须有离区日期"),
            )
        ]

    def __str__(self):
        return self.name

    def award_list(self) -> list[str]:
        return [a.strip() for a in self.awards.replace("，", ",").split(",") if a.strip()]


class Employment(models.Model):
    """One stretch of a talent's work for an enterprise of the zone; the open one is the current job."""

    talent = models.ForeignKey(Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="jobs")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    enterprise_name = models.CharField(_("工作单位"), max_length=120)
    start_on = models.DateField(_("入职日期"))
    end_on = models.DateField(_("离职日期"), null=True, blank=True)

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["talent", "start_on", "id"]
        verbose_name = verbose_name_plural = _("任职经历")
        constraints = [
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(end_on__isnull=True),
                name="one_open_employment_per_talent",
                violation_error_message=_("一名人才同时只能有一个现工作单位"),
            )
        ]

    def __str__(self):
        return f"{self.talent_id} · {self.enterprise_name}"


class Certification(models.Model):
    """A talent certified into a tier by an issued 人才认定 case; the case's licence is the certificate."""

    class State(models.TextChoices):
        CERTIFIED = "certified", _("有效")
        RENEWED = "renewed", _("已续期")
        REVOKED = "revoked", _("已撤销")

    talent = models.ForeignKey(
        Talent, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="certifications"
    )
    tier = models.ForeignKey(Tier, verbose_name=_("人才层次"), on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        "govservices.Case", verbose_name=_("认定办件"), on_delete=models.PROTECT, related_name="+"
    )
    licence = models.OneToOneField(
        "govservices.Licence", verbose_name=_("认定证书"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.CERTIFIED)
    reason = models.CharField(_("撤销理由"), max_length=400, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认定人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("认定时间"), auto_now_add=True)

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = verbose_name_plural = _("人才认定")
        constraints = [
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(state="certified"),
                name="one_current_certification_per_talent",
                violation_error_message=_("一名人才同时只能有一个有效认定"),
            )
        ]

    def __str__(self):
        return f"{self.talent_id} · {self.tier_id}"


class TalentEvent(models.Model):
    """The timeline of a talent and its certifications (every workflow step)."""

    talent = models.ForeignKey(
        Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=30)
    label = models.CharField(_("操作名称"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("人才事件")

    def __str__(self):
        return f"{self.talent_id} · {self.action}"


# ---- 人才公寓 and 限价房 (tables in housing_models.py) ----------------------------------------------

from .housing_models import (  # noqa: E402
    Flat,
    FlatApplication,
    FlatLease,
    FlatRule,
    PurchaseApplication,
    PurchaseRule,
)

__all__ = [
    "Certification",
    "Degree",
    "Employment",
    "Flat",
    "FlatApplication",
    "FlatLease",
    "FlatRule",
    "PurchaseApplication",
    "PurchaseRule",
    "Talent",
    "TalentEvent",
    "Tier",
    "Title",
]
# ---- individual income tax paid (个税奖励, the talent subsidies on the policy engine) ---------------


class IncomeTax(models.Model):
    """The individual income tax a talent paid in one month, as entered by the talent office or
    imported from the tax bureau's list (talent/services/subsidies.py); person rules read its sums."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("录入")
        IMPORTED = "imported", _("导入")

    talent = models.ForeignKey(
        Talent, verbose_name=_("人才"), on_delete=models.CASCADE, related_name="income_taxes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    amount = models.DecimalField(_("已缴个人所得税（元）"), max_digits=18, decimal_places=2)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)

    objects = TalentPartQuerySet.as_manager()

    class Meta:
        ordering = ["talent", "year", "month"]
        verbose_name = verbose_name_plural = _("个人所得税缴纳记录")
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "year", "month"],
                name="one_income_tax_per_talent_month",
                violation_error_message=_("该人才该月已有个税记录"),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="income_tax_month_range",
                violation_error_message=_("月份应为 1–12"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="income_tax_amount_nonnegative",
                violation_error_message=_("个税金额不能为负"),
            ),
        ]

    def __str__(self):
        return f"{self.talent_id} · {self.year}-{self.month:02d}"
