"""The enterprise registry (一企一档) every pillar reads: enterprises keyed by 统一社会信用代码,
the zone's industry taxonomy, sub-areas, and qualifications."""

from decimal import Decimal

from django.db import models
from django.db.models import Q


class Park(models.Model):
    """A sub-area of the zone (园中园)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("园区名称", max_length=60, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "园区"

    def __str__(self):
        return self.name


class Industry(models.Model):
    """The zone's own taxonomy, "1+3+5": one leading, three strategic emerging, five modern service industries."""

    class Tier(models.TextChoices):
        LEADING = "1", "主导产业"
        EMERGING = "3", "战略性新兴产业"
        SERVICE = "5", "现代服务业"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("产业名称", max_length=60, unique=True)
    tier = models.CharField("层级", max_length=1, choices=Tier.choices)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "产业分类"

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", "大型"
        MEDIUM = "medium", "中型"
        SMALL = "small", "小型"
        MICRO = "micro", "微型"

    class Status(models.TextChoices):
        OPERATING = "operating", "存续"
        MOVED_OUT = "moved_out", "迁出"
        CLOSED = "closed", "注销"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=120, db_index=True)
    name_pinyin = models.CharField("名称拼音", max_length=400, blank=True, db_index=True)
    legal_rep = models.CharField("法定代表人", max_length=60)
    registered_on = models.DateField("成立日期")
    registered_capital = models.DecimalField(
        "注册资本（元）", max_digits=18, decimal_places=2, default=Decimal("0")
    )
    address = models.CharField("住所", max_length=200, blank=True)
    park = models.ForeignKey(Park, verbose_name="所在园区", null=True, blank=True, on_delete=models.PROTECT)
    industry = models.ForeignKey(Industry, verbose_name="产业分类", null=True, blank=True, on_delete=models.PROTECT)
    gbt_code = models.CharField("国民经济行业代码", max_length=5, blank=True)
    size = models.CharField("企业规模", max_length=8, choices=Size.choices, default=Size.MICRO)
    above_scale = models.BooleanField("规上/限上", default=False)
    listed = models.BooleanField("上市企业", default=False)
    top500_branch = models.BooleanField("世界500强分支", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPERATING)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "企业"
        indexes = [models.Index(fields=["industry", "size"], name="ent_industry_size_idx")]

    def __str__(self):
        return self.name


class Qualification(models.Model):
    class Kind(models.TextChoices):
        HIGH_TECH = "hte", "高新技术企业"
        TECH_SME = "tech_sme", "科技型中小企业"
        SPECIALISED = "srdi", "专精特新中小企业"
        LITTLE_GIANT = "little_giant", "专精特新“小巨人”"
        GAZELLE = "gazelle", "瞪羚企业"
        UNICORN_SEED = "unicorn_seed", "独角兽培育企业"
        TECH_CENTRE = "tech_centre", "企业技术中心"
        ENG_CENTRE = "eng_centre", "工程技术研究中心"
        KEY_LAB = "key_lab", "重点实验室"
        SMART_FACTORY = "smart_factory", "智能工厂"
        DIGITAL_WORKSHOP = "digital_workshop", "数字化车间"
        IP_STANDARD = "ip_standard", "知识产权贯标"
        POSTDOC = "postdoc", "博士后工作站"

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "自治区级"
        CITY = "city", "市级"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质类型", max_length=20, choices=Kind.choices)
    level = models.CharField("级别", max_length=12, choices=Level.choices, default=Level.NATIONAL)
    certificate_no = models.CharField("证书编号", max_length=60)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "kind", "-valid_from"]
        verbose_name = verbose_name_plural = "企业资质"
        constraints = [
            models.UniqueConstraint(fields=["kind", "certificate_no"], name="unique_qualification_certificate"),
            models.CheckConstraint(
                name="qualification_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                violation_error_message="有效期止不能早于有效期起",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_to"], name="qual_kind_valid_idx")]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()}"
