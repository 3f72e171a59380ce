"""The indicator catalogue: versioned definitions kept by the statistics office, yearly targets, an
Excel import, and an indicator's value for a period computed from the pillars' read contracts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from gaoxin.accounts.permissions import has_role
from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.officefiles import cell_decimal, cell_int, cell_text, read_table

from ..models import Indicator, IndicatorTarget
from ..sources import SOURCES, figure

DEFINITION_FIELDS = (
    "name",
    "unit",
    "source",
    "denominator",
    "scale",
    "decimals",
    "frequency",
    "department",
    "higher_is_better",
    "warning",
    "excellent",
)


def can_edit_catalogue(user) -> bool:
    return has_role(user, Role.STATISTICIAN) or has_role(user, Role.SYSTEM_ADMIN)


def _check(fields: dict) -> None:
    if not fields.get("name"):
        raise ValidationFailed("指标名称不能为空")
    if fields.get("source") not in SOURCES:
        raise ValidationFailed(f"未知的数据来源：{fields.get('source')}")
    if fields.get("denominator") and fields["denominator"] not in SOURCES:
        raise ValidationFailed(f"未知的分母来源：{fields['denominator']}")
    if fields.get("scale") is not None and Decimal(fields["scale"]) <= 0:
        raise ValidationFailed("换算除数须大于 0")
    if fields.get("frequency", Indicator.Frequency.MONTHLY) not in Indicator.Frequency.values:
        raise ValidationFailed("频度须为月度或年度")


@transaction.atomic
def indicator_save(*, actor, code: str, fields: dict, targets: dict[int, Decimal] | None = None) -> Indicator:
    """A new indicator, or a new version of one whose definition changed (the old version stays, no
    longer current, for the snapshots computed by it). Targets are kept per year on the current version."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以维护指标目录")
    code = (code or "").strip()
    if not code:
        raise ValidationFailed("指标编码不能为空")
    fields = {k: v for k, v in fields.items() if k in DEFINITION_FIELDS and v is not None}
    _check(fields)
    old = Indicator.objects.select_for_update().filter(code=code, current=True).first()
    indicator = old
    if old is None or any(_differs(getattr(old, k), v) for k, v in fields.items()):
        version = 1
        if old is not None:
            old.current = False
            old.save(update_fields=["current"])
            version = old.version + 1
        indicator = Indicator.objects.create(code=code, version=version, current=True, **fields)
        if old is not None:
            for t in old.targets.all():
                IndicatorTarget.objects.create(indicator=indicator, year=t.year, value=t.value)
        audit.record(
            actor=actor, action="indicator_version", obj=indicator, summary={"code": code, "version": version}
        )
    assert indicator is not None
    for year, value in (targets or {}).items():
        IndicatorTarget.objects.update_or_create(indicator=indicator, year=year, defaults={"value": value})
    return indicator


@transaction.atomic
def targets_set(*, actor, indicator: Indicator, targets: dict[int, Decimal]) -> None:
    """Set the yearly targets of an indicator's current version."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以维护指标目录")
    for year, value in targets.items():
        IndicatorTarget.objects.update_or_create(indicator=indicator, year=year, defaults={"value": value})
    audit.record(
        actor=actor,
        action="indicator_targets",
        obj=indicator,
        summary={str(y): str(v) for y, v in targets.items()},
    )


def _differs(current, new) -> bool:
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        if current is None or new is None:
            return current is not new
        return Decimal(current) != Decimal(new)
    return current != new


IMPORT_HEADERS = ("指标编码", "指标名称", "单位", "数据来源")
IMPORT_OPTIONAL = (
    "分母来源",
    "换算除数",
    "小数位",
    "频度",
    "责任部门",
    "预警值",
    "优秀值",
    "目标年度",
    "目标值",
)
FREQUENCY_NAMES = {"月度": "monthly", "年度": "yearly", "monthly": "monthly", "yearly": "yearly"}


def indicators_import(*, actor, content: bytes) -> dict:
    """Definitions (and one year's target per row) from a spreadsheet; all rows or none."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以维护指标目录")
    table = read_table(content, IMPORT_HEADERS, max_data_rows=2000, optional=IMPORT_OPTIONAL)
    rows = []
    problems = []
    for n, row in table.rows:
        try:
            code = cell_text(row.get("指标编码"))
            fields = {
                "name": cell_text(row.get("指标名称")),
                "unit": cell_text(row.get("单位")),
                "source": cell_text(row.get("数据来源")),
                "denominator": cell_text(row.get("分母来源")),
                "scale": cell_decimal(row.get("换算除数")),
                "decimals": cell_int(row.get("小数位")),
                "department": cell_text(row.get("责任部门")),
                "warning": cell_decimal(row.get("预警值")),
                "excellent": cell_decimal(row.get("优秀值")),
            }
            freq = cell_text(row.get("频度"))
            if freq:
                if freq not in FREQUENCY_NAMES:
                    raise ValidationFailed(f"频度须为月度或年度：{freq}")
                fields["frequency"] = FREQUENCY_NAMES[freq]
            _check(fields)
            year, target = cell_int(row.get("目标年度")), cell_decimal(row.get("目标值"))
            rows.append((code, fields, {year: target} if year and target is not None else {}))
        except ValidationFailed as exc:
            problems.append(f"第 {n} 行：{exc}")
    if problems:
        raise ValidationFailed("；".join(problems[:20]))
    with transaction.atomic():
        before = set(Indicator.objects.values_list("pk", flat=True))
        for code, fields, targets in rows:
            indicator_save(actor=actor, code=code, fields=fields, targets=targets)
        created = Indicator.objects.exclude(pk__in=before).count()
    return {"rows": len(rows), "new_versions": created}


def indicator_value(
    indicator: Indicator, *, user, period: tuple[int, int | None], cache: dict | None = None
) -> dict:
    """The indicator's value for a period: its source (divided by its denominator, in %, when it has
    one) over its scale, rounded to its decimals; with the count of inputs behind it."""
    value, count = figure(indicator.source, user=user, period=period, cache=cache)
    if indicator.denominator:
        below, _ = figure(indicator.denominator, user=user, period=period, cache=cache)
        value = None if value is None or not below else value * 100 / below
    if value is not None:
        value = (value / indicator.scale).quantize(Decimal(1).scaleb(-indicator.decimals), ROUND_HALF_UP)
    return {"value": value, "inputs": count}


def rating(indicator: Indicator, value: Decimal | None, target: Decimal | None) -> str:
    """'excellent', 'ok', 'warning' or '' (no value or target): the value's completion of the target (%)
    against the indicator's thresholds (for a lower-is-better indicator, target over value)."""
    if value is None or not target:
        return ""
    if indicator.higher_is_better:
        done = value * 100 / target
    else:
        done = target * 100 / value if value else Decimal(1000)
    if indicator.excellent is not None and done >= indicator.excellent:
        return "excellent"
    if indicator.warning is not None and done < indicator.warning:
        return "warning"
    return "ok"
