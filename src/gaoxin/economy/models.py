"""The economy pillar's own tables: the indicator catalogue (versioned definitions and yearly targets).

An indicator's formula is not free code: it names a figure of another pillar's read contract
(`sources.SOURCES`, e.g. "reporting.output_value"), optionally divided by another (a ratio in %),
and a scale that turns the figure's unit into the indicator's (元 → 亿元)."""

from __future__ import annotations

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
