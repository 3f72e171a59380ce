"""The indicators of the report forms: labels, units, how they add up over a year, and the checks
a clerk's figures must pass before submission (messages in plain Chinese)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gaoxin.core import calendar


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    unit: str
    kind: str  # money | count | decimal
    cumulative: bool  # year-to-date sum (money, energy) or period-end stock (people)
    may_be_negative: bool = False
    watch_change: bool = False  # a ±50% change needs an explanation


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator("output_value", "工业总产值", "元", "money", True, watch_change=True),
        Indicator("revenue", "营业收入", "元", "money", True, watch_change=True),
        Indicator("profit", "利润总额", "元", "money", True, may_be_negative=True),
        Indicator("tax", "应交税金", "元", "money", True, watch_change=True),
        Indicator("employees", "从业人员期末人数", "人", "count", False),
        Indicator("rd_expense", "研发经费支出", "元", "money", True, watch_change=True),
        Indicator("rd_staff", "研发人员", "人", "count", False),
        Indicator("export_value", "出口额", "元", "money", True),
        Indicator("energy", "综合能耗", "吨标准煤", "decimal", True),
        Indicator("tech_contracts", "技术合同成交额", "元", "money", False),
        Indicator("rd_fte", "研发人员全时当量", "人年", "decimal", False),
        Indicator("bachelor_staff", "本科及以上学历人数", "人", "count", False),
        # Year-end total assets: the size class of 建筑业, 房地产开发经营 and 租赁和商务服务业 needs it.
        Indicator("assets", "资产总额", "元", "money", False),
    ]
}

CHANGE_LIMIT = Decimal("0.5")
MAX_MONEY = Decimal("9999999999999999.99")


def parse_values(field_names: list[str], data: dict) -> tuple[dict, dict[str, str]]:
    """Turn submitted text or numbers into Decimal/int; blanks become None. Returns (values, errors)."""
    values, errors = {}, {}
    for name in field_names:
        ind = INDICATORS[name]
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            values[name] = None
            continue
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors[name] = f"{ind.label}应填写数字"
            continue
        if not number.is_finite() or abs(number) > MAX_MONEY:
            errors[name] = f"{ind.label}的数值超出范围"
            continue
        if ind.kind == "count":
            if number != number.to_integral_value():
                errors[name] = f"{ind.label}应为整数"
                continue
            if number < 0:
                errors[name] = f"{ind.label}不能为负数"
                continue
            values[name] = int(number)
        else:
            values[name] = number.quantize(Decimal("0.1") if name == "rd_fte" else Decimal("0.01"))
    return values, errors


def check_values(
    *,
    fields: list[str],
    required: list[str],
    values: dict,
    previous: dict | None,
    last_year: dict | None,
    previous_month_own: dict | None = None,
    own: dict | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Hard errors and anomalies (changes that need an explanation), each keyed by indicator.

    `previous` is last month's cumulative values of the same year (None in January or when missing),
    `last_year` the same period a year before; `own`/`previous_month_own` the derived monthly values."""
    errors: dict[str, str] = {}
    anomalies: dict[str, str] = {}
    for name in fields:
        ind = INDICATORS[name]
        value = values.get(name)
        if value is None:
            if name in required:
                errors[name] = f"请填写{ind.label}"
            continue
        if value < 0 and not ind.may_be_negative:
            errors[name] = f"{ind.label}不能为负数"
            continue
        if previous and ind.cumulative and not ind.may_be_negative:
            before = previous.get(name)
            if before is not None and value < before:
                errors[name] = f"{ind.label}是本年累计数，不能小于上月累计（{before:,}）"
    rd, revenue = values.get("rd_expense"), values.get("revenue")
    if rd is not None and revenue is not None and "rd_expense" not in errors and rd > revenue:
        errors["rd_expense"] = "研发经费支出不能大于营业收入"
    rd_staff, employees = values.get("rd_staff"), values.get("employees")
    if rd_staff is not None and employees is not None and rd_staff > employees:
        errors["rd_staff"] = "研发人员不能多于从业人员"
    for name in fields:
        ind = INDICATORS[name]
        if not ind.watch_change or name in errors or values.get(name) is None:
            continue
        for label, now, before in (
            ("同比", values.get(name), (last_year or {}).get(name)),
            ("环比", (own or {}).get(name), (previous_month_own or {}).get(name)),
        ):
            change = relative_change(now, before)
            if change is not None and abs(change) > CHANGE_LIMIT:
                anomalies[name] = (
                    f"{ind.label}{label}{'增长' if change > 0 else '下降'}{abs(change) * 100:.0f}%，超过50%，请说明原因"
                )
                break
    return errors, anomalies


def relative_change(now, before) -> Decimal | None:
    if now is None or before is None or before <= 0:
        return None
    return (Decimal(now) - Decimal(before)) / Decimal(before)


def own_values(current: dict, previous: dict | None, month: int) -> dict:
    """The month's own value of each cumulative indicator: this month's cumulative minus last month's."""
    own = {}
    for name, value in current.items():
        ind = INDICATORS.get(name)
        if ind is None or not ind.cumulative or value is None:
            continue
        if month == 1:
            own[name] = value
        elif previous and previous.get(name) is not None:
            own[name] = value - previous[name]
    return own


def due_date(*, kind: str, year: int, month: int, workday: int) -> calendar.Deadline:
    """Monthly: the N-th working day of the following month; annual: the N-th working day of next March."""
    if kind == "annual":
        last_day = dt.date(year + 1, 3, 1) - dt.timedelta(days=1)
    else:
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        last_day = first_next - dt.timedelta(days=1)
    return calendar.add_workdays(last_day, workday)


MONTHLY_FIELDS = [
    "output_value",
    "revenue",
    "profit",
    "tax",
    "employees",
    "rd_expense",
    "rd_staff",
    "export_value",
    "energy",
]
ANNUAL_FIELDS = [*MONTHLY_FIELDS, "tech_contracts", "rd_fte", "bachelor_staff"]
REQUIRED_FIELDS = ["revenue", "profit", "tax", "employees"]
# The second annual version adds 资产总额 (year-end), which the 2017 size classes use for some sectors.
ANNUAL_FIELDS_V2 = [*ANNUAL_FIELDS, "assets"]
# The published versions of each form (the migrations froze the same definitions).
DEFAULT_FORMS = [
    {
        "kind": "monthly",
        "version": 1,
        "title": "企业主要经济指标月报",
        "fields": MONTHLY_FIELDS,
        "required": REQUIRED_FIELDS,
        "due_workday": 8,
        "active_from": dt.date(2016, 1, 1),
    },
    {
        "kind": "annual",
        "version": 1,
        "title": "企业主要经济指标年报",
        "fields": ANNUAL_FIELDS,
        "required": REQUIRED_FIELDS,
        "due_workday": 20,
        "active_from": dt.date(2016, 1, 1),
    },
    {
        "kind": "annual",
        "version": 2,
        "title": "企业主要经济指标年报",
        "fields": ANNUAL_FIELDS_V2,
        "required": REQUIRED_FIELDS,
        "due_workday": 20,
        "active_from": dt.date(2026, 1, 1),
    },
]
