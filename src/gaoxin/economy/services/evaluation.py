"""The national evaluation of high-tech zones (国家高新区综合评价): the indicator systems, this zone's
values (computed from the pillars' read contracts where the platform holds the records, entered with
their source where it does not), peer zones' published values imported from Excel, and the score, rank,
the indicators that pull the score down and a what-if.

The method (the published system weights every second-level indicator; values are made comparable
across zones before they are weighted):

1. For each indicator, the values of the zones compared in that year (this zone and every peer with a
   value) are normalised by their range: `100 × (x − min) / (max − min)` when more is better,
   `100 × (max − x) / (max − min)` when less is better (e.g. energy per unit of value added). When
   every zone has the same value each scores 100; a zone without a value scores 0 on it.
2. A zone's score is the weighted sum `Σ weight × normalised / 100`; the weights are points of 100
   (the first-level dimensions 20 / 20 / 15 / 15 / 30), so the score lies between 0 and 100.
3. The rank is 1 + the number of zones whose score is higher (equal scores share a rank).
4. An indicator pulls the score down by the points it loses against the best zone on it:
   `weight × (100 − normalised) / 100`, largest first.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from gaoxin.core import audit, clock, officefiles
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from ..models import EvaluationIndicator, EvaluationSystem, EvaluationValue
from ..sources import SOURCES, figure
from .catalogue import can_edit_catalogue

YI = Decimal(100_000_000)
HUNDRED = Decimal(100)
OWN = ""  # the zone column of this zone's own entered values

# The 2021 system (国科发火〔2021〕106号). Dimensions and their weights, and the weights of 1.1 and 1.2,
# are the published ones; the other second-level indicators are those the notice names, with the rest
# of each dimension's weight shared equally among them (the full table is not public here): replace the
# weights when the office holds the official table.
# code, dimension, dimension weight, name, weight, unit, higher is better, source, denominator, scale, change
SYSTEM_2021: dict[str, Any] = {
    "code": "MOST-2021",
    "name": "国家高新区综合评价指标体系（2021年版）",
    "document": "国科发火〔2021〕106号",
    "indicators": [
        (
            "1.1",
            "创新能力和创业活跃度",
            20,
            "国家级和省级研发机构数",
            "0.8",
            "个",
            True,
            "innovation.rd_institutions",
            "",
            1,
            "",
        ),
        (
            "1.2",
            "创新能力和创业活跃度",
            20,
            "研发人员全时当量占从业人员比例",
            "1.2",
            "%",
            True,
            "",
            "",
            1,
            "",
        ),
        (
            "1.3",
            "创新能力和创业活跃度",
            20,
            "企业研发经费内部支出占营业收入比例",
            "4.5",
            "%",
            True,
            "reporting.rd_expense",
            "reporting.revenue",
            1,
            "",
        ),
        (
            "1.4",
            "创新能力和创业活跃度",
            20,
            "每万名从业人员当年发明专利授权数",
            "4.5",
            "件",
            True,
            "",
            "",
            1,
            "",
        ),
        ("1.5", "创新能力和创业活跃度", 20, "当年新注册企业数", "4.5", "家", True, "", "", 1, ""),
        ("1.6", "创新能力和创业活跃度", 20, "当年入库科技型中小企业数", "4.5", "家", True, "", "", 1, ""),
        ("2.1", "结构优化和产业价值链", 20, "高技术服务业营业收入占比", "4", "%", True, "", "", 1, ""),
        ("2.2", "结构优化和产业价值链", 20, "本科及以上学历从业人员占比", "4", "%", True, "", "", 1, ""),
        # 元 × 100 ÷ 人 (a denominator gives a percentage) ÷ 1 000 000 = 万元 per person
        (
            "2.3",
            "结构优化和产业价值链",
            20,
            "从业人员人均技术合同成交额",
            "4",
            "万元",
            True,
            "innovation.contract_amount",
            "reporting.employees",
            1_000_000,
            "",
        ),
        (
            "2.4",
            "结构优化和产业价值链",
            20,
            "当年净增高新技术企业数",
            "4",
            "家",
            True,
            "registry.hte",
            "",
            1,
            "delta",
        ),
        ("2.5", "结构优化和产业价值链", 20, "研发强度达5%的企业营业收入占比", "4", "%", True, "", "", 1, ""),
        (
            "3.1",
            "绿色发展和宜居包容性",
            15,
            "单位增加值综合能耗",
            "7.5",
            "吨标准煤/万元",
            False,
            "",
            "",
            1,
            "",
        ),
        (
            "3.2",
            "绿色发展和宜居包容性",
            15,
            "当年净增从业人员数",
            "7.5",
            "人",
            True,
            "reporting.employees",
            "",
            1,
            "delta",
        ),
        ("4.1", "开放创新和国际竞争力", 15, "技术服务出口占总出口比例", "5", "%", True, "", "", 1, ""),
        ("4.2", "开放创新和国际竞争力", 15, "当年获得风险投资的企业数", "5", "家", True, "", "", 1, ""),
        ("4.3", "开放创新和国际竞争力", 15, "当年上市企业数", "5", "家", True, "", "", 1, ""),
        (
            "5.1",
            "综合质效和持续创新力",
            30,
            "当年净增营业收入",
            "7.5",
            "亿元",
            True,
            "reporting.revenue",
            "",
            YI,
            "delta",
        ),
        (
            "5.2",
            "综合质效和持续创新力",
            30,
            "企业利润率",
            "7.5",
            "%",
            True,
            "reporting.profit",
            "reporting.revenue",
            1,
            "",
        ),
        ("5.3", "综合质效和持续创新力", 30, "全员劳动生产率增长率", "7.5", "%", True, "", "", 1, ""),
        ("5.4", "综合质效和持续创新力", 30, "新晋瞪羚企业数", "7.5", "家", True, "", "", 1, ""),
    ],
}
SYSTEMS = {SYSTEM_2021["code"]: SYSTEM_2021}
# illustrative peer values (示例数据, not published ones) for the demo zone
SAMPLE_PEERS = Path(__file__).resolve().parent.parent / "data" / "evaluation_peers_sample.xlsx"


def _require_edit(actor) -> None:
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以维护综合评价数据")


@transaction.atomic
def evaluation_system_load(*, actor, code: str = "MOST-2021", current: bool = True) -> EvaluationSystem:
    """Store a known system (or bring its definitions up to date); it becomes the current one."""
    _require_edit(actor)
    spec = SYSTEMS.get(code)
    if spec is None:
        raise ValidationFailed(f"未知的指标体系：{code}")
    for row in spec["indicators"]:
        for name in row[7:9]:
            if name and name not in SOURCES:
                raise ValidationFailed(f"未知的数据来源：{name}")
    by_dimension: dict[str, Decimal] = {}
    for row in spec["indicators"]:
        by_dimension[row[1]] = by_dimension.get(row[1], Decimal(0)) + Decimal(row[4])
    wrong = [d for row in spec["indicators"] if by_dimension[(d := row[1])] != Decimal(row[2])]
    if wrong or sum(by_dimension.values()) != HUNDRED:
        raise ValidationFailed(f"指标权重之和与一级指标权重不符：{'、'.join(sorted(set(wrong)))}")
    if current:
        EvaluationSystem.objects.filter(current=True).exclude(code=code).update(current=False)
    system, _ = EvaluationSystem.objects.update_or_create(
        code=code, defaults={"name": spec["name"], "document": spec["document"], "current": current}
    )
    for c, dim, dim_w, name, w, unit, up, source, below, scale, change in spec["indicators"]:
        EvaluationIndicator.objects.update_or_create(
            system=system,
            code=c,
            defaults={
                "dimension": dim,
                "dimension_weight": Decimal(dim_w),
                "name": name,
                "weight": Decimal(w),
                "unit": unit,
                "higher_is_better": up,
                "source": source,
                "denominator": below,
                "scale": Decimal(scale),
                "change": change,
            },
        )
    audit.record(actor=actor, action="evaluation_system_load", obj=system, summary={"code": code})
    return system


def evaluation_years(system: EvaluationSystem) -> list[int]:
    """The years with peer values, latest first."""
    qs = EvaluationValue.objects.filter(indicator__system=system).exclude(zone=OWN)
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def system_get(code: str = "") -> EvaluationSystem:
    qs = EvaluationSystem.objects.all()
    system = qs.filter(code=code).first() if code else qs.filter(current=True).first()
    if system is None:
        raise NotFound(
            "未找到该评价指标体系：请统计部门先载入指标体系" if not code else "未找到该评价指标体系"
        )
    return system


# ---- this zone's values ---------------------------------------------------------------------------


def _computed(ind: EvaluationIndicator, *, user, year: int, cache: dict) -> Decimal | None:
    def level(y: int) -> Decimal | None:
        value, _ = figure(ind.source, user=user, period=(y, None), cache=cache)
        if ind.denominator:
            below, _ = figure(ind.denominator, user=user, period=(y, None), cache=cache)
            value = None if value is None or not below else value * HUNDRED / below
        return value

    value = level(year)
    if ind.change == EvaluationIndicator.Change.DELTA:
        before = level(year - 1)
        value = None if value is None or before is None else value - before
    return None if value is None else (value / ind.scale).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def own_values(*, user, system: EvaluationSystem, year: int) -> dict[str, dict]:
    """code → {"value", "source", "computed"} for this zone: from the records, or as entered."""
    cache: dict = {}
    entered = {
        v.indicator.code: v
        for v in EvaluationValue.objects.filter(indicator__system=system, year=year, zone=OWN).select_related(
            "indicator"
        )
    }
    out = {}
    for ind in system.indicators.all():
        if ind.computed:
            source = str(SOURCES[ind.source][0]) + (
                f" ÷ {SOURCES[ind.denominator][0]}" if ind.denominator else ""
            )
            out[ind.code] = {
                "value": _computed(ind, user=user, year=year, cache=cache),
                "source": f"平台记录：{source}" + ("（较上年净增）" if ind.change else ""),
                "computed": True,
            }
        else:
            e = entered.get(ind.code)
            out[ind.code] = {
                "value": None if e is None else e.value,
                "source": "" if e is None else e.source_note,
                "computed": False,
            }
    return out


@transaction.atomic
def own_value_enter(
    *, actor, system: EvaluationSystem, year: int, code: str, value: Decimal, source_note: str
) -> EvaluationValue:
    """This zone's value of an indicator the platform does not compute, with where it came from."""
    _require_edit(actor)
    ind = system.indicators.filter(code=code).first()
    if ind is None:
        raise ValidationFailed(f"未知的指标序号：{code}", fields={"indicator": "未知的指标序号"})
    if ind.computed:
        raise Conflict(f"“{ind.name}”由平台记录计算，不能手工填报")
    source_note = (source_note or "").strip()
    if not source_note:
        raise ValidationFailed("请填写数据出处", fields={"source": "请填写数据出处"})
    row, _ = EvaluationValue.objects.update_or_create(
        indicator=ind,
        year=year,
        zone=OWN,
        defaults={
            "value": value,
            "source_note": source_note[:200],
            "illustrative": False,
            "entered_by": actor,
            "entered_at": clock.now(),
        },
    )
    audit.record(
        actor=actor,
        action="evaluation_value_enter",
        obj=row,
        summary={"indicator": code, "year": year, "value": str(value)},
    )
    return row


# ---- peers' published values, from Excel ----------------------------------------------------------

PEER_HEADERS = ("高新区", "年度", "指标序号", "数值", "数据出处")
PEER_OPTIONAL = ("指标名称", "示例数据")
MAX_PEER_ROWS = 5000


def peer_columns() -> list[officefiles.TemplateColumn]:
    T = officefiles.TemplateColumn
    return [
        T(
            "高新区",
            "同类高新区的名称（本区的数值由平台计算或在页面上填报，不在此导入）",
            "某某高新区",
            required=True,
            width=22,
        ),
        T("年度", "评价年度", "2020", "int", required=True, width=8),
        T("指标序号", "现行评价指标体系中的二级指标序号，如 1.1", "1.1", required=True, width=10),
        T("指标名称", "二级指标名称（仅供核对，可不填）", "国家级和省级研发机构数", width=30),
        T("数值", "按指标体系中的单位填写", "56", "number", required=True, width=14),
        T("数据出处", "公布该数值的文件或报告", "某年度国家高新区评价结果", required=True, width=30),
        T("示例数据", "填“是”表示此行不是公布值，仅作演示", "否", choices=("是", "否"), width=10),
    ]


def peer_template() -> bytes:
    return officefiles.template_workbook("同类高新区指标值", peer_columns())


def peers_layout(*, system: EvaluationSystem) -> bytes:
    """The peers' values held for `system` in the template's layout: saved again by a spreadsheet
    program, the file imports back as the same values."""
    rows = [
        [
            v.zone,
            v.year,
            v.indicator.code,
            v.indicator.name,
            v.value,
            v.source_note,
            "是" if v.illustrative else "否",
        ]
        for v in EvaluationValue.objects.filter(indicator__system=system)
        .exclude(zone="")
        .select_related("indicator")
        .order_by("zone", "year", "indicator__code")
    ]
    return officefiles.template_workbook("同类高新区指标值", peer_columns(), rows)


def peers_import(*, actor, system: EvaluationSystem, content: bytes) -> dict:
    """Peer zones' values from a spreadsheet (a row per zone, year and indicator); all rows or none.
    A refused file carries the error sheet (its rows with a 错误说明 column)."""
    _require_edit(actor)
    table = officefiles.read_table(content, PEER_HEADERS, max_data_rows=MAX_PEER_ROWS, optional=PEER_OPTIONAL)
    indicators = {i.code: i for i in system.indicators.all()}
    own_name = settings.ZONE_NAME
    clean: list[tuple] = []
    by_row: dict[int, list[str]] = {}
    seen: dict[tuple, int] = {}
    for n, row in table.rows:
        problems = []
        zone = officefiles.cell_text(row.get("高新区"))[:60]
        if not zone:
            problems.append("高新区不能为空")
        elif zone in (own_name, "本区"):
            problems.append("本区的数值由平台计算或在页面上填报，不从同类高新区表导入")
        try:
            year = officefiles.cell_int(row.get("年度"))
            if year is None or not 2000 <= year <= 2100:
                problems.append("年度应为 2000–2100 之间的年份")
        except ValueError as exc:
            year = None
            problems.append(f"年度：{exc}")
        code = officefiles.cell_text(row.get("指标序号"))
        ind = indicators.get(code)
        if ind is None:
            problems.append(f"指标序号“{code}”不在《{system.name}》中")
        try:
            value = officefiles.cell_decimal(row.get("数值"))
            if value is None:
                problems.append("数值不能为空")
            elif abs(value) >= Decimal("1e17"):
                problems.append("数值过大")
        except ValueError as exc:
            value = None
            problems.append(f"数值：{exc}")
        note = officefiles.cell_text(row.get("数据出处"))
        if not note:
            problems.append("数据出处不能为空")
        flag = officefiles.cell_text(row.get("示例数据")) or "否"
        if flag not in ("是", "否"):
            problems.append("示例数据应填“是”或“否”")
        key = (zone, year, code)
        if not problems and key in seen:
            problems.append(f"与第 {seen[key]} 行重复（同一高新区、年度和指标）")
        seen.setdefault(key, n)
        if problems:
            by_row[n] = problems
        else:
            clean.append((ind, year, zone, value, note[:200], flag == "是"))
    if by_row:
        shown = list(by_row.items())[:10]
        more = f" 等 {len(by_row)} 行" if len(by_row) > 10 else ""
        refusal = ValidationFailed(
            "导入失败，未写入任何数据：" + "；".join(f"第 {n} 行：{'，'.join(p)}" for n, p in shown) + more,
            fields={f"第 {n} 行": "，".join(p) for n, p in by_row.items()},
        )
        refusal.error_sheet = officefiles.error_workbook(  # type: ignore[attr-defined]
            [table], {(table.title, n): p for n, p in by_row.items()}
        )
        raise refusal
    now = clock.now()
    with transaction.atomic():
        for ind, year, zone, value, note, illustrative in clean:
            EvaluationValue.objects.update_or_create(
                indicator=ind,
                year=year,
                zone=zone,
                defaults={
                    "value": value,
                    "source_note": note,
                    "illustrative": illustrative,
                    "entered_by": actor,
                    "entered_at": now,
                },
            )
        audit.record(
            actor=actor,
            action="evaluation_peers_import",
            obj=system,
            summary={"rows": len(clean), "zones": len({c[2] for c in clean})},
        )
    return {"rows": len(clean), "zones": len({c[2] for c in clean})}


# ---- score and rank -------------------------------------------------------------------------------


def normalised(value: Decimal | None, values: list[Decimal], *, higher_is_better: bool) -> Decimal:
    """The value's place in the range of the compared zones' values, 0–100 (step 1 of the method)."""
    if value is None or not values:
        return Decimal(0)
    lo, hi = min(values), max(values)
    if hi == lo:
        return HUNDRED
    share = (value - lo) / (hi - lo) if higher_is_better else (hi - value) / (hi - lo)
    return share * HUNDRED


def scores(indicators: list[EvaluationIndicator], matrix: dict[str, dict[str, Decimal | None]]) -> dict:
    """For zones → {code → value}: each zone's normalised values and score (steps 1–2 of the method)."""
    out: dict[str, dict] = {z: {"normalised": {}, "score": Decimal(0)} for z in matrix}
    for ind in indicators:
        present = [v[ind.code] for v in matrix.values() if v.get(ind.code) is not None]
        for zone, values in matrix.items():
            s = normalised(values.get(ind.code), present, higher_is_better=ind.higher_is_better)  # type: ignore[arg-type]
            out[zone]["normalised"][ind.code] = s
            out[zone]["score"] += ind.weight * s / HUNDRED
    return out


def rank_of(zone: str, scored: dict) -> int:
    return 1 + sum(1 for z, r in scored.items() if z != zone and r["score"] > scored[zone]["score"])


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def evaluation_result(
    *, user, system: EvaluationSystem, year: int, overrides: dict[str, Decimal] | None = None
) -> dict:
    """This zone's score and rank among the peers with values for the year, every zone's score, each
    indicator's values and normalised scores, and the indicators that pull the score down. `overrides`
    (code → value) replace this zone's values: the what-if."""
    indicators = list(system.indicators.all())
    own = own_values(user=user, system=system, year=year)
    matrix: dict[str, dict[str, Decimal | None]] = {OWN: {c: v["value"] for c, v in own.items()}}
    peers: dict[str, dict] = {}
    for v in (
        EvaluationValue.objects.filter(indicator__system=system, year=year)
        .exclude(zone=OWN)
        .select_related("indicator")
    ):
        matrix.setdefault(v.zone, {})[v.indicator.code] = v.value
        peers.setdefault(v.zone, {"illustrative": False, "sources": set()})
        peers[v.zone]["illustrative"] |= v.illustrative
        peers[v.zone]["sources"].add(v.source_note)
    for code, value in (overrides or {}).items():
        if code not in own:
            raise ValidationFailed(f"未知的指标序号：{code}", fields={"values": f"未知的指标序号：{code}"})
        matrix[OWN][code] = value
    scored = scores(indicators, matrix)
    own_name = settings.ZONE_NAME
    rows = []
    for ind in indicators:
        present = {z: v.get(ind.code) for z, v in matrix.items() if v.get(ind.code) is not None}
        best = None
        if present:
            pick = max if ind.higher_is_better else min
            best_zone = pick(present, key=lambda z: present[z])  # type: ignore[arg-type,return-value]
            best = {"zone": best_zone or own_name, "value": present[best_zone]}
        s = scored[OWN]["normalised"][ind.code]
        rows.append(
            {
                "code": ind.code,
                "dimension": ind.dimension,
                "name": ind.name,
                "unit": ind.unit,
                "weight": ind.weight,
                "higher_is_better": ind.higher_is_better,
                "value": matrix[OWN][ind.code],
                "source": own[ind.code]["source"],
                "computed": own[ind.code]["computed"],
                "overridden": ind.code in (overrides or {}),
                "normalised": _q(s),
                "points": _q(ind.weight * s / HUNDRED, "0.0001"),
                # an indicator no zone has a value of scores 0 everywhere: it pulls no one down
                "lost": _q(ind.weight * (HUNDRED - s) / HUNDRED if present else Decimal(0), "0.0001"),
                "best": best,
                "zones": len(present),
            }
        )
    dimensions: dict[str, dict] = {}
    for r in rows:
        d = dimensions.setdefault(
            r["dimension"], {"name": r["dimension"], "weight": Decimal(0), "points": Decimal(0)}
        )
        d["weight"] += r["weight"]
        d["points"] += r["points"]
    ranking = sorted(scored, key=lambda z: (-scored[z]["score"], z))
    return {
        "system": system.code,
        "system_name": system.name,
        "year": year,
        "zone": own_name,
        "score": _q(scored[OWN]["score"]),
        "rank": rank_of(OWN, scored),
        "zones": len(matrix),
        "missing": [r["code"] for r in rows if r["value"] is None],
        "indicators": rows,
        "dimensions": list(dimensions.values()),
        "pulling_down": sorted((r for r in rows if r["lost"] > 0), key=lambda r: (-r["lost"], r["code"]))[:5],
        "ranking": [
            {
                "zone": z or own_name,
                "own": z == OWN,
                "score": _q(scored[z]["score"]),
                "rank": rank_of(z, scored),
                "illustrative": bool(peers.get(z, {}).get("illustrative")),
            }
            for z in ranking
        ],
        "illustrative": any(p["illustrative"] for p in peers.values()),
        "peer_sources": sorted({s for p in peers.values() for s in p["sources"]}),
    }


def what_if(*, user, system: EvaluationSystem, year: int, overrides: dict[str, Decimal]) -> dict:
    """The result with this zone's values replaced by `overrides`, beside the result as it stands."""
    if not overrides:
        raise ValidationFailed("请至少填写一个指标的假设值", fields={"values": "请至少填写一个指标的假设值"})
    base = evaluation_result(user=user, system=system, year=year)
    new = evaluation_result(user=user, system=system, year=year, overrides=overrides)
    return {
        "year": year,
        "before": {"score": base["score"], "rank": base["rank"]},
        "after": {"score": new["score"], "rank": new["rank"]},
        "zones": new["zones"],
        "changed": [r for r in new["indicators"] if r["overridden"]],
        "ranking": new["ranking"],
    }
