"""The figures an indicator may name: each is one field of one pillar's read contract (its
`<pillar>_stats(*, user, period, by)` selector). Economy reads the other pillars only through these."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from gaoxin.enterprises.selectors.registry import registry_stats
from gaoxin.enterprises.selectors.reporting import reporting_stats
from gaoxin.govservices.selectors import govservices_stats
from gaoxin.investment.selectors import investment_stats
from gaoxin.policies.selectors import policies_stats

PILLARS: dict[str, Callable[..., dict]] = {
    "reporting": reporting_stats,
    "registry": registry_stats,
    "govservices": govservices_stats,
    "policies": policies_stats,
    "investment": investment_stats,
}

# name → (label, the unit the contract answers in, the count of inputs behind it)
SOURCES: dict[str, tuple[str, str, str]] = {
    "reporting.output_value": ("工业总产值", "元", "reports"),
    "reporting.revenue": ("营业收入", "元", "reports"),
    "reporting.profit": ("利润总额", "元", "reports"),
    "reporting.tax": ("税金总额", "元", "reports"),
    "reporting.rd_expense": ("研发费用", "元", "reports"),
    "reporting.employees": ("从业人员", "人", "reports"),
    "registry.enterprises": ("存续企业", "家", "enterprises"),
    "registry.above_scale": ("规上企业", "家", "enterprises"),
    "registry.hte": ("高新技术企业", "家", "enterprises"),
    "registry.tech_sme": ("科技型中小企业", "家", "enterprises"),
    "registry.srdi": ("专精特新中小企业", "家", "enterprises"),
    "registry.little_giant": ("专精特新“小巨人”", "家", "enterprises"),
    "registry.gazelle": ("瞪羚企业", "家", "enterprises"),
    "registry.above_in": ("新增规上企业", "家", "enterprises"),
    "govservices.received": ("受理办件", "件", "received"),
    "govservices.concluded": ("办结办件", "件", "concluded"),
    "govservices.on_time_rate": ("按时办结率", "%", "concluded"),
    "govservices.instant_share": ("即办件占比", "%", "concluded"),
    "govservices.average_workdays": ("平均办理工作日", "个工作日", "concluded"),
    "policies.net": ("政策资金拨付（扣除追回）", "元", "enterprises"),
    "policies.paid": ("政策资金拨付", "元", "enterprises"),
    "investment.signed": ("签约项目", "个", "signed"),
    "investment.amount": ("签约金额", "万元", "signed"),
}


def figure(
    name: str, *, user, period: tuple[int, int | None], cache: dict | None = None
) -> tuple[Decimal | None, int]:
    """The zone's total of one named figure for a period, and the count of inputs behind it."""
    pillar, field = name.split(".", 1)
    key = (pillar, period)
    if cache is not None and key in cache:
        stats = cache[key]
    else:
        stats = PILLARS[pillar](user=user, period=period, by="")
        if cache is not None:
            cache[key] = stats
    total = stats["total"]
    value = total.get(field)
    count = total.get(SOURCES[name][2]) or 0
    return (None if value is None else Decimal(value)), int(count)
