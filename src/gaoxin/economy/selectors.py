"""Reads of the economy pillar: the indicator catalogue, snapshots, and a year's review figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from gaoxin.accounts.permissions import can_read_zone_totals
from gaoxin.core import clock
from gaoxin.core.errors import DomainError, NotFound, PermissionDenied

from .models import EvaluationSystem, Indicator, IndicatorEntry, Snapshot
from .services.catalogue import indicator_value


def can_view_economy(user) -> bool:
    """The zone's figures: leaders, the statistics office and administrators."""
    return can_read_zone_totals(user)


def _require(user) -> None:
    if not can_view_economy(user):
        raise NotFound("未找到该页面")


def indicator_list(*, user) -> QuerySet[Indicator]:
    _require(user)
    return Indicator.objects.filter(current=True).prefetch_related("targets").order_by("code")


def snapshot_list(*, user, code: str = "") -> QuerySet[Snapshot]:
    _require(user)
    qs = Snapshot.objects.select_related("indicator").order_by("indicator__code", "year", "month", "revision")
    return qs.filter(indicator__code=code) if code else qs


def display(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,f}" if abs(value) >= 10000 else f"{value:f}"
    return f"{text}{unit}"


def _published(indicators, years) -> dict[tuple[int, int], Snapshot]:
    """The latest yearly snapshot of each (indicator, year), read in one query."""
    latest: dict[tuple[int, int], Snapshot] = {}
    qs = Snapshot.objects.filter(indicator__in=indicators, year__in=list(years), month=0).order_by("revision")
    for snap in qs:
        latest[(snap.indicator_id, snap.year)] = snap
    return latest


def year_figure(
    ind: Indicator, *, user, year: int, published: dict, cache: dict
) -> tuple[Decimal | None, dt.date]:
    """An indicator's figure for a year, by the one rule the review and the cockpit share: its latest
    yearly snapshot when one was taken (with that snapshot's as-of date), otherwise computed now from
    the records. Raises DomainError when the user may not see the figure's source."""
    snap = published.get((ind.pk, year))
    if snap is not None:
        value = snap.value
        return (None if value is None else value.quantize(Decimal(1).scaleb(-ind.decimals))), snap.as_of
    return indicator_value(ind, user=user, period=(year, None), cache=cache)["value"], clock.today()


def review_figures(*, user, year: int) -> dict:
    """One figure per current yearly-or-monthly indicator for the year (`year_figure`). A figure the
    user may not see (e.g. policy funds without the right) is left out."""
    _require(user)
    cache: dict = {}
    indicators = list(Indicator.objects.filter(current=True).order_by("code"))
    published = _published(indicators, [year])
    figures = []
    for ind in indicators:
        try:
            value, as_of = year_figure(ind, user=user, year=year, published=published, cache=cache)
        except DomainError:
            continue
        figures.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "value": value,
                "unit": ind.unit,
                "display": display(value, ind.unit),
                "as_of": as_of,
            }
        )
    return {"year": year, "figures": figures}


def cockpit(*, user, year: int, years: int = 5) -> dict:
    """The leaders' cockpit: each current indicator's value for the year against its target, rated by
    its thresholds, and its values over the last `years` years for the trend chart — each year's
    figure the same as that year's review prints (`year_figure`)."""
    from .services.catalogue import rating

    _require(user)
    cache: dict = {}
    rows = []
    span = list(range(year - years + 1, year + 1))
    indicators = list(Indicator.objects.filter(current=True).prefetch_related("targets").order_by("code"))
    published = _published(indicators, span)
    for ind in indicators:
        try:
            trend = [year_figure(ind, user=user, year=y, published=published, cache=cache)[0] for y in span]
        except DomainError:
            continue
        value = trend[-1]
        target = next((t.value for t in ind.targets.all() if t.year == year), None)
        done = (value * 100 / target).quantize(Decimal("0.1")) if value is not None and target else None
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": ind.unit,
                "value": value,
                "display": display(value, ind.unit),
                "target": target,
                "completion": done,
                "rating": rating(ind, value, target),
                "trend": [None if v is None else float(v) for v in trend],
            }
        )
    return {"year": year, "years": span, "rows": rows}


def narrative_list(*, user, year: int) -> list[dict]:
    """The year's review paragraphs, one per section, written or not (revision 0 when not yet written)."""
    from .models import ReviewNarrative, ReviewSection

    _require(user)
    held = {n.section: n for n in ReviewNarrative.objects.filter(year=year).select_related("updated_by")}
    out = []
    for key, title in ReviewSection.choices:
        n = held.get(key)
        out.append(
            {
                "section": key,
                "title": str(title),
                "text": n.text if n else "",
                "revision": n.revision if n else 0,
                "updated_at": n.updated_at if n else None,
                "updated_by": (n.updated_by.get_full_name() or n.updated_by.username)
                if n and n.updated_by
                else "",
            }
        )
    return out


def edition_list(*, user, year: int):
    """The reviews generated for a year (yearly, and the ten years ending in it), newest first."""
    from .models import ReviewEdition

    _require(user)
    return ReviewEdition.objects.filter(year=year).defer("docx", "pdf").order_by("-created_at", "-id")


def edition_latest(*, user, kind: str, year: int):
    from .models import ReviewEdition

    _require(user)
    edition = ReviewEdition.objects.filter(kind=kind, year=year).order_by("-created_at", "-id").first()
    if edition is None:
        raise NotFound("该报告尚未生成：请先生成报告，完成后再下载")
    return edition


def review_run(*, user, year: int, run_id: int):
    """A generation run of one of the year's reviews (never another object's run under this page)."""
    from gaoxin.core.selectors import task_run_list

    _require(user)
    subjects = [f"review:{kind}:{year}" for kind in ("yearly", "decade")]
    run = task_run_list(user=user).filter(pk=run_id, subject__in=subjects).first()
    if run is None:
        raise NotFound("未找到该任务，或您无权查看")
    return run


def _require_evaluation(user) -> None:
    if not can_view_economy(user):
        raise PermissionDenied("只有管委会领导和统计部门可以查看综合评价")


def evaluation_get(*, user, year: int, system: str = "") -> dict:
    """The national evaluation of the year: score, rank, the indicators pulling it down (see
    services.evaluation for the method)."""
    from .services import evaluation

    _require_evaluation(user)
    return evaluation.evaluation_result(user=user, system=evaluation.system_get(system), year=year)


def evaluation_default_year(*, user) -> int:
    """The latest year with peer values, or last year."""
    from .services import evaluation

    _require_evaluation(user)
    try:
        years = evaluation.evaluation_years(evaluation.system_get())
    except NotFound:
        years = []
    return years[0] if years else clock.today().year - 1


def evaluation_what_if(*, user, year: int, values: dict[str, Decimal], system: str = "") -> dict:
    from .services import evaluation

    _require_evaluation(user)
    return evaluation.what_if(user=user, system=evaluation.system_get(system), year=year, overrides=values)


def evaluation_systems(*, user) -> list[EvaluationSystem]:
    _require_evaluation(user)
    return list(EvaluationSystem.objects.prefetch_related("indicators"))


def business_environment(*, user, year: int, month: int = 0) -> list[dict]:
    """The 13 营商环境 tasks for a period: each task's indicators of the catalogue with their value
    (computed from government-services cases, or as entered with its source)."""
    from .business import TASKS
    from .services.business import task_indicators

    _require(user)
    cache: dict = {}
    current = {i.code: i for i in Indicator.objects.filter(current=True, code__startswith="YS")}
    entries = {
        e.indicator_code: e
        for e in IndicatorEntry.objects.filter(year=year, month=month, indicator_code__startswith="YS")
    }
    out = []
    for task in TASKS:
        figures = []
        for code, _ in task_indicators(task):
            ind = current.get(code)
            if ind is None:
                continue
            try:
                computed = indicator_value(ind, user=user, period=(year, month or None), cache=cache)
            except DomainError:
                continue
            entry = entries.get(code)
            figures.append(
                {
                    "code": code,
                    "name": ind.name,
                    "unit": ind.unit,
                    "value": computed["value"],
                    "display": display(computed["value"], ind.unit),
                    "inputs": computed["inputs"],
                    "entered": ind.source == "entered",
                    "source": entry.source_note if entry is not None else "",
                }
            )
        out.append(
            {
                "code": task.code,
                "name": task.name,
                "fed": task.fed,
                "department": task.department,
                "figures": figures,
            }
        )
    return out


def indicator_breakdown(*, user, code: str, year: int, by: str) -> dict:
    """The drill-down of an indicator's figure for a year: the dimensions its source can be split by,
    and (for `by`) the groups behind the figure, in the indicator's unit."""
    from decimal import ROUND_HALF_UP
    from decimal import Decimal as D

    from .sources import DIMENSIONS, breakdown

    _require(user)
    indicator = Indicator.objects.filter(current=True, code=code).first()
    if indicator is None:
        raise NotFound("未找到该指标")
    pillar = indicator.source.split(".", 1)[0]
    dims = {k: str(v) for k, v in DIMENSIONS.get(pillar, {}).items()}
    by = by if by in dims else next(iter(dims), "")
    rows = []
    if by and not indicator.denominator:  # a ratio of two figures is not split: its parts are
        q = D(1).scaleb(-indicator.decimals)
        for r in breakdown(indicator.source, user=user, period=(year, None), by=by):
            value = r["value"]
            shown = None if value is None else (value / indicator.scale).quantize(q, ROUND_HALF_UP)
            rows.append({"name": r["name"], "value": shown})
    return {"indicator": indicator, "year": year, "by": by, "dimensions": dims, "rows": rows}
