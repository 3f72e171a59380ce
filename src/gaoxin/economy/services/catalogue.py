"""The indicator catalogue: versioned definitions kept by the statistics office, yearly targets, an
Excel import, and an indicator's value for a period computed from the pillars' read contracts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from gaoxin.accounts.permissions import has_role
from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.officefiles import (
    TemplateColumn,
    cell_code,
    cell_decimal,
    cell_int,
    cell_text,
    read_table,
    refuse_rows,
    template_workbook,
)

from ..models import Indicator, IndicatorEntry, IndicatorTarget
from ..sources import ENTERED, SOURCES, figure

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
    if fields.get("source") == ENTERED and fields.get("denominator"):
        raise ValidationFailed("填报指标不能设分母来源")
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
    "方向",
    "责任部门",
    "预警值",
    "优秀值",
    "目标年度",
    "目标值",
)
FREQUENCY_NAMES = {"月度": "monthly", "年度": "yearly", "monthly": "monthly", "yearly": "yearly"}
DIRECTIONS = {"越大越好": True, "越小越好": False}
SHEET = "指标目录"


def indicator_columns() -> list[TemplateColumn]:
    """The catalogue template's columns (one row per indicator and target year)."""
    T = TemplateColumn
    sources = list(SOURCES)
    return [
        T("指标编码", "指标的编码，同一编码的多行是同一指标的不同目标年度", "GDP-01", "code", required=True),
        T("指标名称", "指标的中文名称", "规上工业总产值", required=True, width=24),
        T("单位", "展示数值的单位", "亿元", required=True, width=10),
        T(
            "数据来源",
            "取数的统计口径（各板块的统计接口）",
            "reporting.output_value",
            "code",
            sources,
            True,
            26,
        ),
        T("分母来源", "填写时数值为 数据来源 ÷ 分母来源 × 100%", "", "code", sources, width=26),
        T("换算除数", "数据来源的数值除以此数后展示，如元换算为亿元填 100000000", "100000000", "number"),
        T("小数位", "展示时保留的小数位数", "2", "int", width=8),
        T("频度", "月度或年度", "月度", choices=["月度", "年度"], width=8),
        T("方向", "越大越好或越小越好，不填为越大越好", "越大越好", choices=list(DIRECTIONS), width=10),
        T("责任部门", "负责该指标的部门", "统计局", width=14),
        T("预警值", "完成目标的百分比低于此值时预警", "90", "number", width=10),
        T("优秀值", "完成目标的百分比达到此值时为优秀", "110", "number", width=10),
        T("目标年度", "目标值所属的年度", "2026", "int", width=10),
        T("目标值", "该年度的目标，单位同上", "1000", "number", width=12),
    ]


def indicators_template() -> bytes:
    return template_workbook(SHEET, indicator_columns())


def indicators_layout(*, user) -> bytes:
    """The current catalogue in the template's layout, one row per target year (a row without a
    target for an indicator that has none): saved again by a spreadsheet program, it imports back as
    the same definitions and targets."""
    rows = []
    for i in Indicator.objects.filter(current=True).prefetch_related("targets").order_by("code"):
        head = [
            i.code,
            i.name,
            i.unit,
            i.source,
            i.denominator,
            i.scale,
            i.decimals,
            "年度" if i.frequency == Indicator.Frequency.YEARLY else "月度",
            "越大越好" if i.higher_is_better else "越小越好",
            i.department,
            i.warning,
            i.excellent,
        ]
        targets = sorted(i.targets.all(), key=lambda t: t.year)
        rows += [[*head, t.year, t.value] for t in targets] or [[*head, None, None]]
    return template_workbook(SHEET, indicator_columns(), rows)


def _code(raw, existing: set[str]) -> str:
    """The indicator code of a cell. A code the spreadsheet stored as a number may have lost leading
    zeros (0107 → 107): it is restored when exactly one code of the catalogue matches, else refused."""
    if not isinstance(raw, (int, float)) or isinstance(raw, bool):
        return cell_text(raw)
    digits = cell_code(raw)
    matches = [c for c in existing if c.isdigit() and c.lstrip("0") == digits.lstrip("0")]
    if len(matches) == 1:
        return matches[0]
    raise ValidationFailed(
        f"指标编码被表格软件存成了数字（{digits}），开头的 0 可能已丢失：请把该列设为文本后重新填写"
    )


def _import_row(row: dict, existing: set[str]) -> tuple[str, dict, dict]:
    code = _code(row.get("指标编码"), existing)
    fields: dict = {
        "name": cell_text(row.get("指标名称")),
        "unit": cell_text(row.get("单位")),
        "source": cell_text(row.get("数据来源")),
        "denominator": cell_text(row.get("分母来源")),
        "department": cell_text(row.get("责任部门")),
    }
    for key, header in (("scale", "换算除数"), ("warning", "预警值"), ("excellent", "优秀值")):
        try:
            fields[key] = cell_decimal(row.get(header))
        except ValueError as exc:
            raise ValidationFailed(f"{header}{exc}") from exc
    try:
        fields["decimals"] = cell_int(row.get("小数位"))
        year = cell_int(row.get("目标年度"))
    except ValueError as exc:
        raise ValidationFailed(f"小数位和目标年度{exc}") from exc
    try:
        target = cell_decimal(row.get("目标值"))
    except ValueError as exc:
        raise ValidationFailed(f"目标值{exc}") from exc
    freq = cell_text(row.get("频度"))
    if freq:
        if freq not in FREQUENCY_NAMES:
            raise ValidationFailed(f"频度须为月度或年度：{freq}")
        fields["frequency"] = FREQUENCY_NAMES[freq]
    direction = cell_text(row.get("方向"))
    if direction:
        if direction not in DIRECTIONS:
            raise ValidationFailed(f"方向须为越大越好或越小越好：{direction}")
        fields["higher_is_better"] = DIRECTIONS[direction]
    if not code:
        raise ValidationFailed("指标编码不能为空")
    _check(fields)
    if (year is None) != (target is None):
        raise ValidationFailed("目标年度和目标值须同时填写")
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed(f"目标年度应在 2000 至 2100 之间：{year}")
    return code, fields, ({year: target} if year is not None else {})


def indicators_import(*, actor, content: bytes) -> dict:
    """Definitions (and one year's target per row) from a spreadsheet; all rows or none. A refused
    file comes back as an error sheet: the uploaded rows with a 错误说明 column."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以维护指标目录")
    table = read_table(content, IMPORT_HEADERS, max_data_rows=2000, optional=IMPORT_OPTIONAL)
    rows = []
    problems: dict[int, list[str]] = {}
    existing = set(Indicator.objects.filter(current=True).values_list("code", flat=True))
    for n, row in table.rows:
        try:
            rows.append(_import_row(row, existing))
        except (ValidationFailed, ValueError) as exc:
            problems[n] = [getattr(exc, "message", None) or str(exc)]
    if problems:
        refuse_rows(table, problems)
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
    one) over its scale, rounded to its decimals; with the count of inputs behind it. An `entered`
    indicator's value is the one the statistics office typed for the period."""
    if indicator.source == ENTERED:
        entry = IndicatorEntry.objects.filter(
            indicator_code=indicator.code, year=period[0], month=period[1] or 0
        ).first()
        value, count = (None, 0) if entry is None else (entry.value, 1)
    else:
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
