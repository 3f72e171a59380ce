"""The enterprise registry (一企一档) every pillar reads: enterprises keyed by 统一社会信用代码,
the zone's industry taxonomy, sub-areas, and qualifications."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_staff_member, verified_uscc
from gaoxin.core.tenancy import TenantQuerySet


class EnterpriseQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Staff read the whole registry; a verified enterprise user only its own enterprise."""
        uscc = verified_uscc(user)
        if uscc:
            return self.filter(uscc=uscc)
        if is_staff_member(user):
            return self
        return self.none()


class EnterprisePartQuerySet(TenantQuerySet):
    """Qualifications, class changes, IP, reports: visible with their enterprise."""

    enterprise_lookup = "enterprise"

    def visible_to(self, user):
        return self.through(self.enterprise_lookup, Enterprise.objects.visible_to(user))


class Park(models.Model):
    """A sub-area of the zone (园中园)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("园区名称"), max_length=60, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("园区")

    def __str__(self):
        return self.name


class Industry(models.Model):
    """The zone's own taxonomy, "1+3+5": one leading, three strategic emerging, five modern service industries."""

    class Tier(models.TextChoices):
        LEADING = "1", _("主导产业")
        EMERGING = "3", _("战略性新兴产业")
        SERVICE = "5", _("现代服务业")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("产业名称"), max_length=60, unique=True)
    tier = models.CharField(_("层级"), max_length=1, choices=Tier.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = _("产业分类")

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    class Status(models.TextChoices):
        OPERATING = "operating", _("存续")
        MOVED_OUT = "moved_out", _("迁出")
        CLOSED = "closed", _("注销")

    class Ownership(models.TextChoices):
        STATE = "state", _("国有")
        COLLECTIVE = "collective", _("集体")
        PRIVATE = "private", _("私营")
        JOINT_STOCK = "joint_stock", _("股份制")
        HMT = "hmt", _("港澳台商投资")
        FOREIGN = "foreign", _("外商投资")
        OTHER = "other", _("其他")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=120, db_index=True)
    former_names = models.CharField(
        _("曾用名"), max_length=400, blank=True, help_text=_("多个曾用名以“；”分隔")
    )
    name_pinyin = models.CharField(_("名称拼音"), max_length=400, blank=True, db_index=True)
    name_pairs = models.TextField(
        _("名称检索键"),
        blank=True,
        help_text=_("名称与曾用名逐字重复（华瑞 → 华华瑞瑞），两字检索可走三元组索引；见 search.py"),
    )
    legal_rep = models.CharField(_("法定代表人"), max_length=60)
    registered_on = models.DateField(_("成立日期"))
    registered_capital = models.DecimalField(
        _("注册资本（元）"), max_digits=18, decimal_places=2, default=Decimal("0")
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)
    park = models.ForeignKey(
        Park, verbose_name=_("所在园区"), null=True, blank=True, on_delete=models.PROTECT
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("产业分类"), null=True, blank=True, on_delete=models.PROTECT
    )
    gbt_code = models.CharField(_("国民经济行业代码"), max_length=5, blank=True)
    size = models.CharField(_("企业规模"), max_length=8, choices=Size.choices, default=Size.MICRO)
    above_scale = models.BooleanField(_("规上/限上"), default=False)
    scale_kind = models.CharField(
        _("规上类别"),
        max_length=16,
        blank=True,
        help_text=_("industry 规上工业 / trade 限上批零住餐 / services 规上服务业"),
    )
    classified_year = models.PositiveSmallIntegerField(_("分类依据年度"), null=True, blank=True)
    classification_reasons = models.JSONField(_("分类依据"), default=dict, blank=True)
    classification_baseline = models.JSONField(
        _("首次分类前的类别"),
        default=dict,
        null=True,  # rows bulk-loaded without the column (the benchmarks' COPY) have none yet
        blank=True,
        help_text=_("首次重新计算分类前登记的规上与规模，作为企业最早数据年度变化的比较基准"),
    )
    ownership = models.CharField(
        _("登记注册类型"), max_length=12, choices=Ownership.choices, default=Ownership.PRIVATE
    )
    listed = models.BooleanField(_("上市企业"), default=False)
    top500_branch = models.BooleanField(_("世界500强分支"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPERATING)
    officer = models.ForeignKey(
        "accounts.User",
        verbose_name=_("联络专员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("企业")
        indexes = [
            models.Index(fields=["industry", "size"], name="ent_industry_size_idx"),
            models.Index(fields=["gbt_code"], name="ent_gbt_idx"),
            models.Index(fields=["above_scale", "status"], name="ent_above_status_idx"),
            models.Index(fields=["park", "status"], name="ent_park_status_idx"),
        ]

    def __str__(self):
        return self.name


class Qualification(models.Model):
    class Kind(models.TextChoices):
        HIGH_TECH = "hte", _("高新技术企业")
        TECH_SME = "tech_sme", _("科技型中小企业")
        SPECIALISED = "srdi", _("专精特新中小企业")
        LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
        GAZELLE = "gazelle", _("瞪羚企业")
        UNICORN_SEED = "unicorn_seed", _("独角兽培育企业")
        TECH_CENTRE = "tech_centre", _("企业技术中心")
        ENG_CENTRE = "eng_centre", _("工程技术研究中心")
        KEY_LAB = "key_lab", _("重点实验室")
        SMART_FACTORY = "smart_factory", _("智能工厂")
        DIGITAL_WORKSHOP = "digital_workshop", _("数字化车间")
        IP_STANDARD = "ip_standard", _("知识产权贯标")
        POSTDOC = "postdoc", _("博士后工作站")
        TECH_TRANSFER = "tech_transfer", _("技术转移示范机构")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("自治区级")
        CITY = "city", _("市级")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("资质类型"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, default=Level.NATIONAL)
    certificate_no = models.CharField(_("证书编号"), max_length=60)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "kind", "-valid_from"]
        verbose_name = verbose_name_plural = _("企业资质")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "certificate_no"], name="unique_qualification_certificate"
            ),
            models.CheckConstraint(
                name="qualification_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                violation_error_message="有效期止不能早于有效期起",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_to"], name="qual_kind_valid_idx")]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()}"


class ClassificationEvent(models.Model):
    """A change of an enterprise's class (e.g. 小升规), recorded when classifications are refreshed."""

    class Kind(models.TextChoices):
        ABOVE_SCALE_IN = "above_in", _("新增规上（小升规）")
        ABOVE_SCALE_OUT = "above_out", _("退出规上")
        SIZE_CHANGE = "size", _("规模变化")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="class_events"
    )
    year = models.PositiveSmallIntegerField(_("数据年度"))
    kind = models.CharField(_("变化类型"), max_length=12, choices=Kind.choices)
    scale_kind = models.CharField(_("规上类别"), max_length=16, blank=True)
    before = models.CharField(_("变化前"), max_length=16, blank=True)
    after = models.CharField(_("变化后"), max_length=16, blank=True)
    rule = models.CharField(_("依据"), max_length=300)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise"]
        verbose_name = verbose_name_plural = _("分类变化")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "kind"],
                name="unique_class_event_per_year",
                violation_error_message="该企业该年度已记录此类变化",
            )
        ]
        indexes = [models.Index(fields=["year", "kind"], name="class_event_year_kind_idx")]

    def __str__(self):
        return f"{self.enterprise} · {self.year} · {self.get_kind_display()}"


class IntellectualProperty(models.Model):
    """Patents and other IP of one enterprise in one year (counts)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="ip_years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    invention_applied = models.PositiveIntegerField(_("发明专利申请"), default=0)
    invention_granted = models.PositiveIntegerField(_("发明专利授权"), default=0)
    utility_applied = models.PositiveIntegerField(_("实用新型申请"), default=0)
    utility_granted = models.PositiveIntegerField(_("实用新型授权"), default=0)
    design_applied = models.PositiveIntegerField(_("外观设计申请"), default=0)
    design_granted = models.PositiveIntegerField(_("外观设计授权"), default=0)
    trademarks = models.PositiveIntegerField(_("注册商标"), default=0)
    software_copyrights = models.PositiveIntegerField(_("软件著作权"), default=0)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = verbose_name_plural = _("知识产权")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="unique_ip_year",
                violation_error_message="该企业该年度的知识产权已登记",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.year}年知识产权"
