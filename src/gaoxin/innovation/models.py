"""双创: innovation carriers (孵化器, 众创空间, 加速器, a digital park, a big-data base) with their tenants and
the online registrations of a digital park; postdoc stations and sub-stations with their postdocs; the
expert adviser roster with appointments; technology contracts (技术合同认定登记) and 成果转化 projects.

R&D centres and technology-transfer institutions are not here: they are enterprise qualifications with
a level (`enterprises.Qualification`), which the science office records through this app's services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import verified_uscc
from gaoxin.core.tenancy import TenantQuerySet
from gaoxin.enterprises.models import Qualification

from . import permissions

Level = Qualification.Level  # 国家级 / 自治区级 / 市级, one list for carriers and qualifications
MONEY = {"max_digits": 18, "decimal_places": 2}


class CarrierQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The science office, leaders and statisticians: every carrier; an enterprise: the carriers
        it operates or is (or was) a tenant of. An empty code never matches."""
        if permissions.can_view_all(user):
            return self
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(
                Q(operator__uscc=uscc)
                | Q(pk__in=Incubation.objects.filter(enterprise__uscc=uscc).values("carrier"))
            )
        return self.none()


class OwnedQuerySet(TenantQuerySet):
    """Rows that name one enterprise (`enterprise_lookup`): the office sees all, the enterprise its own."""

    enterprise_lookup = "enterprise"

    def visible_to(self, user):
        if permissions.can_view_all(user):
            return self
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(**{f"{self.enterprise_lookup}__uscc": uscc})
        return self.none()


class OnlineRegistrationQuerySet(OwnedQuerySet):
    enterprise_lookup = "carrier__operator"

    def visible_to(self, user):
        """The office; the park's operator (its own register); a registered company its own row."""
        uscc = verified_uscc(user)
        if uscc and not permissions.can_view_all(user):
            return self.filter(Q(carrier__operator__uscc=uscc) | Q(uscc=uscc))
        return super().visible_to(user)


class StationQuerySet(OwnedQuerySet):
    enterprise_lookup = "host"


class ContractQuerySet(OwnedQuerySet):
    enterprise_lookup = "seller"


class IncubationPartQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("incubation", Incubation.objects.visible_to(user))


class PostdocQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("station", PostdocStation.objects.visible_to(user))


class OfficeQuerySet(TenantQuerySet):
    """The expert roster: the office, leaders and statisticians only."""

    def visible_to(self, user):
        return self if permissions.can_view_all(user) else self.none()


class AppointmentQuerySet(TenantQuerySet):
    def visible_to(self, user):
        return self.through("expert", Expert.objects.visible_to(user))


class InnovationCarrier(models.Model):
    class Kind(models.TextChoices):
        INCUBATOR = "incubator", _("孵化器")
        MAKER_SPACE = "maker_space", _("众创空间")
        ACCELERATOR = "accelerator", _("加速器")
        DIGITAL_PARK = "digital_park", _("数字经济产业园")
        DATA_BASE = "data_base", _("大数据基地")

    kind = models.CharField(_("载体类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("载体名称"), max_length=120, unique=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, default=Level.CITY)
    operator = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("运营主体"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    area = models.DecimalField(_("面积（㎡）"), max_digits=12, decimal_places=2, null=True, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = CarrierQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = _("双创载体")

    def __str__(self):
        return self.name


class Incubation(models.Model):
    """One stay of a registry enterprise in a carrier (入驻/在孵), ended by graduation or exit."""

    class State(models.TextChoices):
        INCUBATING = "incubating", _("在孵")
        GRADUATED = "graduated", _("已毕业")
        EXITED = "exited", _("已退出")

    carrier = models.ForeignKey(
        InnovationCarrier, verbose_name=_("载体"), on_delete=models.PROTECT, related_name="incubations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("在孵企业"), on_delete=models.PROTECT, related_name="+"
    )
    entered_on = models.DateField(_("入驻日期"))
    period_months = models.PositiveSmallIntegerField(_("孵化期（月）"), default=36)
    due_on = models.DateField(_("孵化期满日期"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.INCUBATING)
    left_on = models.DateField(_("毕业或退出日期"), null=True, blank=True)
    reason = models.CharField(_("毕业或退出说明"), max_length=200, blank=True)
    revision = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["carrier", "-entered_on", "id"]
        verbose_name = verbose_name_plural = _("在孵企业")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "enterprise"],
                condition=Q(state="incubating"),
                name="one_open_incubation_per_carrier",
                violation_error_message=_("该企业已在此载体在孵"),
            ),
            models.CheckConstraint(
                condition=Q(state="incubating", left_on__isnull=True)
                | (~Q(state="incubating") & Q(left_on__isnull=False)),
                name="incubation_left_on_when_left",
                violation_error_message=_("毕业或退出的企业须有日期"),
            ),
        ]
        indexes = [models.Index(fields=["state", "left_on"], name="incubation_state_left_idx")]

    def __str__(self):
        return f"{self.carrier_id} · {self.enterprise_id}"


class IncubationEvent(models.Model):
    """The timeline of a tenant (every workflow step)."""

    incubation = models.ForeignKey(
        Incubation, verbose_name=_("在孵企业"), on_delete=models.CASCADE, related_name="events"
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

    objects = IncubationPartQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("在孵事件")

    def __str__(self):
        return f"{self.incubation_id} · {self.action}"


class OnlineRegistration(models.Model):
    """A company or personal studio registered online with a digital park (线上注册), counted apart from
    the park's on-site tenants; it need not be in the zone's registry."""

    carrier = models.ForeignKey(
        InnovationCarrier, verbose_name=_("载体"), on_delete=models.PROTECT, related_name="online"
    )
    name = models.CharField(_("企业或工作室名称"), max_length=120)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    studio = models.BooleanField(_("个人工作室"), default=False)
    registered_on = models.DateField(_("注册日期"))

    objects = OnlineRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["carrier", "-registered_on", "id"]
        verbose_name = verbose_name_plural = _("线上注册企业")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "name"],
                name="unique_online_registration",
                violation_error_message=_("该名称已在此园区线上注册"),
            )
        ]

    def __str__(self):
        return self.name


class PostdocStation(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", _("博士后工作站")
        SUB_STATION = "sub_station", _("博士后分站")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=120, unique=True)
    host = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("设站单位"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属工作站"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subs",
    )
    partner = models.CharField(_("合作高校或科研院所"), max_length=120, blank=True)
    established_on = models.DateField(_("设站日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "established_on", "id"]
        verbose_name = verbose_name_plural = _("博士后工作站")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="station", parent__isnull=True)
                | Q(kind="sub_station", parent__isnull=False, host__isnull=False),
                name="sub_station_has_parent_and_host",
                violation_error_message=_("分站须属于一个工作站并有设站企业"),
            )
        ]

    def __str__(self):
        return self.name


class Postdoc(models.Model):
    """A postdoctoral researcher's term at a station (进站 → 出站 or 退站)."""

    class State(models.TextChoices):
        IN_STATION = "in_station", _("在站")
        COMPLETED = "completed", _("已出站")
        WITHDRAWN = "withdrawn", _("已退站")

    station = models.ForeignKey(
        PostdocStation, verbose_name=_("工作站"), on_delete=models.PROTECT, related_name="postdocs"
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_card = models.CharField(_("居民身份证号"), max_length=18)
    field = models.CharField(_("研究方向"), max_length=120)
    supervisor = models.CharField(_("合作导师"), max_length=60, blank=True)
    entered_on = models.DateField(_("进站日期"))
    due_on = models.DateField(_("计划出站日期"))
    left_on = models.DateField(_("出站日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.IN_STATION)

    objects = PostdocQuerySet.as_manager()

    class Meta:
        ordering = ["station", "-entered_on", "id"]
        verbose_name = verbose_name_plural = _("博士后")
        constraints = [
            models.UniqueConstraint(
                fields=["id_card"],
                condition=Q(state="in_station"),
                name="one_station_per_postdoc",
                violation_error_message=_("该博士后已在站"),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("entered_on")),
                name="postdoc_due_after_entry",
                violation_error_message=_("计划出站日期须晚于进站日期"),
            ),
        ]

    def __str__(self):
        return self.name


class Expert(models.Model):
    """An adviser of the expert roster (专家顾问)."""

    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("工作单位"), max_length=120)
    title = models.CharField(_("职称或职务"), max_length=60, blank=True)
    field = models.CharField(_("专业领域"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = verbose_name_plural = _("专家顾问")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"],
                name="unique_expert",
                violation_error_message=_("该单位已有同名专家"),
            )
        ]

    def __str__(self):
        return self.name


class Appointment(models.Model):
    """An expert's appointment (聘任) by a department for a term, in a field; ended early when revoked."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="appointments"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("聘任部门"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("聘任领域"), max_length=120)
    term_from = models.DateField(_("聘期起"))
    term_to = models.DateField(_("聘期止"))
    ended_on = models.DateField(_("解聘日期"), null=True, blank=True)
    end_reason = models.CharField(_("解聘原因"), max_length=200, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["expert", "-term_from", "id"]
        verbose_name = verbose_name_plural = _("专家聘任")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_to__gte=models.F("term_from")),
                name="appointment_term_range",
                violation_error_message=_("聘期止不能早于聘期起"),
            )
        ]

    def __str__(self):
        return f"{self.expert_id} · {self.field}"

    def standing(self, today) -> str:
        """解聘 (ended early), 期满 (the term is over) or 在聘."""
        if self.ended_on is not None:
            return str(_("已解聘"))
        return str(_("已期满")) if self.term_to < today else str(_("在聘"))


class TechContract(models.Model):
    """A technology contract registered (技术合同认定登记); the seller is an enterprise of the zone."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "development", _("技术开发")
        TRANSFER = "transfer", _("技术转让")
        LICENCE = "licence", _("技术许可")
        CONSULTING = "consulting", _("技术咨询")
        SERVICE = "service", _("技术服务")

    number = models.CharField(_("登记号"), max_length=30, unique=True)
    name = models.CharField(_("合同名称"), max_length=200)
    kind = models.CharField(_("合同类别"), max_length=12, choices=Kind.choices)
    seller = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("卖方（技术输出方）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    buyer = models.CharField(_("买方（技术吸纳方）"), max_length=120)
    amount = models.DecimalField(_("合同成交额（元）"), **MONEY)
    tech_amount = models.DecimalField(_("技术交易额（元）"), **MONEY)
    signed_on = models.DateField(_("签订日期"))
    registered_on = models.DateField(_("认定登记日期"))
    case_number = models.CharField(_("登记办件编号"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = verbose_name_plural = _("技术合同")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, tech_amount__gte=0, tech_amount__lte=models.F("amount")),
                name="tech_contract_amounts",
                violation_error_message=_("技术交易额须在 0 与合同成交额之间"),
            ),
            models.CheckConstraint(
                condition=Q(registered_on__gte=models.F("signed_on")),
                name="tech_contract_registered_after_signing",
                violation_error_message=_("认定登记日期不能早于签订日期"),
            ),
        ]
        indexes = [models.Index(fields=["registered_on"], name="tech_contract_registered_idx")]

    def __str__(self):
        return self.number


class Transfer(models.Model):
    """A 成果转化 project: a research result put into production by an enterprise of the zone."""

    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("实施企业"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("成果来源"), max_length=120, help_text=_("高校、科研院所或企业"))
    major = models.BooleanField(_("重大科技成果转化"), default=False)
    investment = models.DecimalField(_("转化投入（元）"), null=True, blank=True, **MONEY)
    transferred_on = models.DateField(_("转化日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-transferred_on", "-id"]
        verbose_name = verbose_name_plural = _("成果转化项目")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                name="unique_transfer_per_enterprise",
                violation_error_message=_("该企业已有同名成果转化项目"),
            )
        ]

    def __str__(self):
        return self.name
