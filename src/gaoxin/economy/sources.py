"""The figures an indicator may name: each is one field of one pillar's read contract (its
`<pillar>_stats(*, user, period, by)` selector). Economy reads the other pillars only through these."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from gaoxin.enterprises.selectors.registry import registry_stats
from gaoxin.enterprises.selectors.reporting import reporting_stats
from gaoxin.govservices.selectors import govservices_stats, ratings_stats
from gaoxin.innovation.selectors import innovation_stats
from gaoxin.investment.selectors import investment_stats
from gaoxin.policies.selectors import policies_stats

from .business import TASKS

PILLARS: dict[str, Callable[..., dict]] = {
    "reporting": reporting_stats,
    "registry": registry_stats,
    "govservices": govservices_stats,
    "ratings": ratings_stats,
    "policies": policies_stats,
    "investment": investment_stats,
    "innovation": innovation_stats,
}

ENTERED = "entered"  # a value typed by the statistics office (IndicatorEntry), with its source

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
    "ratings.ratings": (gettext_lazy("好差评评价数"), gettext_lazy("条"), "ratings"),
    "ratings.good_rate": (gettext_lazy("好评率"), "%", "ratings"),
    "ratings.rectified_rate": (gettext_lazy("差评整改率"), "%", "bad"),
    "policies.net": (gettext_lazy("政策资金拨付（扣除追回）"), gettext_lazy("元"), "enterprises"),
    "policies.paid": (gettext_lazy("政策资金拨付"), gettext_lazy("元"), "enterprises"),
    "investment.signed": (gettext_lazy("签约项目"), gettext_lazy("个"), "signed"),
    "investment.amount": (gettext_lazy("签约金额"), gettext_lazy("万元"), "signed"),
    "innovation.rd_institutions": (
        gettext_lazy("国家级和省级研发机构"),
        gettext_lazy("个"),
        "rd_institutions",
    ),
    "innovation.rd_centres": (
        gettext_lazy("企业技术中心和工程技术研究中心"),
        gettext_lazy("个"),
        "rd_centres",
    ),
    "innovation.new_incubated": (gettext_lazy("新增在孵企业"), gettext_lazy("家"), "new_incubated"),
    "innovation.incubating": (gettext_lazy("在孵企业"), gettext_lazy("家"), "incubating"),
    "innovation.graduated": (gettext_lazy("毕业企业"), gettext_lazy("家"), "graduated"),
    "innovation.contract_amount": (gettext_lazy("技术合同成交额"), gettext_lazy("元"), "contracts"),
    "innovation.transfers": (gettext_lazy("科技成果转化项目"), gettext_lazy("项"), "transfers"),
    ENTERED: (gettext_lazy("统计部门填报"), "", "entries"),
}
# the government-services figures of one 营商环境 task's items: "govservices.<field>@<task code>"
for _task in TASKS:
    if _task.items:
        SOURCES[f"govservices.average_workdays@{_task.code}"] = (
            format_lazy(gettext_lazy("平均办理工作日（{task}事项）"), task=_task.name),
            gettext_lazy("个工作日"),
            "concluded",
        )
        SOURCES[f"govservices.on_time_rate@{_task.code}"] = (
            format_lazy(gettext_lazy("按时办结率（{task}事项）"), task=_task.name),
            "%",
            "concluded",
        )
SCOPES = {t.code: t.items for t in TASKS if t.items}


def figure(
    name: str, *, user, period: tuple[int, int | None], cache: dict | None = None
) -> tuple[Decimal | None, int]:
    """The zone's total of one named figure for a period, and the count of inputs behind it. (An
    `entered` indicator has no figure: catalogue.indicator_value reads its entry.)"""
    pillar, field = name.split(".", 1)
    field, _, scope = field.partition("@")
    key = (pillar, period, scope)
    if cache is not None and key in cache:
        stats = cache[key]
    else:
        extra = {"items": SCOPES[scope]} if scope else {}
        stats = PILLARS[pillar](user=user, period=period, by="", **extra)
        if cache is not None:
            cache[key] = stats
    total = stats["total"]
    value = total.get(field)
    count = total.get(SOURCES[name][2]) or 0
    return (None if value is None else Decimal(value)), int(count)


# The groups each pillar's read contract can split its figures by (its `by`), for drilling down from
# a figure to what is behind it.
DIMENSIONS: dict[str, dict[str, object]] = {
    "reporting": {
        "industry": gettext_lazy("产业"),
        "park": gettext_lazy("园区"),
        "size": gettext_lazy("规模"),
    },
    "registry": {"industry": gettext_lazy("产业"), "park": gettext_lazy("园区")},
    "govservices": {"department": gettext_lazy("部门"), "month": gettext_lazy("月份")},
    "ratings": {
        "item": gettext_lazy("事项"),
        "department": gettext_lazy("部门"),
        "window": gettext_lazy("窗口"),
        "month": gettext_lazy("月份"),
    },
    "policies": {"clause": gettext_lazy("兑现事项")},
    "investment": {"source": gettext_lazy("线索来源")},
    "innovation": {"carrier": gettext_lazy("载体")},
}


def breakdown(name: str, *, user, period: tuple[int, int | None], by: str) -> list[dict]:
    """One named figure split by the pillar's dimension `by`: [{"name", "value"}], as the pillar's
    read contract groups it (the groups add up to the figure where the figure is a sum)."""
    pillar, field = name.split(".", 1)
    field, _, scope = field.partition("@")
    if by not in DIMENSIONS.get(pillar, {}):
        return []
    extra = {"items": SCOPES[scope]} if scope else {}
    stats = PILLARS[pillar](user=user, period=period, by=by, **extra)
    return [
        {"name": str(row.get("name", "")), "value": None if row.get(field) is None else Decimal(row[field])}
        for row in stats.get("rows", [])
    ]


# Where a figure stands in the yearly review, along the source documents' four lines: the economy
# (发展有质量), innovation (创新有力量), support and investment (融合有温度), government services (改革有力度).
INNOVATION_SOURCES = {
    "reporting.rd_expense",
    "registry.hte",
    "registry.tech_sme",
    "registry.srdi",
    "registry.little_giant",
    "registry.gazelle",
}
PILLAR_SECTIONS = {
    "innovation": "innovation",
    "reporting": "quality",
    "registry": "quality",
    "policies": "warmth",
    "investment": "warmth",
    "govservices": "reform",
}


def review_section(source: str) -> str:
    """The review section (a `ReviewSection` value) of an indicator by the figure it is computed from."""
    if source in INNOVATION_SOURCES:
        return "innovation"
    return PILLAR_SECTIONS.get(source.split(".", 1)[0], "quality")
