"""Statistical classifications of an enterprise, as pure functions that also say which rule decided.

- 规模以上工业 / 限额以上批发零售住宿餐饮 / 规模以上服务业: thresholds on annual main-business revenue.
- Size class (大/中/小/微) by 《统计上大中小微型企业划分办法（2017）》: large, medium and small must meet
  the lower bound of every indicator listed for the sector, otherwise the enterprise drops a class;
  micro needs only one indicator below the small bounds.

Revenue is in yuan (Decimal); thresholds are written in 万元 as the documents state them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from . import gbt

WAN = Decimal(10000)

SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}

# sector: (label, [(size, min employees, min revenue in 万元 or None)] from large to small)
SIZE_TABLE: dict[str, tuple[str, list[tuple[str, int, int | None]]]] = {
    "industry": ("工业", [("large", 1000, 40000), ("medium", 300, 2000), ("small", 20, 300)]),
    "wholesale": ("批发业", [("large", 200, 40000), ("medium", 20, 5000), ("small", 5, 1000)]),
    "retail": ("零售业", [("large", 300, 20000), ("medium", 50, 500), ("small", 10, 100)]),
    "software": ("软件和信息技术服务业", [("large", 300, 10000), ("medium", 100, 1000), ("small", 10, 50)]),
    "other": ("其他未列明行业", [("large", 300, None), ("medium", 100, None), ("small", 10, None)]),
}

SCALE_KIND_LABELS = {"industry": "规上工业", "trade": "限上批零住餐", "services": "规上服务业"}

# Above-scale services by section, in 万元 of annual revenue; 房地产开发经营 (K7010) is not a service unit.
SERVICE_THRESHOLDS = {
    "G": 2000,
    "I": 2000,
    "N": 2000,
    "K": 1000,
    "L": 1000,
    "M": 1000,
    "P": 1000,
    "O": 500,
    "R": 500,
    "Q": 500,
}


@dataclass(frozen=True)
class Classification:
    above_scale: bool
    scale_kind: str  # "" when not above scale
    size: str
    reasons: dict[str, str] = field(default_factory=dict)


def _wan(value: Decimal) -> str:
    # Rounded down, so a figure just below a threshold never reads as reaching it.
    return f"{(value / WAN).quantize(Decimal('0.01'), rounding=ROUND_DOWN):,}万元"


def size_sector(gbt_code: str) -> str:
    section = gbt.section_of(gbt_code)
    division = gbt.division_number(gbt_code)
    if section in ("B", "C", "D"):
        return "industry"
    if division == 51:
        return "wholesale"
    if division == 52:
        return "retail"
    if division == 65:
        return "software"
    return "other"


def size_class(gbt_code: str, *, employees: int, revenue: Decimal) -> tuple[str, str]:
    """(size, the rule that produced it)."""
    sector = size_sector(gbt_code)
    label, rows = SIZE_TABLE[sector]
    for size, min_staff, min_revenue in rows:
        staff_ok = employees >= min_staff
        revenue_ok = min_revenue is None or revenue >= min_revenue * WAN
        if staff_ok and revenue_ok:
            bounds = f"从业人员 {employees} 人（≥{min_staff}）"
            if min_revenue is not None:
                bounds += f"且营业收入 {_wan(revenue)}（≥{min_revenue:,}万元）"
            return size, f"{label}：{bounds}，为{SIZE_LABELS[size]}企业（2017年划分办法）"
    small = rows[-1]
    why = (
        f"从业人员 {employees} 人（<{small[1]}）"
        if employees < small[1]
        else f"营业收入 {_wan(revenue)}（<{small[2]:,}万元）"
    )
    return "micro", f"{label}：{why}，为微型企业（2017年划分办法）"


def above_scale(gbt_code: str, *, revenue: Decimal) -> tuple[str, str]:
    """(scale kind or "", the rule). Revenue is the year's main-business revenue."""
    section = gbt.section_of(gbt_code)
    division = gbt.division_number(gbt_code)
    if section in ("B", "C", "D"):
        kind, label, threshold = "industry", "规模以上工业", 2000
    elif division == 51:
        kind, label, threshold = "trade", "限额以上批发业", 2000
    elif division == 52:
        kind, label, threshold = "trade", "限额以上零售业", 500
    elif division in (61, 62):
        kind, label, threshold = "trade", "限额以上住宿和餐饮业", 200
    elif section in SERVICE_THRESHOLDS and not gbt_code.upper().startswith("K7010"):
        kind, label, threshold = "services", "规模以上服务业", SERVICE_THRESHOLDS[section]
    else:
        return "", f"行业 {gbt.describe(gbt_code) or '未填'} 不属于规上（限上）统计范围"
    if revenue >= threshold * WAN:
        return kind, f"{label}：年主营业务收入 {_wan(revenue)} ≥ {threshold:,}万元"
    return "", f"未达{label}标准：年主营业务收入 {_wan(revenue)} < {threshold:,}万元"


def classify(gbt_code: str, *, employees: int, revenue: Decimal) -> Classification:
    kind, scale_rule = above_scale(gbt_code, revenue=revenue)
    size, size_rule = size_class(gbt_code, employees=employees, revenue=revenue)
    return Classification(bool(kind), kind, size, {"above_scale": scale_rule, "size": size_rule})
