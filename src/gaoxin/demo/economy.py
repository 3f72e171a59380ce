"""Demo data of the economy pillar (a step of demo.generator), made through the pillar's own services.

The statistics office's catalogue of the zone's headline indicators, each over a figure of another
pillar's read contract; each year's target is set at the previous year's value from the records plus
8% (the demo's stand-in for the targets a committee sets), and the yearly snapshots of the years before
the demo's date are taken on 20 January of the year after, as the office would publish them.

The national evaluation's 2021 system is loaded and peer zones' values imported from the committed
sample workbook economy/data/evaluation_peers_sample.xlsx: its values are illustrative (marked 示例数据,
and the page says so); this zone's values are computed from the demo's records. The 营商环境 tasks join
the catalogue, fed by the government-services cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.economy.services import evaluation
from gaoxin.economy.services.business import business_catalogue_load
from gaoxin.economy.services.catalogue import indicator_save, indicator_value, targets_set
from gaoxin.economy.services.review import narrative_save, review_generate
from gaoxin.economy.services.snapshots import snapshots_take

YI = Decimal(100_000_000)
WAN = Decimal(10_000)

# code, name, unit, source, denominator, scale, decimals, frequency, department
CATALOGUE = [
    ("FZ01", "规上工业总产值", "亿元", "reporting.output_value", "", YI, 2, "monthly", "统计局"),
    ("FZ02", "营业收入", "亿元", "reporting.revenue", "", YI, 2, "monthly", "统计局"),
    ("FZ03", "利润总额", "亿元", "reporting.profit", "", YI, 2, "monthly", "统计局"),
    ("FZ04", "税收", "亿元", "reporting.tax", "", YI, 2, "monthly", "税务局"),
    ("CX01", "研发经费投入", "亿元", "reporting.rd_expense", "", YI, 2, "monthly", "科技局"),
    (
        "CX02",
        "研发投入强度",
        "%",
        "reporting.rd_expense",
        "reporting.revenue",
        Decimal(1),
        2,
        "yearly",
        "科技局",
    ),
    ("CX03", "高新技术企业", "家", "registry.hte", "", Decimal(1), 0, "yearly", "科技局"),
    ("CX04", "科技型中小企业", "家", "registry.tech_sme", "", Decimal(1), 0, "yearly", "科技局"),
    ("CX05", "新增在孵企业", "家", "innovation.new_incubated", "", Decimal(1), 0, "yearly", "科技局"),
    ("CX06", "技术合同成交额", "万元", "innovation.contract_amount", "", WAN, 2, "yearly", "科技局"),
    (
        "CX07",
        "国家级和省级研发机构",
        "个",
        "innovation.rd_institutions",
        "",
        Decimal(1),
        0,
        "yearly",
        "科技局",
    ),
    ("FZ05", "规上企业", "家", "registry.above_scale", "", Decimal(1), 0, "yearly", "统计局"),
    (
        "GG01",
        "政务服务按时办结率",
        "%",
        "govservices.on_time_rate",
        "",
        Decimal(1),
        1,
        "monthly",
        "行政审批局",
    ),
    ("GG02", "即办件占比", "%", "govservices.instant_share", "", Decimal(1), 1, "monthly", "行政审批局"),
    ("GG03", "政务服务好评率", "%", "ratings.good_rate", "", Decimal(1), 1, "monthly", "行政审批局"),
    ("ZS01", "签约项目", "个", "investment.signed", "", Decimal(1), 0, "yearly", "投资促进局"),
    ("ZS02", "签约金额", "亿元", "investment.amount", "", WAN, 2, "yearly", "投资促进局"),
]
GROWTH = Decimal("1.08")

# The office's words for the last year's review, after the source documents' four lines; the figures
# beside them are the indicators' values, never written here.
NARRATIVE = {
    "intro": "面对疫情冲击和复杂多变的外部环境，高新区坚持“高地高质量、新区新跨越”总体思路，以“六保六稳”"
    "统揽发展全局，实现了更高质量、更有效率、更有温度的发展。",
    "quality": "率先出台支持中小微企业和复工复产的政策措施；汽车产业壮大提升，新能源、智能交通等新兴产业"
    "做大做强，现代服务业提速。",
    "innovation": "以创新平台建设和高新技术企业培育为抓手，企业研发投入持续增加，创新主体不断壮大。",
    "warmth": "惠企政策直达企业，减免中小微企业租用国有房产的租金，招商引资在疫情中不停步。",
    "reform": "推进网上办、全城通办、无差别全科受理和告知承诺制，以“一件事”套餐和承诺件转即办件提速审批。",
}


def build(ctx: dict) -> None:
    """Add this pillar's demo rows; ctx holds rng, as_of, log, enterprises, departments."""
    as_of: dt.date = ctx["as_of"]
    stats = User.objects.get(username="stats")
    indicators = []
    for code, name, unit, source, below, scale, decimals, freq, dept in CATALOGUE:
        indicators.append(
            indicator_save(
                actor=stats,
                code=code,
                fields={
                    "name": name,
                    "unit": unit,
                    "source": source,
                    "denominator": below,
                    "scale": scale,
                    "decimals": decimals,
                    "frequency": freq,
                    "department": dept,
                    "higher_is_better": True,
                    "warning": Decimal(90),
                    "excellent": Decimal(110),
                },
            )
        )
    indicators += business_catalogue_load(actor=stats)
    system = evaluation.evaluation_system_load(actor=stats)
    peers = evaluation.peers_import(actor=stats, system=system, content=evaluation.SAMPLE_PEERS.read_bytes())
    last = as_of.year - 1
    years = range(max(2016, last - 9), last + 1)
    cache: dict = {}
    for ind in indicators:
        targets = {}
        for year in [*years, as_of.year]:
            before = indicator_value(ind, user=stats, period=(year - 1, None), cache=cache)["value"]
            if before:
                targets[year] = (before * GROWTH).quantize(Decimal(1).scaleb(-ind.decimals))
        targets_set(actor=stats, indicator=ind, targets=targets)
    taken = 0
    for year in years:
        with clock.frozen(dt.date(year + 1, 1, 20)):
            taken += len(snapshots_take(actor=stats, year=year))
    for section, text in NARRATIVE.items():
        narrative_save(actor=stats, year=last, section=section, text=text)
    with clock.frozen(as_of):
        for kind in ("yearly", "decade"):
            review_generate.run_now(kind=kind, year=last, actor_id=stats.pk)
    ctx["log"](
        f"经济运行：{len(indicators)} 项指标，{taken} 个年度快照，{last} 年度报告与十年回顾；"
        f"综合评价示例同类高新区 {peers['zones']} 个"
    )
