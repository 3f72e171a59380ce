"""The economy pillar's own tables: the indicator catalogue (versioned definitions and yearly targets).

An indicator's formula is not free code: it names a figure of another pillar's read contract
(`sources.SOURCES`, e.g. "reporting.output_value"), optionally divided by another (a ratio in %),
and a scale that turns the figure's unit into the indicator's (元 → 亿元)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("月度")
        YEARLY = "yearly", _("年度")

    code = models.CharField(_("指标编码"), max_length=30)
    version = models.PositiveIntegerField(_("版本"), default=1)
    current = models.BooleanField(_("现行版本"), default=True)
    name = models.CharField(_("指标名称"), max_length=120)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    source = models.CharField(_("数据来源"), max_length=60)
    denominator = models.CharField(_("分母来源"), max_length=60, blank=True)
    scale = models.DecimalField(_("换算除数"), max_digits=20, decimal_places=4, default=1)
    decimals = models.PositiveSmallIntegerField(_("小数位"), default=2)
    frequency = models.CharField(
        _("频度"), max_length=8, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    department = models.CharField(_("责任部门"), max_length=80, blank=True)
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    warning = models.DecimalField(
        _("预警值（完成目标%）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    excellent = models.DecimalField(
        _("优秀值（完成目标%）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = verbose_name_plural = _("经济指标")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="indicator_code_version_uniq"),
            models.UniqueConstraint(fields=["code"], condition=Q(current=True), name="indicator_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} v{self.version}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = verbose_name_plural = _("指标年度目标")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_uniq")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class Snapshot(models.Model):
    """An indicator's value for a month (1–M月累计) or a year (month 0), as computed at a moment, with
    the count of inputs behind it. Never updated: a recomputation whose value differs (a late correction
    of a report) adds the next revision, holding the previous value and the difference."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="snapshots"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), default=0)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    inputs = models.PositiveIntegerField(_("数据条数"), default=0)
    previous = models.DecimalField(_("修订前数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    as_of = models.DateField(_("数据截至"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["indicator", "year", "month", "-revision"]
        verbose_name = verbose_name_plural = _("指标快照")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month", "revision"], name="snapshot_revision_uniq"
            )
        ]

    def __str__(self) -> str:
        period = f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"
        return f"{self.indicator.code} {period} r{self.revision}"

    @property
    def difference(self):
        if self.revision == 1 or self.value is None or self.previous is None:
            return None
        return self.value - self.previous


class ReviewSection(models.TextChoices):
    """The parts of the yearly review, in the order of the source documents' four lines."""

    INTRO = "intro", _("综述")
    QUALITY = "quality", _("发展有质量")
    INNOVATION = "innovation", _("创新有力量")
    WARMTH = "warmth", _("融合有温度")
    REFORM = "reform", _("改革有力度")


class ReviewNarrative(models.Model):
    """A paragraph of a year's review written by the statistics office; the figures beside it are
    computed, the words are theirs. `revision` grows with each edit, so two offices editing the same
    paragraph at once cannot overwrite each other."""

    year = models.PositiveSmallIntegerField(_("年度"))
    section = models.CharField(_("篇章"), max_length=12, choices=ReviewSection.choices)
    text = models.TextField(_("正文"), blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ["year", "section"]
        verbose_name = verbose_name_plural = _("年度报告文字")
        constraints = [models.UniqueConstraint(fields=["year", "section"], name="review_narrative_uniq")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_section_display()}"


class ReviewEdition(models.Model):
    """One generated review (the yearly one, or the ten years ending in `year`): its DOCX and PDF as
    written by the generation task, with the figures they print. Kept whole in the database, so a
    download never meets a half-written file."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("年度报告")
        DECADE = "decade", _("十年回顾")

    kind = models.CharField(_("报告类型"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    docx = models.BinaryField(_("DOCX 文件"))
    pdf = models.BinaryField(_("PDF 文件"))
    figures = models.JSONField(_("报告数字"), default=list)
    run = models.ForeignKey(
        "core.TaskRun", verbose_name=_("生成任务"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("已生成的报告")
        indexes = [models.Index(fields=["kind", "year", "-created_at"], name="review_edition_latest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class IndicatorEntry(models.Model):
    """A value of a catalogue indicator whose source is `entered` (the platform holds no records of it),
    typed by the statistics office for a month (1–M月累计) or a year (month 0), with where it came from."""

    indicator_code = models.CharField(_("指标编码"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), default=0)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6)
    source_note = models.CharField(_("数据出处"), max_length=200)
    entered_by = models.ForeignKey(
        "accounts.User", verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))

    class Meta:
        ordering = ["indicator_code", "year", "month"]
        verbose_name = verbose_name_plural = _("指标填报值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "year", "month"], name="indicator_entry_period_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year}-{self.month}: {self.value}"


class EvaluationSystem(models.Model):
    """One published version of the national high-tech zones' evaluation indicator system (国家高新区
    综合评价指标体系), e.g. the 2021 one of 国科发火〔2021〕106号; a newer one is another row."""

    code = models.CharField(_("体系编码"), max_length=30, unique=True)
    name = models.CharField(_("体系名称"), max_length=120)
    document = models.CharField(_("发布文号"), max_length=60, blank=True)
    current = models.BooleanField(_("现行"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("综合评价指标体系")
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=Q(current=True), name="evaluation_one_current"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationIndicator(models.Model):
    """A second-level indicator of a system, under its first-level dimension, with its weight (points of
    the total 100). `source` (and `denominator`, `change`) name the figures of the pillars' read contract
    it is computed from; blank when the platform holds no records of it and the office enters it."""

    class Change(models.TextChoices):
        LEVEL = "", _("当年值")
        DELTA = "delta", _("当年净增")

    system = models.ForeignKey(
        EvaluationSystem, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("指标序号"), max_length=10)
    dimension = models.CharField(_("一级指标"), max_length=40)
    dimension_weight = models.DecimalField(_("一级指标权重"), max_digits=6, decimal_places=2)
    name = models.CharField(_("二级指标"), max_length=80)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    source = models.CharField(_("数据来源"), max_length=60, blank=True)
    denominator = models.CharField(_("分母来源"), max_length=60, blank=True)
    scale = models.DecimalField(_("换算除数"), max_digits=20, decimal_places=4, default=1)
    change = models.CharField(_("口径"), max_length=8, choices=Change.choices, blank=True, default="")

    class Meta:
        ordering = ["system", "code"]
        verbose_name = verbose_name_plural = _("综合评价指标")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="evaluation_indicator_code_uniq"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="evaluation_indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def computed(self) -> bool:
        return bool(self.source)


class EvaluationValue(models.Model):
    """A zone's value of an evaluation indicator for a year: a peer zone's published value (imported), or
    this zone's own (zone blank) where the platform does not compute it, each with its source."""

    indicator = models.ForeignKey(
        EvaluationIndicator, verbose_name=_("评价指标"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    zone = models.CharField(_("高新区"), max_length=60, blank=True)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6)
    source_note = models.CharField(_("数据出处"), max_length=200)
    illustrative = models.BooleanField(_("示例数据"), default=False)
    entered_by = models.ForeignKey(
        "accounts.User", verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))

    class Meta:
        ordering = ["indicator", "year", "zone"]
        verbose_name = verbose_name_plural = _("综合评价指标值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "zone"], name="evaluation_value_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.zone or '本区'} {self.indicator.code} {self.year}: {self.value}"
