"""The yearly review and the ten-year review: what they say, computed from the indicators' values (the
same figures as `GET /api/v1/economy/reviews/{year}`), the office's narrative kept per year, and the
generation task that writes both documents (`reviewdocs`) and keeps them as an edition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import TaskRun
from gaoxin.core.tasks import Progress, tracked_task

from ..models import Indicator, ReviewEdition, ReviewNarrative, ReviewSection
from ..selectors import can_view_economy, display, review_figures
from ..sources import SOURCES, review_section
from .catalogue import can_edit_catalogue

NARRATIVE_MAX = 5000
DECADE = 10
Step = Callable[[str], None]


# ---- what the reviews say ------------------------------------------------------------------------


def change_text(value: Decimal | None, previous: Decimal | None, unit: str) -> str:
    """同比 written out: a growth in % of last year's value, or, for a figure in %, the change in points."""
    if value is None or previous is None:
        return "上年无可比数据"
    if unit == "%":
        points = (Decimal(value) - Decimal(previous)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if points > 0:
            return f"同比提高 {points:f} 个百分点"
        if points < 0:
            return f"同比降低 {-points:f} 个百分点"
        return "与上年持平"
    if not previous:
        return "上年为零，无同比"
    pct = growth(value, previous)
    assert pct is not None
    if pct > 0:
        return f"同比增长 {pct:f}%"
    if pct < 0:
        return f"同比下降 {-pct:f}%"
    return "与上年持平"


def growth(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if value is None or not previous:
        return None
    return ((Decimal(value) - Decimal(previous)) * 100 / abs(Decimal(previous))).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )


def definition(ind: Indicator) -> str:
    """An indicator's definition as the appendix prints it."""
    formula = str(SOURCES[ind.source][0])
    if ind.denominator:
        formula += f" ÷ {SOURCES[ind.denominator][0]} × 100"
    return (
        f"{ind.code} {ind.name}（{ind.unit}）：{formula}；换算除数 {ind.scale.normalize():f}；"
        f"责任部门 {ind.department or '—'}；第 {ind.version} 版"
    )


def _definitions(codes: list[str]) -> list[str]:
    defs = {i.code: i for i in Indicator.objects.filter(current=True, code__in=codes)}
    return [definition(defs[c]) for c in codes if c in defs]


def yearly_review(*, user, year: int, step: Step | None = None) -> dict:
    """The yearly review: an introduction and the four lines, each with the office's narrative and the
    section's figures (value, 同比 against last year, footnote number → indicator and as-of date), and
    the appendix of definitions."""
    step = step or (lambda _m: None)
    figures = review_figures(user=user, year=year)["figures"]
    step(f"已计算 {year} 年 {len(figures)} 项指标")
    before = {f["indicator"]: f["value"] for f in review_figures(user=user, year=year - 1)["figures"]}
    step(f"已计算 {year - 1} 年指标（同比）")
    sources = dict(Indicator.objects.filter(current=True).values_list("code", "source"))
    texts = dict(ReviewNarrative.objects.filter(year=year).values_list("section", "text"))
    sections = []
    note = 0
    for key, title in ReviewSection.choices:
        rows = []
        if key != ReviewSection.INTRO:
            for f in figures:
                if review_section(sources.get(f["indicator"], "")) != key:
                    continue
                note += 1
                previous = before.get(f["indicator"])
                rows.append(
                    {
                        **f,
                        "previous": previous,
                        "previous_display": display(previous, f["unit"]),
                        "change": change_text(f["value"], previous, f["unit"]),
                        "growth": None if f["unit"] == "%" else growth(f["value"], previous),
                        "note": note,
                    }
                )
        sections.append({"key": key, "title": str(title), "narrative": texts.get(key, ""), "figures": rows})
    return {
        "kind": ReviewEdition.Kind.YEARLY,
        "year": year,
        "title": f"高新区{year}年经济运行年度报告",
        "sections": sections,
        "figures": figures,
        "definitions": _definitions([f["indicator"] for f in figures]),
    }


MILESTONES = [Decimal(m) * Decimal(10) ** k for k in range(-1, 7) for m in (1, 2, 5)]


def milestone(values: list[tuple[int, Decimal | None]]) -> tuple[int, Decimal] | None:
    """The largest round figure (1, 2 or 5 × 10ⁿ) a series first reached within the years shown: the
    year it crossed and the figure, or None when it crossed none (or started above them all)."""
    best = None
    for mark in MILESTONES:
        for (_y0, v0), (y1, v1) in zip(values, values[1:], strict=False):
            if v0 is not None and v1 is not None and v0 < mark <= v1:
                best = (y1, mark)
                break
    return best


def decade_review(*, user, year: int, step: Step | None = None) -> dict:
    """The ten years ending in `year`: each indicator's value per year (the same definition and the same
    snapshots as each year's review), its average yearly growth, and the year it crossed a round figure."""
    step = step or (lambda _m: None)
    years = list(range(year - DECADE + 1, year + 1))
    per_year: dict[int, dict[str, dict]] = {}
    for y in years:
        per_year[y] = {f["indicator"]: f for f in review_figures(user=user, year=y)["figures"]}
        step(f"已计算 {y} 年指标")
    last = per_year[year]
    series = []
    for code, f in last.items():
        values = [(y, per_year[y].get(code, {}).get("value")) for y in years]
        known = [(y, v) for y, v in values if v is not None]
        cagr = None
        if len(known) >= 2 and known[0][1] > 0 and known[-1][1] > 0 and f["unit"] != "%":
            span = known[-1][0] - known[0][0]
            ratio = float(known[-1][1] / known[0][1]) ** (1 / span) - 1
            cagr = Decimal(ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        crossed = milestone(values)
        series.append(
            {
                "indicator": code,
                "name": f["name"],
                "unit": f["unit"],
                "values": [v for _y, v in values],
                "displays": [display(v, "") for _y, v in values],  # the unit is in the row's label
                "as_of": f["as_of"],
                "cagr": cagr,
                "milestone": (
                    None
                    if crossed is None
                    else f"{crossed[0]} 年{f['name']}首次突破 {display(crossed[1].normalize(), f['unit'])}"
                ),
            }
        )
    return {
        "kind": ReviewEdition.Kind.DECADE,
        "year": year,
        "years": years,
        "title": f"高新区{years[0]}—{year}年经济运行十年回顾",
        "series": series,
        "figures": list(last.values()),
        "definitions": _definitions(list(last)),
    }


def review_content(*, user, kind: str, year: int, step: Step | None = None) -> dict:
    if kind == ReviewEdition.Kind.DECADE:
        return decade_review(user=user, year=year, step=step)
    return yearly_review(user=user, year=year, step=step)


def review_document(*, user, kind: str, year: int, fmt: str) -> bytes:
    """One review written now, as "docx" or "pdf" (the generation task keeps both as an edition)."""
    from . import reviewdocs

    content = review_content(user=user, kind=kind, year=year)
    writer = reviewdocs.write_pdf if fmt == "pdf" else reviewdocs.write_docx
    return writer(content, reviewdocs.charts(content))


# ---- the office's narrative ----------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度须在 2000 至 2100 之间", fields={"year": "年度须在 2000 至 2100 之间"})


@transaction.atomic
def narrative_save(
    *, actor, year: int, section: str, text: str, revision: int | None = None
) -> ReviewNarrative:
    """Keep one paragraph of a year's review. `revision` is the one the editor started from (0 for a
    paragraph not yet written): when someone saved in between, the edit is refused with 409."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以编辑年度报告文字")
    _check_year(year)
    if section not in ReviewSection.values:
        raise ValidationFailed("未知的报告篇章", fields={"section": "未知的报告篇章"})
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > NARRATIVE_MAX:
        raise ValidationFailed(
            f"正文不能超过 {NARRATIVE_MAX} 字", fields={"text": f"正文不能超过 {NARRATIVE_MAX} 字"}
        )
    held = ReviewNarrative.objects.select_for_update().filter(year=year, section=section).first()
    stale = Conflict("这段文字已被他人修改，请刷新后在最新版本上修改")
    if held is None:
        if revision:
            raise stale
        try:
            with transaction.atomic():
                held = ReviewNarrative.objects.create(
                    year=year, section=section, text=text, updated_by=actor, updated_at=clock.now()
                )
        except IntegrityError:
            raise stale from None
    else:
        if revision is not None and revision != held.revision:
            raise stale
        held.text, held.revision = text, held.revision + 1
        held.updated_by, held.updated_at = actor, clock.now()
        held.save(update_fields=["text", "revision", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="review_narrative",
        obj=held,
        summary={"year": year, "section": section, "revision": held.revision, "length": len(text)},
    )
    return held


# ---- generation as a task ------------------------------------------------------------------------


def edition_subject(kind: str, year: int) -> str:
    return f"review:{kind}:{year}"


@tracked_task("生成经济运行报告")
def review_generate(run: Progress, kind: str, year: int, actor_id: int) -> dict:
    """Compute the review, draw its charts, write the DOCX and the PDF, keep them as an edition."""
    from gaoxin.accounts.models import User

    from . import reviewdocs

    actor = User.objects.get(pk=actor_id)
    total = (DECADE if kind == ReviewEdition.Kind.DECADE else 2) + 3
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        run.update(done, total, message)

    run.update(0, total, "开始计算指标")
    content = review_content(user=actor, kind=kind, year=year, step=step)
    charts = reviewdocs.charts(content)
    step(f"已绘制 {len(charts)} 张图表")
    docx = reviewdocs.write_docx(content, charts)
    step("已生成 DOCX")
    pdf = reviewdocs.write_pdf(content, charts)
    step("已生成 PDF")
    with transaction.atomic():
        edition = ReviewEdition.objects.create(
            kind=kind,
            year=year,
            docx=docx,
            pdf=pdf,
            figures=[_json(f) for f in content["figures"]],
            run_id=run.run_id,
            created_by=actor,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="review_generate",
            obj=edition,
            summary={"kind": kind, "year": year, "figures": len(content["figures"])},
        )
    return {"报告": content["title"], "指标数": len(content["figures"]), "图表": len(charts)}


def _json(f: dict) -> dict:
    return {
        **f,
        "value": None if f["value"] is None else str(f["value"]),
        "as_of": f["as_of"].isoformat() if isinstance(f["as_of"], dt.date) else f["as_of"],
    }


def review_generate_start(*, actor, kind: str, year: int) -> TaskRun:
    """Queue the generation of a review; refused while the same review is still being generated."""
    if not can_view_economy(actor):
        raise PermissionDenied("只有领导和统计部门可以生成报告")
    if kind not in ReviewEdition.Kind.values:
        raise ValidationFailed("报告类型须为年度报告或十年回顾", fields={"kind": "未知的报告类型"})
    _check_year(year)
    subject = edition_subject(kind, year)
    with transaction.atomic():
        # one generation per review at a time: concurrent starts queue on the catalogue's first row
        Indicator.objects.select_for_update().filter(current=True).order_by("pk").first()
        busy = TaskRun.objects.filter(
            subject=subject, status__in=[TaskRun.Status.QUEUED, TaskRun.Status.RUNNING]
        ).exists()
        if busy:
            raise Conflict("该报告正在生成，请等待完成后再重新生成")
        return review_generate.start(user=actor, subject=subject, kind=kind, year=year, actor_id=actor.pk)
