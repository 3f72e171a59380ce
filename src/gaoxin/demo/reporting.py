"""Monthly and annual reports of the demo enterprises from January 2016 to the month before as-of,
consistent with the classifications: the rules of enterprises.classification decide, year by year,
who is above scale, and the events they record echo the source documents (2020: 28 industrial
enterprises newly above scale, 34 tertiary ones; above-scale industrial output passing 1,000亿元)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gaoxin.enterprises import classification
from gaoxin.enterprises.indicators import check_values, due_date, own_values
from gaoxin.enterprises.models import ClassificationEvent, Enterprise, IntellectualProperty, Report
from gaoxin.enterprises.services.registry import CLASS_FIELDS, classify_year
from gaoxin.enterprises.services.reporting import report_forms_ensure

FIRST_YEAR = 2016
ALWAYS = 0  # above scale before the data begins
NEW_IN_2020 = {"industry": 28, "tertiary": 34}
# 亿元 of above-scale industrial output per year; the zone passes 1,000亿 in 2024.
OUTPUT_TARGET = {
    2016: 610,
    2017: 655,
    2018: 700,
    2019: 745,
    2020: 715,
    2021: 820,
    2022: 900,
    2023: 975,
    2024: 1040,
    2025: 1110,
    2026: 1170,
}
SEASON = [0.82, 0.70, 0.95, 1.0, 1.0, 1.02, 1.0, 1.0, 1.03, 1.05, 1.08, 1.2]
YI = Decimal(100_000_000)
C = Decimal("0.01")


def threshold(gbt_code: str) -> Decimal:
    """The revenue (yuan) at which the enterprise's sector counts it above scale."""
    for revenue in (Decimal(2_000_000), Decimal(5_000_000), Decimal(10_000_000), Decimal(20_000_000)):
        if classification.above_scale(gbt_code, revenue=revenue)[0]:
            return revenue
    return Decimal(20_000_000)


def _is_industry(e: Enterprise) -> bool:
    return e.gbt_code[:1] in "BCD"


def _entry_years(rng: random.Random, above: list[Enterprise], last_year: int) -> dict[int, int]:
    """When each currently above-scale enterprise crossed its threshold (ALWAYS = before 2016)."""
    entry: dict[int, int] = {}
    for group, count in (("industry", NEW_IN_2020["industry"]), ("tertiary", NEW_IN_2020["tertiary"])):
        pool = [e for e in above if _is_industry(e) == (group == "industry") and e.registered_on.year <= 2019]
        for e in rng.sample(pool, min(count, len(pool))):
            entry[e.id] = 2020
    years = [y for y in range(FIRST_YEAR, last_year + 1) if y != 2020]
    for e in above:
        if e.id in entry:
            continue
        if e.registered_on.year <= 2014 and (e.size in ("large", "medium") or rng.random() < 0.45):
            entry[e.id] = ALWAYS
        else:
            entry[e.id] = max(
                rng.choice(years), e.registered_on.year + 1 if e.registered_on.year >= FIRST_YEAR else 0
            )
            if entry[e.id] == 2020 or entry[e.id] > last_year:
                entry[e.id] = rng.choice(
                    [y for y in years if y >= min(e.registered_on.year + 1, last_year)] or [last_year]
                )
    return entry


def _employees(rng: random.Random, e: Enterprise) -> int:
    if _is_industry(e):
        lo, hi = {"large": (1000, 6000), "medium": (300, 990), "small": (20, 290), "micro": (5, 19)}[e.size]
    else:
        lo, hi = {"large": (300, 1500), "medium": (100, 290), "small": (10, 95), "micro": (3, 9)}[e.size]
    return rng.randrange(lo, hi + 1)


def _annual_revenue(
    rng: random.Random, e: Enterprise, entry: int | None, years: list[int], t: Decimal
) -> dict[int, Decimal]:
    """A revenue path that crosses the threshold exactly in the entry year (or never, or was always above)."""
    growth = [Decimal(str(round(rng.uniform(1.02, 1.16), 3))) for _ in years]
    if entry is None:
        level = t * Decimal(str(round(rng.uniform(0.08, 0.6), 3)))
        out = {}
        for y, g in zip(years, growth, strict=True):
            level = min(level * g, t * Decimal("0.9"))
            out[y] = level
        return out
    if entry == ALWAYS:
        base = {"large": rng.uniform(8, 60), "medium": rng.uniform(0.6, 4)}.get(
            e.size, rng.uniform(0.25, 0.8)
        )
        level = max(Decimal(str(round(base, 3))) * YI, t * Decimal("1.3"))
        out = {}
        for y, g in zip(years, growth, strict=True):
            level = max(level * g, t * Decimal("1.05"))
            out[y] = level
        return out
    out = {}
    level = t * Decimal(str(round(rng.uniform(1.1, 1.8), 3)))
    if e.size == "large":
        level = max(level, Decimal(str(round(rng.uniform(5, 12), 2))) * YI)
    for y, g in zip(years, growth, strict=True):
        if y >= entry:
            out[y] = level
            level = max(level * g, t * Decimal("1.05"))
    below = t * Decimal(str(round(rng.uniform(0.55, 0.9), 3)))
    for y in sorted((y for y in years if y < entry), reverse=True):
        out[y] = below
        below = below / Decimal(str(round(rng.uniform(1.05, 1.25), 3)))
    return out


def build_reports(rng: random.Random, enterprises: list[Enterprise], as_of: dt.date, log) -> None:
    forms = report_forms_ensure()
    last_month = as_of.replace(day=1) - dt.timedelta(days=1)
    years = list(range(FIRST_YEAR, last_month.year + 1))
    full_years = [y for y in years if y < last_month.year or last_month.month == 12]
    above = [e for e in enterprises if e.above_scale and e.status == Enterprise.Status.OPERATING]
    others = [e for e in enterprises if not e.above_scale]
    reporters = above + rng.sample(others, min(150, len(others)))
    reporters += [e for e in enterprises[:12] if e not in reporters]
    entry = _entry_years(rng, above, full_years[-1])

    thresholds = {e.id: threshold(e.gbt_code) for e in reporters}
    revenue = {}
    for e in reporters:
        active = [
            y for y in years if y >= min(max(e.registered_on.year, FIRST_YEAR), entry.get(e.id) or 9999)
        ]
        revenue[e.id] = _annual_revenue(rng, e, entry.get(e.id), active, thresholds[e.id])
    _scale_industrial_output(reporters, entry, revenue)

    dues = {}
    for y in years:
        for m in range(0, 13):
            if (y, m) <= (last_month.year, last_month.month) or m == 0:
                kind = "annual" if m == 0 else "monthly"
                dues[(y, m)] = due_date(kind=kind, year=y, month=m, workday=forms[kind].due_workday).deadline
    rows = []
    figures: dict[int, dict[int, tuple[Decimal, int]]] = {y: {} for y in years}
    tz = timezone.get_current_timezone()
    for e in reporters:
        staff = _employees(rng, e)
        industrial = _is_industry(e)
        ratios = {
            "profit": rng.uniform(-0.02, 0.12),
            "tax": rng.uniform(0.02, 0.06),
            "rd": rng.uniform(0.01, 0.05)
            if e.industry.code in ("auto", "equipment", "electronics", "materials", "tech-service", "bigdata")
            else 0.0,
            "export": rng.uniform(0.02, 0.2) if rng.random() < 0.3 else 0.0,
            "energy": rng.uniform(0.02, 0.25),
            "rd_staff": rng.uniform(0.05, 0.2),
        }
        previous_year: dict[int, dict] = {}
        for y, annual in sorted(revenue[e.id].items()):
            staff = max(3, int(staff * rng.uniform(0.96, 1.08)))
            weights = [w * rng.uniform(0.95, 1.05) for w in SEASON]
            total_w = sum(weights)
            cum = Decimal(0)
            prev_values = None
            prev_prev = None
            this_year = {}
            months = 12 if y < last_month.year else last_month.month
            for m in range(1, months + 1):
                cum += annual * Decimal(str(weights[m - 1] / total_w))
                if m == 12:
                    cum = annual
                values = _values(cum, staff, industrial, ratios)
                this_year[m] = values
                own = own_values(values, prev_values, m)
                prev_own = own_values(prev_values, prev_prev, m - 1) if prev_values and m > 1 else None
                _, anomalies = check_values(
                    fields=list(values),
                    required=[],
                    values=values,
                    previous=prev_values,
                    last_year=previous_year.get(m),
                    own=own,
                    previous_month_own=prev_own,
                )
                explanations = {k: _explain(k, y, entry.get(e.id)) for k in anomalies}
                state, submitted, late = _state(rng, e, y, m, last_month, dues[(y, m)], enterprises[:3])
                if state is None:
                    continue
                rows.append(
                    Report(
                        enterprise=e,
                        form=forms["monthly"],
                        year=y,
                        month=m,
                        state=state,
                        due_on=dues[(y, m)],
                        submitted_at=submitted and dt.datetime.combine(submitted, dt.time(10), tz),
                        accepted_at=dt.datetime.combine(submitted + dt.timedelta(days=2), dt.time(15), tz)
                        if state == Report.State.ACCEPTED
                        else None,
                        late=late,
                        explanations=explanations,
                        return_reason="利润总额与增值税申报数据差异较大，请核实"
                        if state == Report.State.RETURNED
                        else "",
                        **values,
                    )
                )
                prev_prev, prev_values = prev_values, values
            previous_year = this_year
            if months == 12:
                dec = this_year[12]
                figures[y][e.id] = (dec["revenue"], dec["employees"])
                if y < last_month.year or as_of >= dues[(y, 0)]:
                    rows.append(_annual(rng, e, forms["annual"], y, dec, dues[(y, 0)], tz))
    Report.objects.bulk_create(rows, batch_size=2000)
    events = _classify(reporters, entry, full_years, figures)
    _ip(rng, enterprises, years)
    new_2020 = [ev for ev in events if ev.year == 2020 and ev.kind == ClassificationEvent.Kind.ABOVE_SCALE_IN]
    industry_2020 = sum(ev.scale_kind == "industry" for ev in new_2020)
    log(
        f"企业报表 {len(rows)} 份（{len(reporters)} 家企业，{FIRST_YEAR}年1月至{last_month.year}年{last_month.month}月）；"
        f"2020年新增规上工业 {industry_2020} 家、规上（限上）服务业和批零住餐 {len(new_2020) - industry_2020} 家"
    )


def _values(cum: Decimal, staff: int, industrial: bool, r: dict) -> dict:
    revenue = cum.quantize(C)
    return {
        "output_value": (cum * Decimal("1.03")).quantize(C) if industrial else None,
        "revenue": revenue,
        "profit": (cum * Decimal(str(round(r["profit"], 4)))).quantize(C),
        "tax": (cum * Decimal(str(round(r["tax"], 4)))).quantize(C),
        "employees": staff,
        "rd_expense": (cum * Decimal(str(round(r["rd"], 4)))).quantize(C) if r["rd"] else None,
        "rd_staff": int(staff * r["rd_staff"]) if r["rd"] else None,
        "export_value": (cum * Decimal(str(round(r["export"], 4)))).quantize(C) if r["export"] else None,
        "energy": (cum / 10000 * Decimal(str(round(r["energy"], 4)))).quantize(C) if industrial else None,
    }


def _explain(name: str, year: int, entry: int | None) -> str:
    if entry == year:
        return "新产线投产，产能集中释放"
    return "季节性波动（春节前后生产安排）" if name in ("output_value", "revenue") else "按实际发生数填报"


def _state(rng, e, y, m, last_month, due, first):
    """Past periods are accepted; the latest month is still being collected."""
    if (y, m) != (last_month.year, last_month.month):
        late = rng.random() < 0.03
        return (
            Report.State.ACCEPTED,
            due + dt.timedelta(days=rng.randrange(1, 6))
            if late
            else due - dt.timedelta(days=rng.randrange(0, 6)),
            late,
        )
    if e in first:
        return None, None, False  # the demo's enterprise accounts fill this month in themselves
    r = rng.random()
    if r < 0.55:
        return Report.State.ACCEPTED, due - dt.timedelta(days=rng.randrange(0, 5)), False
    if r < 0.72:
        return Report.State.SUBMITTED, due - dt.timedelta(days=rng.randrange(0, 3)), False
    if r < 0.77:
        return Report.State.RETURNED, due - dt.timedelta(days=3), False
    if r < 0.85:
        return Report.State.DRAFT, None, False
    return None, None, False


def _annual(rng, e, form, y, dec, due, tz) -> Report:
    staff = dec["employees"]
    return Report(
        enterprise=e,
        form=form,
        year=y,
        month=0,
        state=Report.State.ACCEPTED,
        due_on=due,
        submitted_at=dt.datetime.combine(due - dt.timedelta(days=5), dt.time(10), tz),
        accepted_at=dt.datetime.combine(due - dt.timedelta(days=2), dt.time(15), tz),
        tech_contracts=(dec["revenue"] * Decimal(str(round(rng.uniform(0, 0.03), 4)))).quantize(C)
        if dec["rd_expense"]
        else None,
        rd_fte=Decimal(str(round((dec["rd_staff"] or 0) * rng.uniform(0.6, 0.9), 1)))
        if dec["rd_staff"]
        else None,
        bachelor_staff=int(staff * rng.uniform(0.1, 0.6)),
        **dec,
    )


def _scale_industrial_output(reporters, entry, revenue) -> None:
    """Scale the large industrial enterprises so zone above-scale industrial output follows OUTPUT_TARGET."""
    industrial = [e for e in reporters if _is_industry(e) and e.id in entry]
    for y, target in OUTPUT_TARGET.items():
        inside = [e for e in industrial if y in revenue[e.id] and (entry[e.id] == ALWAYS or entry[e.id] <= y)]
        large = [e for e in inside if e.size == "large" and entry[e.id] == ALWAYS]
        rest = sum(revenue[e.id][y] for e in inside if e not in large) * Decimal("1.03")
        big = sum(revenue[e.id][y] for e in large) * Decimal("1.03")
        if not big:
            continue
        factor = max(Decimal("0.3"), (Decimal(target) * YI - rest) / big)
        for e in large:
            revenue[e.id][y] *= factor


def _classify(reporters, entry, full_years, figures) -> list[ClassificationEvent]:
    """Apply the classification rules year by year from each enterprise's state before the data began."""
    for e in reporters:
        e.above_scale = entry.get(e.id) == ALWAYS
        e.scale_kind = ""
    events = []
    for y in full_years:
        _, found = classify_year(reporters, y, figures[y])
        events += found
    Enterprise.objects.bulk_update(reporters, CLASS_FIELDS, batch_size=500)
    ClassificationEvent.objects.bulk_create(events, batch_size=1000)
    return events


def _ip(rng, enterprises, years) -> None:
    rows = []
    tech = [
        e
        for e in enterprises
        if e.industry.code in ("auto", "equipment", "electronics", "materials", "tech-service", "bigdata")
    ]
    for e in rng.sample(tech, min(500, len(tech))):
        scale = {"large": 8, "medium": 4, "small": 2, "micro": 1}[e.size]
        for y in years[-6:]:
            applied = rng.randrange(0, 4 * scale)
            rows.append(
                IntellectualProperty(
                    enterprise=e,
                    year=y,
                    invention_applied=applied,
                    invention_granted=rng.randrange(0, applied + 1) // 2,
                    utility_applied=rng.randrange(0, 6 * scale),
                    utility_granted=rng.randrange(0, 5 * scale),
                    design_applied=rng.randrange(0, 2 * scale),
                    design_granted=rng.randrange(0, 2 * scale),
                    trademarks=rng.randrange(0, 3),
                    software_copyrights=rng.randrange(
                        0, 5 * scale if e.industry.code in ("bigdata", "tech-service") else 2
                    ),
                )
            )
    IntellectualProperty.objects.bulk_create(rows, batch_size=2000)
