"""The figures an indicator may name: each is one field of one pillar's read contract (its
`<pillar>_stats(*, user, period, by)` selector). Economy reads the other pillars only through these."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext_lazy

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
    "reporting.output_value": (gettext_lazy("工业总产值"), gettext_lazy("元"), "reports"),
    "reporting.revenue": (gettext_lazy("营业收入"), gettext_lazy("元"), "reports"),
    "reporting.profit": (gettext_lazy("利润总额"), gettext_lazy("元"), "reports"),
    "reporting.tax": (gettext_lazy("税金总额"), gettext_lazy("元"), "reports"),
    "reporting.rd_expense": (gettext_lazy("研发费用"), gettext_lazy("元"), "reports"),
    "reporting.employees": (gettext_lazy("从业人员"), gettext_lazy("人"), "reports"),
    "registry.enterprises": (gettext_lazy("存续企业"), gettext_lazy("家"), "enterprises"),
    "registry.above_scale": (gettext_lazy("规上企业"), gettext_lazy("家"), "enterprises"),
    "registry.hte": (gettext_lazy("高新技术企业"), gettext_lazy("家"), "enterprises"),
    "registry.tech_sme": (gettext_lazy("科技型中小企业"), gettext_lazy("家"), "enterprises"),
    "registry.srdi": (gettext_lazy("专精特新中小企业"), gettext_lazy("家"), "enterprises"),
    "registry.little_giant": (gettext_lazy("专精特新“小巨人”"), gettext_lazy("家"), "enterprises"),
    "registry.gazelle": (gettext_lazy("瞪羚企业"), gettext_lazy("家"), "enterprises"),
    "registry.above_in": (gettext_lazy("新增规上企业"), gettext_lazy("家"), "enterprises"),
    "govservices.received": (gettext_lazy("受理办件"), gettext_lazy("件"), "received"),
    "govservices.concluded": (gettext_lazy("办结办件"), gettext_lazy("件"), "concluded"),
    "govservices.on_time_rate": (gettext_lazy("按时办结率"), "%", "concluded"),
    "govservices.instant_share": (gettext_lazy("即办件占比"), "%", "concluded"),
    "govservices.average_workdays": (gettext_lazy("平均办理工作日"), gettext_lazy("个工作日"), "concluded"),
    "policies.net": (gettext_lazy("政策资金拨付（扣除追回）"), gettext_lazy("元"), "enterprises"),
    "policies.paid": (gettext_lazy("政策资金拨付"), gettext_lazy("元"), "enterprises"),
    "investment.signed": (gettext_lazy("签约项目"), gettext_lazy("个"), "signed"),
    "investment.amount": (gettext_lazy("签约金额"), gettext_lazy("万元"), "signed"),
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
