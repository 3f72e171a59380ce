"""Statistical classifications of an enterprise, as pure functions that also say which rule decided.

- 规模以上工业 / 限额以上批发零售住宿餐饮 / 规模以上服务业: thresholds on annual main-business revenue.
- Size class (大/中/小/微) by 《统计上大中小微型企业划分办法（2017）》: large, medium and small must meet
  the lower bound of every indicator listed for the sector, otherwise the enterprise drops a class;
  micro needs only one indicator below the small bounds.

Revenue is in yuan (Decimal); thresholds are written in 万元 as the documents state them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from gaoxin.core.errors import ValidationFailed

from . import gbt

WAN = Decimal(10000)

SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}

# The whole table of the 2017 办法, in 万元 (revenue, assets) and persons (employees).
# sector: (label, indicators listed for it, [(size, {indicator: lower bound})] from large to small).
# Indicators: "employees" 从业人员, "revenue" 营业收入, "assets" 资产总额.
SizeRows = list[tuple[str, dict[str, int]]]
INDICATOR_LABELS = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}


def _rows(employees=None, revenue=None, assets=None) -> SizeRows:
    rows = []
    for i, size in enumerate(("large", "medium", "small")):
        bounds = {}
        for name, values in (("employees", employees), ("revenue", revenue), ("assets", assets)):
            if values is not None:
                bounds[name] = values[i]
        rows.append((size, bounds))
    return rows


SIZE_TABLE: dict[str, tuple[str, SizeRows]] = {
    "agriculture": ("农、林、牧、渔业", _rows(revenue=(20000, 500, 50))),
    "industry": ("工业", _rows(employees=(1000, 300, 20), revenue=(40000, 2000, 300))),
    "construction": ("建筑业", _rows(revenue=(80000, 6000, 300), assets=(80000, 5000, 300))),
    "wholesale": ("批发业", _rows(employees=(200, 20, 5), revenue=(40000, 5000, 1000))),
    "retail": ("零售业", _rows(employees=(300, 50, 10), revenue=(20000, 500, 100))),
    "transport": ("交通运输业", _rows(employees=(1000, 300, 20), revenue=(30000, 3000, 200))),
    "warehousing": ("仓储业", _rows(employees=(200, 100, 20), revenue=(30000, 1000, 100))),
    "postal": ("邮政业", _rows(employees=(1000, 300, 20), revenue=(30000, 2000, 100))),
    "accommodation": ("住宿业", _rows(employees=(300, 100, 10), revenue=(10000, 2000, 100))),
    "catering": ("餐饮业", _rows(employees=(300, 100, 10), revenue=(10000, 2000, 100))),
    "telecom": ("信息传输业", _rows(employees=(2000, 100, 10), revenue=(100000, 1000, 100))),
    "software": ("软件和信息技术服务业", _rows(employees=(300, 100, 10), revenue=(10000, 1000, 50))),
    "real_estate_dev": ("房地产开发经营", _rows(revenue=(200000, 1000, 100), assets=(10000, 5000, 2000))),
    "property_mgmt": ("物业管理", _rows(employees=(1000, 300, 100), revenue=(5000, 1000, 500))),
    "leasing_business": ("租赁和商务服务业", _rows(employees=(300, 100, 10), assets=(120000, 8000, 100))),
    "other": ("其他未列明行业", _rows(employees=(300, 100, 10))),
}

# Sections and divisions the 办法 covers as 其他未列明行业: 科学研究和技术服务业 (M), 水利、环境和公共设施管理业 (N),
# 居民服务、修理和其他服务业 (O), 文化、体育和娱乐业 (R), 社会工作 (Q85), and the rest of 房地产业 (K).
# Out of its scope: 金融业 (J), 教育 (P), 卫生 (Q84), 公共管理 (S), 国际组织 (T).
OTHER_SECTIONS = {"M", "N", "O", "R"}
NOT_COVERED = {
    "J": "金融业另有金融业企业划型标准",
    "P": "教育不在《统计上大中小微型企业划分办法（2017）》的适用范围内",
    "Q84": "卫生不在《统计上大中小微型企业划分办法（2017）》的适用范围内（仅社会工作 Q85 适用）",
    "S": "公共管理、社会保障和社会组织不在划分办法的适用范围内",
    "T": "国际组织不在划分办法的适用范围内",
}

SCALE_KIND_LABELS = {"industry": "规上工业", "trade": "限上批零住餐", "services": "规上服务业"}

# Above-scale services by section, in 万元 of annual revenue; 房地产开发经营 (K701) is not a service unit,
# and 卫生 (Q84) and 社会工作 (Q85) have different thresholds within section Q.
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
}
SERVICE_DIVISION_THRESHOLDS = {84: 1000, 85: 500}


@dataclass(frozen=True)
class Classification:
    above_scale: bool
    scale_kind: str  # "" when not above scale
    size: str  # "" when the 办法 does not apply or a required figure is missing
    reasons: dict[str, str] = field(default_factory=dict)


def _wan(value: Decimal) -> str:
    # Rounded down, so a figure just below a threshold never reads as reaching it.
    return f"{(value / WAN).quantize(Decimal('0.01'), rounding=ROUND_DOWN):,}万元"


def _group(gbt_code: str) -> int | None:
    """'K7010' → 701; codes given only to the division have no group."""
    digits = (gbt_code or "")[1:]
    return int(digits[:3]) if len(digits) >= 3 and digits[:3].isdigit() else None


def size_sector(gbt_code: str) -> tuple[str | None, str]:
    """(sector of SIZE_TABLE, "") or (None, why the enterprise cannot be sized)."""
    code = (gbt_code or "").strip().upper()
    if not code:
        return None, "未填写国民经济行业代码，无法划分企业规模"
    section = gbt.section_of(code)
    division = gbt.division_number(code)
    if code in NOT_COVERED or f"{section}{division}" in NOT_COVERED:
        return None, NOT_COVERED.get(code) or NOT_COVERED[f"{section}{division}"]
    if section in NOT_COVERED:
        return None, NOT_COVERED[section]
    if section == "A":
        return "agriculture", ""
    if section in ("B", "C", "D"):
        return "industry", ""
    if section == "E":
        return "construction", ""
    if section in OTHER_SECTIONS:
        return "other", ""
    if section == "L":
        return "leasing_business", ""
    by_division = {
        51: "wholesale",
        52: "retail",
        59: "warehousing",
        60: "postal",
        61: "accommodation",
        62: "catering",
        63: "telecom",
        64: "telecom",
        65: "software",
        85: "other",
    }
    if division in by_division:
        return by_division[division], ""
    if section == "G" and division is not None:
        return "transport", ""
    if section == "K" and division is not None:
        group = _group(code)
        if group == 701:
            return "real_estate_dev", ""
        if group == 702:
            return "property_mgmt", ""
        if group is None:
            return (
                None,
                "房地产业需填写到中类：K701 房地产开发经营、K702 物业管理各有标准，其余为其他未列明行业",
            )
        return "other", ""
    if section in gbt.sections():
        return None, f"行业代码 {code} 只到门类，请填写到大类（如 {section}{_first_division(section)}）"
    return None, f"行业代码 {code} 不在 GB/T 4754-2017 中"


def _first_division(section: str) -> str:
    for d in gbt.divisions():
        if d.section == section:
            return d.code[1:]
    return "00"


def _figure(name: str, value) -> str:
    return f"{value} 人" if name == "employees" else _wan(value)


def _bound(name: str, bound: int) -> str:
    return f"{bound} 人" if name == "employees" else f"{bound:,}万元"


def _meets(name: str, value, bound: int) -> bool:
    return value >= (bound if name == "employees" else bound * WAN)


def size_class(
    gbt_code: str, *, employees: int | None, revenue: Decimal | None, assets: Decimal | None = None
) -> tuple[str, str]:
    """(size, the rule that produced it); size is "" when the 办法 gives none for these figures."""
    sector, why = size_sector(gbt_code)
    if sector is None:
        return "", why
    label, rows = SIZE_TABLE[sector]
    figures = {"employees": employees, "revenue": revenue, "assets": assets}
    listed = list(rows[0][1])
    missing = [INDICATOR_LABELS[n] for n in listed if figures[n] is None]
    if missing:
        needed = "、".join(INDICATOR_LABELS[n] for n in listed)
        return "", f"{label}按{needed}划分，缺少{'、'.join(missing)}，无法划分企业规模"
    misses: list[str] = []
    for size, bounds in rows:
        failed = [n for n, b in bounds.items() if not _meets(n, figures[n], b)]
        if not failed:
            met = "且".join(
                f"{INDICATOR_LABELS[n]} {_figure(n, figures[n])}（≥{_bound(n, b)}）"
                for n, b in bounds.items()
            )
            text = f"{label}：{met}，为{SIZE_LABELS[size]}企业（2017年划分办法）"
            if misses:
                text += "；" + "；".join(misses)
            return size, text
        n = failed[0]
        misses.append(
            f"未达{SIZE_LABELS[size]}：{INDICATOR_LABELS[n]} {_figure(n, figures[n])}（<{_bound(n, bounds[n])}）"
        )
    return "micro", f"{label}：{misses[-1][len('未达小型：') :]}，为微型企业（2017年划分办法）"


def above_scale(gbt_code: str, *, revenue: Decimal | None) -> tuple[str, str]:
    """(scale kind or "", the rule). Revenue is the year's main-business revenue."""
    code = (gbt_code or "").upper()
    section = gbt.section_of(code)
    division = gbt.division_number(code)
    if section in ("B", "C", "D"):
        kind, label, threshold = "industry", "规模以上工业", 2000
    elif division == 51:
        kind, label, threshold = "trade", "限额以上批发业", 2000
    elif division == 52:
        kind, label, threshold = "trade", "限额以上零售业", 500
    elif division in (61, 62):
        kind, label, threshold = "trade", "限额以上住宿和餐饮业", 200
    elif section == "K" and _group(code) == 701:
        return "", "房地产开发经营纳入房地产开发统计（全部有开发经营活动的单位），不按规上服务业标准"
    elif section == "K" and division is not None and _group(code) is None:
        return "", "房地产业需填写到中类（K701 房地产开发经营不属于规上服务业），无法判断"
    elif division in SERVICE_DIVISION_THRESHOLDS:
        kind, label, threshold = "services", "规模以上服务业", SERVICE_DIVISION_THRESHOLDS[division]
    elif section in SERVICE_THRESHOLDS and division is not None:
        kind, label, threshold = "services", "规模以上服务业", SERVICE_THRESHOLDS[section]
    elif section == "E":
        return "", "建筑业按资质划定统计范围（资质内建筑业），不按营业收入判断规上"
    else:
        return "", f"行业 {gbt.describe(code) or '未填'} 不属于规上（限上）统计范围"
    if revenue is None:
        return "", f"{label}按年主营业务收入判断，未提供营业收入"
    if revenue >= threshold * WAN:
        return kind, f"{label}：年主营业务收入 {_wan(revenue)} ≥ {threshold:,}万元"
    return "", f"未达{label}标准：年主营业务收入 {_wan(revenue)} < {threshold:,}万元"


def classify(
    gbt_code: str, *, employees: int | None, revenue: Decimal | None, assets: Decimal | None = None
) -> Classification:
    kind, scale_rule = above_scale(gbt_code, revenue=revenue)
    size, size_rule = size_class(gbt_code, employees=employees, revenue=revenue, assets=assets)
    return Classification(bool(kind), kind, size, {"above_scale": scale_rule, "size": size_rule})


def check_figures(
    industry: str, *, employees: int | None, revenue: Decimal | None, assets: Decimal | None
) -> dict:
    """The self-check of the API and of the page: the classes a set of figures gives, with the reasons."""
    code = gbt.normalize(industry or "")
    if code is None:
        raise ValidationFailed(
            "行业代码不正确",
            fields={"industry": "请填写 GB/T 4754-2017 国民经济行业代码，如 C3670、K7010、L72"},
        )
    c = classify(code, employees=employees, revenue=revenue, assets=assets)
    return {
        "industry": code,
        "industry_name": gbt.describe(code),
        "size": c.size or None,
        "size_label": SIZE_LABELS.get(c.size, "无法划分"),
        "above_scale": c.above_scale,
        "scale_kind": c.scale_kind or None,
        "scale_kind_label": SCALE_KIND_LABELS.get(c.scale_kind, "不属于规上（限上）"),
        "reasons": c.reasons,
    }
