"""KPIs of investment promotion as of any date, computed from the timeline, and 履约 (commitments against
what happened: the project's stages, funds arrived, and the enterprise's reported data).

A move counts from the day it was counted (`StageEvent.counted_on`: at once for moves before 签约, on the
bureau's review for 签约 and after) and is dated by its business date (`on`). So the figures "as of" a past
day are those the bureau had on that day, and changing a record changes them."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import clock
from gaoxin.enterprises.selectors import annual_figures

from ..models import Carrier, Commitment, FundArrival, KpiTarget, Project, StageEvent
from .pipeline import RANK

S = Project.Stage
YI = Decimal("10000")  # 1 亿元 = 10000 万元
# Size bands of signed projects (万元, lower bounds, largest first); a page may pass its own.
DEFAULT_BANDS = (Decimal("100000"), YI)
DIMENSIONS = {
    "chain": gettext_lazy("产业链"),
    "officer": gettext_lazy("招商专员"),
    "department": gettext_lazy("责任部门"),
    "month": gettext_lazy("月份"),
    "sector": gettext_lazy("领域"),
}
TARGET_METRICS = {
    "signed": gettext_lazy("签约项目数"),
    "amount": gettext_lazy("签约金额（万元）"),
    "arrived": gettext_lazy("到位资金（万元）"),
}


def band_label(lower: Decimal) -> str:
    return _("≥%(n)s亿") % {"n": f"{lower / YI:g}"} if lower >= YI else _("≥%(n)s万") % {"n": f"{lower:g}"}


def parse_bands(text: str) -> tuple[Decimal, ...]:
    """'10000,100000' (万元) → (100000, 10000); an unreadable list gives the default bands."""
    out = []
    for part in (text or "").split(","):
        try:
            value = Decimal(part.strip())
        except ArithmeticError:
            return DEFAULT_BANDS
        if not value.is_finite() or value <= 0 or value > Decimal("1e12"):
            return DEFAULT_BANDS
        out.append(value)
    return tuple(sorted(set(out), reverse=True)[:6]) or DEFAULT_BANDS


def _counted(as_of: dt.date) -> Q:
    return Q(withdrawn=False, counted_on__isnull=False, counted_on__lte=as_of, on__lte=as_of)


def reached(project_ids, stage: str, as_of: dt.date) -> dict[int, dt.date]:
    """project id → the business date it reached `stage` (by as_of), for those that had."""
    out: dict[int, dt.date] = {}
    rows = StageEvent.objects.filter(_counted(as_of), project_id__in=project_ids, to_stage=stage).exclude(
        action__in=("review_ok", "review_back", "resume")
    )
    for pid, on in rows.values_list("project_id", "on"):
        if pid not in out or on < out[pid]:
            out[pid] = on
    return out


def _arrived(project_ids, as_of: dt.date) -> dict[int, Decimal]:
    rows = (
        FundArrival.objects.filter(project_id__in=project_ids, on__lte=as_of)
        .values("project_id")
        .annotate(t=Sum("amount"))
    )
    return {r["project_id"]: r["t"] for r in rows}


def _areas(project_ids) -> dict[int, Decimal]:
    rows = (
        Carrier.objects.filter(project_id__in=project_ids, area_mu__isnull=False)
        .values("project_id")
        .annotate(t=Sum("area_mu"))
    )
    return {r["project_id"]: r["t"] for r in rows}


@dataclass
class Check:
    met: bool | None  # None: not due yet, or no data to judge
    warning: str = ""
    actual: str = ""


def check_commitments(
    projects: list[Project], as_of: dt.date, *, known: dict | None = None
) -> dict[int, list[tuple[Commitment, Check]]]:
    """Each project's commitments, each judged as of `as_of` (met / broken with its warning / not due).
    `known` may hand over the started / producing / arrived maps a caller already computed."""
    ids = [p.pk for p in projects]
    commitments = list(
        Commitment.objects.filter(project_id__in=ids)
        .only("id", "project_id", "kind", "value", "due_on")
        .order_by("due_on", "id")
    )
    known = known or {}
    started = known["started"] if "started" in known else reached(ids, S.STARTED, as_of)
    producing = known["producing"] if "producing" in known else reached(ids, S.PRODUCING, as_of)
    arrived = known["arrived"] if "arrived" in known else _arrived(ids, as_of)
    areas = _areas(ids)
    by_id = {p.pk: p for p in projects}
    years = {
        c.due_on.year for c in commitments if c.kind in (Commitment.Kind.TAX_PER_MU, Commitment.Kind.JOBS)
    }
    usccs = {p.uscc for p in projects if p.uscc}
    figures = {y: annual_figures(usccs=usccs, year=y) for y in years} if usccs else {}
    out: dict[int, list[tuple[Commitment, Check]]] = defaultdict(list)
    for c in commitments:
        p = by_id[c.project_id]
        out[c.project_id].append((c, _check(c, p, as_of, started, producing, arrived, areas, figures)))
    return out


def _check(c, p, as_of, started, producing, arrived, areas, figures) -> Check:
    K = Commitment.Kind
    if p.stage == S.TERMINATED:
        return Check(None, actual=_("项目已终止"))
    if c.kind == K.START_BY:
        on = started.get(p.pk)
        if on is not None:
            return Check(
                on <= c.due_on, "" if on <= c.due_on else _("逾期开工"), _("%(date)s 开工") % {"date": on}
            )
        return Check(False, _("超期未开工")) if as_of > c.due_on else Check(None)
    if c.kind == K.PRODUCE_BY:
        on = producing.get(p.pk)
        if on is not None:
            return Check(
                on <= c.due_on, "" if on <= c.due_on else _("逾期投产"), _("%(date)s 投产") % {"date": on}
            )
        return Check(False, _("未按期投产")) if as_of > c.due_on else Check(None)
    if as_of < c.due_on:
        return Check(None)
    money = arrived.get(p.pk, Decimal(0))
    if c.kind == K.INVESTMENT:
        return Check(
            money >= c.value,
            "" if money >= c.value else _("投资未按期到位"),
            _("到位 %(amount)s 万元") % {"amount": money},
        )
    area = areas.get(p.pk)
    if c.kind == K.INTENSITY:
        if not area:
            return Check(None, actual=_("未落实用地面积"))
        intensity = (money / area).quantize(Decimal("0.01"))
        ok = intensity >= c.value
        return Check(ok, "" if ok else _("投资强度不达标"), _("%(value)s 万元/亩") % {"value": intensity})
    fig = figures.get(c.due_on.year, {}).get(p.uscc) if p.uscc else None
    if fig is None:
        return Check(None, actual=_("暂无报送数据"))
    if c.kind == K.TAX_PER_MU:
        if not area or fig["tax"] is None:
            return Check(None, actual=_("暂无用地面积或税收数据"))
        per_mu = (fig["tax"] / Decimal(10000) / area).quantize(Decimal("0.01"))
        ok = per_mu >= c.value
        return Check(
            ok,
            "" if ok else _("亩均税收不达标"),
            _("%(value)s 万元/亩（%(year)s年1–%(months)s月）")
            % {"value": per_mu, "year": c.due_on.year, "months": fig["months"]},
        )
    jobs = fig["employees"]
    if jobs is None:
        return Check(None, actual=_("暂无从业人数"))
    ok = jobs >= c.value
    return Check(ok, "" if ok else _("就业人数不达标"), _("%(n)s 人") % {"n": jobs})


def warnings(projects, as_of: dt.date | None = None) -> list[dict]:
    """履约预警 of the given projects (a visible_to queryset): every broken commitment, worst first."""
    as_of = as_of or clock.today()
    projects = list(projects.filter(commitments__isnull=False).distinct())
    rows = []
    for pid, checks in check_commitments(projects, as_of).items():
        project = next(p for p in projects if p.pk == pid)
        for c, check in checks:
            if check.met is False and check.warning:
                rows.append(
                    {
                        "project": project,
                        "warning": check.warning,
                        "commitment": c,
                        "actual": check.actual,
                        "overdue_days": (as_of - c.due_on).days,
                    }
                )
    rows.sort(key=lambda r: -r["overdue_days"])
    return rows


def _rate(part, whole) -> float | None:
    if not whole:
        return None
    return round(float(Decimal(part) / Decimal(whole)) * 100, 1)


def _group_key(by: str, p: dict, on: dt.date) -> str:
    if by == "chain":
        return p["link__chain__name"] or _("未归链")
    if by == "officer":
        return p["officer__full_name"] or p["officer__username"]
    if by == "department":
        return p["department__name"] or _("未指定")
    if by == "month":
        return f"{on:%Y-%m}"
    if by == "sector":
        return p["sector"] or _("未分类")
    return _("全区")


FAST_KINDS = (Commitment.Kind.START_BY, Commitment.Kind.PRODUCE_BY, Commitment.Kind.INVESTMENT)


def _kept(ids, as_of, started, producing, arrived) -> dict[int, tuple[int, int]]:
    """project id → (commitments kept, commitments judged) as of `as_of`. The date and money kinds are
    judged here from the maps the KPIs already hold (as `_check` judges them); a project with other
    kinds (intensity, 亩均税收, jobs) has those judged by `check_commitments`."""
    if not ids:
        return {}
    terminated = set(Project.objects.filter(pk__in=ids, stage=S.TERMINATED).values_list("id", flat=True))
    met: dict[int, int] = defaultdict(int)
    judged: dict[int, int] = defaultdict(int)
    others: set[int] = set()
    K = Commitment.Kind
    for pid, kind, value, due in Commitment.objects.filter(project_id__in=ids).values_list(
        "project_id", "kind", "value", "due_on"
    ):
        if pid in terminated:
            continue
        if kind in (K.START_BY, K.PRODUCE_BY):
            on = (started if kind == K.START_BY else producing).get(pid)
            ok = (on <= due) if on is not None else (False if as_of > due else None)
        elif kind == K.INVESTMENT:
            ok = None if as_of < due else arrived.get(pid, Decimal(0)) >= value
        else:
            others.add(pid)
            continue
        if ok is not None:
            judged[pid] += 1
            met[pid] += ok
    if others:
        plist = list(Project.objects.filter(pk__in=others).only("id", "stage", "uscc"))
        known = {"started": started, "producing": producing, "arrived": arrived}
        for pid, checks in check_commitments(plist, as_of, known=known).items():
            for c, ch in checks:
                if c.kind not in FAST_KINDS and ch.met is not None:
                    judged[pid] += 1
                    met[pid] += bool(ch.met)
    return {pid: (met[pid], judged[pid]) for pid in judged}


def kpis(projects, *, year: int, as_of: dt.date | None = None, by: str = "", bands=DEFAULT_BANDS) -> dict:
    """The KPIs of projects signed in `year`, as the records stood on `as_of` (default: today), in
    total and by a dimension (chain, officer, department, month, sector)."""
    as_of = as_of or clock.today()
    signs: dict[int, dt.date] = {}
    sign_events = StageEvent.objects.filter(
        _counted(as_of), action="sign", on__gte=dt.date(year, 1, 1), on__lte=dt.date(year, 12, 31)
    )
    if projects.query.is_empty():
        sign_events = sign_events.none()
    elif projects.query.where:  # a scoped set; the whole table needs no subquery
        sign_events = sign_events.filter(project__in=projects)
    for pid, on in sign_events.order_by("on").values_list("project_id", "on"):
        signs.setdefault(pid, on)
    ids = list(signs)
    info = {
        p["id"]: p
        for p in Project.objects.filter(pk__in=ids).values(
            "id",
            "signed_amount",
            "sector",
            "link__chain__name",
            "officer__full_name",
            "officer__username",
            "department__name",
        )
    }
    started = reached(ids, S.STARTED, as_of)
    producing = reached(ids, S.PRODUCING, as_of)
    arrived = _arrived(ids, as_of)
    kept = _kept(ids, as_of, started, producing, arrived)
    groups: dict[str, dict] = {}

    def add(key: str, pid: int):
        g = groups.setdefault(
            key,
            {
                "name": key,
                "signed": 0,
                "amount": Decimal(0),
                "over_yi": 0,
                "started": 0,
                "producing": 0,
                "arrived": Decimal(0),
                "commitments_due": 0,
                "commitments_met": 0,
                "bands": {band_label(b): 0 for b in bands},
            },
        )
        amount = info[pid]["signed_amount"] or Decimal(0)
        g["signed"] += 1
        g["amount"] += amount
        g["over_yi"] += amount >= YI
        g["started"] += pid in started
        g["producing"] += pid in producing
        g["arrived"] += arrived.get(pid, Decimal(0))
        m, d = kept.get(pid, (0, 0))
        g["commitments_met"] += m
        g["commitments_due"] += d
        for b in bands:
            if amount >= b:
                g["bands"][band_label(b)] += 1
                break

    for pid in signs:
        add("全区", pid)
    total = groups.pop("全区", None)
    if by in DIMENSIONS:
        for pid, on in signs.items():
            add(_group_key(by, info[pid], on), pid)
    rows = (
        sorted(groups.values(), key=lambda g: (-g["signed"], g["name"]))
        if by != "month"
        else sorted(groups.values(), key=lambda g: g["name"])
    )
    for g in [*rows, *([total] if total else [])]:
        g["start_rate"] = _rate(g["started"], g["signed"])
        g["produce_rate"] = _rate(g["producing"], g["signed"])
        g["arrival_rate"] = _rate(g["arrived"], g["amount"])
        g["keep_rate"] = _rate(g["commitments_met"], g["commitments_due"])
    targets = {t.metric: t.value for t in KpiTarget.objects.filter(year=year)}
    progress = []
    for metric, label in TARGET_METRICS.items():
        if metric in targets:
            actual = total[metric] if total else 0
            progress.append(
                {
                    "metric": metric,
                    "label": label,
                    "target": targets[metric],
                    "actual": actual,
                    "rate": _rate(actual, targets[metric]),
                }
            )
    return {
        "year": year,
        "as_of": as_of,
        "by": by,
        "bands": [band_label(b) for b in bands],
        "total": total,
        "rows": rows if by in DIMENSIONS else [],
        "targets": progress,
    }


def trip_figures(*, year: int, as_of: dt.date | None = None) -> dict:
    """出行招商 of a year: trips made and companies visited by `as_of`, and the leads they produced."""
    from ..models import Trip, Visit

    as_of = as_of or clock.today()
    trips = Trip.objects.filter(start_on__year=year, start_on__lte=as_of)
    visits = Visit.objects.filter(on__year=year, on__lte=as_of)
    return {
        "trips": trips.count(),
        "companies": visits.values("company").distinct().count(),
        "visits": visits.count(),
        "leads": Project.objects.filter(visit__in=visits, created_on__lte=as_of).count(),
    }


def kpi_workbook(result: dict, *, masked: bool) -> bytes:
    """The KPI table as Excel (every cell through core.spreadsheets); `masked` leaves out the amounts."""
    from openpyxl import Workbook

    from gaoxin.core.spreadsheets import write_row

    wb = Workbook()
    ws = wb.active
    ws.title = _("%(year)s招商指标") % {"year": result["year"]}
    write_row(
        ws, [_("%(year)s年招商引资指标（截至 %(date)s）") % {"year": result["year"], "date": result["as_of"]}]
    )
    head = [
        _("分组"),
        _("签约项目"),
        _("签约金额（万元）"),
        _("亿元以上"),
        *result["bands"],
        _("开工率%"),
        _("投产率%"),
        _("到位资金（万元）"),
        _("到位率%"),
        _("履约率%"),
    ]
    write_row(ws, head)
    hidden = "＊＊＊"
    for g in [*result["rows"], *([result["total"]] if result["total"] else [])]:
        write_row(
            ws,
            [
                g["name"],
                g["signed"],
                hidden if masked else g["amount"],
                g["over_yi"],
                *[g["bands"][b] for b in result["bands"]],
                g["start_rate"],
                g["produce_rate"],
                hidden if masked else g["arrived"],
                g["arrival_rate"],
                g["keep_rate"],
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def projects_workbook(projects, *, user) -> bytes:
    """The project list as Excel: name, company, contact and amounts masked for a reader outside the
    project's team, the bureau and the leaders."""
    from openpyxl import Workbook

    from gaoxin.core.spreadsheets import write_row

    from ..permissions import sees_unmasked

    wb = Workbook()
    ws = wb.active
    ws.title = _("招商项目")
    write_row(
        ws,
        [
            _("项目编号"),
            _("项目名称"),
            _("投资方"),
            _("联系人"),
            _("联系电话"),
            _("阶段"),
            _("意向投资（万元）"),
            _("签约金额（万元）"),
            _("签约日期"),
            _("责任专员"),
        ],
    )
    hidden = "＊＊＊"
    for p in projects.select_related("officer"):
        full = sees_unmasked(user, p)
        write_row(
            ws,
            [
                p.code,
                p.name if full else hidden,
                p.company if full else hidden,
                p.contact_name if full else hidden,
                p.contact_phone if full else hidden,
                p.get_stage_display(),
                p.intended_investment if full else hidden,
                (p.signed_amount if full else hidden) if p.signed_amount is not None else "",
                p.signed_on,
                p.officer.full_name or p.officer.username,
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["RANK", "check_commitments", "kpis", "warnings"]
