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

from django.db import connection, transaction
from django.db.models import DateField, F, Min, Q, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import clock
from gaoxin.enterprises.selectors import annual_figures

from ..models import Carrier, Chain, ChainLink, Commitment, FundArrival, KpiTarget, Project, StageEvent
from .pipeline import RANK

S = Project.Stage
YI = Decimal("10000")  # 1 亿元 = 10000 万元
NOT_MOVES = ("review_ok", "review_back", "resume")  # timeline rows that reach no new stage
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
        action__in=NOT_MOVES
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


FAST_KINDS = (Commitment.Kind.START_BY, Commitment.Kind.PRODUCE_BY, Commitment.Kind.INVESTMENT)
NUMBER = "CAST(%s AS DECIMAL(16, 2))"  # a Decimal parameter compared as a number on SQLite too
SUMMED = (
    "signed",
    "amount",
    "over_yi",
    "started",
    "producing",
    "arrived",
    "commitments_met",
    "commitments_due",
)


def _timeline_sql(base_sql: str, as_of: dt.date) -> tuple[str, list]:
    """The CTEs every figure reads, over `base(project_id, sign_on)`: one pass over the counted stage
    events of those projects with a filtered MIN per stage (开工, 投产), their funds arrived, each
    project's row (`per`), and the date and money commitments judged in SQL (`kept`, with the count of
    the other kinds, which `_other_kept` judges) — as `_check` judges them: a date commitment is kept when
    the stage came by its date and broken once the date passed without it; 投资额 is judged from its
    date on against the funds arrived; a terminated project's commitments are not judged."""
    q = connection.ops.quote_name
    ev, fund, com, prj = (m._meta.db_table for m in (StageEvent, FundArrival, Commitment, Project))
    on = q("on")
    sql = f"""
    base AS ({base_sql}),
    moves AS (
        SELECT e.project_id,
               MIN(CASE WHEN e.to_stage = %s THEN e.{on} END) AS started_on,
               MIN(CASE WHEN e.to_stage = %s THEN e.{on} END) AS producing_on
        FROM {ev} e JOIN base b ON b.project_id = e.project_id
        WHERE e.withdrawn = %s AND e.counted_on IS NOT NULL AND e.counted_on <= %s AND e.{on} <= %s
          AND e.to_stage IN (%s, %s) AND e.action NOT IN (%s, %s, %s)
        GROUP BY e.project_id
    ),
    funds AS (
        SELECT f.project_id, SUM(f.amount) AS arrived
        FROM {fund} f JOIN base b ON b.project_id = f.project_id
        WHERE f.{on} <= %s
        GROUP BY f.project_id
    ),
    per AS (
        SELECT b.project_id, b.sign_on, COALESCE(p.signed_amount, 0) AS amount, p.stage, p.link_id,
               p.officer_id, p.department_id, p.sector, m.started_on, m.producing_on,
               COALESCE(fu.arrived, 0) AS arrived
        FROM base b
          JOIN {prj} p ON p.id = b.project_id
          LEFT JOIN moves m ON m.project_id = b.project_id
          LEFT JOIN funds fu ON fu.project_id = b.project_id
    ),
    judged AS (
        SELECT c.project_id,
          CASE
            WHEN c.kind = %s AND r.started_on IS NOT NULL THEN
              CASE WHEN r.started_on <= c.due_on THEN 1 ELSE 0 END
            WHEN c.kind = %s AND r.producing_on IS NOT NULL THEN
              CASE WHEN r.producing_on <= c.due_on THEN 1 ELSE 0 END
            WHEN c.kind IN (%s, %s) AND c.due_on < %s THEN 0
            WHEN c.kind = %s AND c.due_on <= %s THEN
              CASE WHEN r.arrived >= c.value THEN 1 ELSE 0 END
          END AS ok,
          CASE WHEN c.kind IN (%s, %s, %s) THEN 0 ELSE 1 END AS other
        FROM {com} c JOIN per r ON r.project_id = c.project_id
        WHERE r.stage <> %s
    ),
    kept AS (
        SELECT project_id, SUM(ok) AS met, COUNT(ok) AS due, SUM(other) AS others
        FROM judged GROUP BY project_id
    )"""  # noqa: S608 (table names, the ORM-compiled base and placeholders only)
    K = Commitment.Kind
    params = [
        S.STARTED, S.PRODUCING,
        False, as_of, as_of, S.STARTED, S.PRODUCING, *NOT_MOVES,
        as_of,
        K.START_BY, K.PRODUCE_BY, K.START_BY, K.PRODUCE_BY, as_of, K.INVESTMENT, as_of,
        *FAST_KINDS, S.TERMINATED,
    ]  # fmt: skip
    return sql, params


def _date(value) -> dt.date | None:
    return (
        dt.date.fromisoformat(str(value)[:10])
        if value is not None and not isinstance(value, dt.date)
        else value
    )


def _dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(Decimal("0.01"))


def _other_kept(ids, as_of: dt.date) -> dict[int, tuple[int, int]]:
    """(kept, judged) of the commitments that need the carriers' area or the enterprise's reported data
    (投资强度, 亩均税收, 就业人数), judged by `check_commitments`, for those of `ids` that have them."""
    others = list(
        Project.objects.filter(
            pk__in=ids, commitments__kind__in=[k for k in Commitment.Kind.values if k not in FAST_KINDS]
        )
        .exclude(stage=S.TERMINATED)
        .distinct()
        .only("id", "stage", "uscc")
    )
    out: dict[int, tuple[int, int]] = {}
    for pid, checks in check_commitments(others, as_of).items():
        judged = [bool(ch.met) for c, ch in checks if c.kind not in FAST_KINDS and ch.met is not None]
        if judged:
            out[pid] = (sum(judged), len(judged))
    return out


def kept(ids, as_of: dt.date) -> dict[int, tuple[int, int]]:
    """project id → (commitments kept, commitments judged) as of `as_of`, by the same SQL and checks the
    KPIs use (the keep rate's one definition)."""
    ids = list(ids)
    if not ids:
        return {}
    base, base_params = (
        Project.objects.filter(pk__in=ids)
        .annotate(project_id=F("pk"), sign_on=Value(None, output_field=DateField()))
        .values("project_id", "sign_on")
        .query.sql_with_params()
    )
    ctes, params = _timeline_sql(base, as_of)
    out: dict[int, tuple[int, int]] = {}
    with connection.cursor() as cur:
        sql = f"WITH {ctes} SELECT project_id, met, due FROM kept WHERE due > 0"  # noqa: S608 (as above)
        cur.execute(sql, [*base_params, *params])
        for pid, met, due in cur.fetchall():
            out[pid] = (int(met), int(due))
    for pid, (m, d) in _other_kept(ids, as_of).items():
        m0, d0 = out.get(pid, (0, 0))
        out[pid] = (m0 + m, d0 + d)
    return out


def _sign_events(projects, year: int, as_of: dt.date):
    events = StageEvent.objects.filter(
        _counted(as_of),
        action="sign",
        to_stage=S.SIGNED,  # what every signing reaches; lets the (to_stage, on) index find them
        on__gte=dt.date(year, 1, 1),
        on__lte=dt.date(year, 12, 31),
    )
    if projects.query.is_empty():
        return events.none()
    if projects.query.where:  # a scoped set; the whole table needs no subquery
        return events.filter(project__in=projects.values("pk"))
    return events


def _key_sql(by: str) -> tuple[str, str]:
    """(the SQL of the group key, the joins it needs)."""
    from gaoxin.accounts.models import Department, User

    link, chain = ChainLink._meta.db_table, Chain._meta.db_table
    if by == "chain":
        return "ch.name", f"LEFT JOIN {link} l ON l.id = r.link_id LEFT JOIN {chain} ch ON ch.id = l.chain_id"
    if by == "officer":
        return (
            "COALESCE(NULLIF(u.full_name, ''), u.username)",
            f"JOIN {User._meta.db_table} u ON u.id = r.officer_id",
        )
    if by == "department":
        return "d.name", f"LEFT JOIN {Department._meta.db_table} d ON d.id = r.department_id"
    if by == "month":
        return "r.sign_on", ""
    if by == "sector":
        return "r.sector", ""
    return "NULL", ""


def _label(by: str, key) -> str:
    if by == "chain":
        return key or _("未归链")
    if by == "department":
        return key or _("未指定")
    if by == "month":
        return f"{_date(key):%Y-%m}"
    if by == "sector":
        return key or _("未分类")
    return str(key)


def _grouped(projects, *, year: int, as_of: dt.date, by: str, bands) -> dict[str, dict]:
    """The additive figures of the year's counted signings, summed in SQL per group: count, amount,
    亿元以上, each size band, started, producing, funds arrived, commitments kept and judged."""
    signs = _sign_events(projects, year, as_of).order_by().values("project_id").annotate(sign_on=Min("on"))
    base_sql, base_params = signs.query.sql_with_params()
    ctes, params = _timeline_sql(base_sql, as_of)
    key, joins = _key_sql(by if by in DIMENSIONS else "")
    band_cols, band_params = [], []
    for i, b in enumerate(bands):
        upper = f" AND r.amount < {NUMBER}" if i else ""
        band_cols.append(f"SUM(CASE WHEN r.amount >= {NUMBER}{upper} THEN 1 ELSE 0 END)")
        band_params += [b, bands[i - 1]] if i else [b]
    sql = f"""WITH {ctes}
    SELECT {key} AS k, COUNT(*), SUM(r.amount), SUM(CASE WHEN r.amount >= {NUMBER} THEN 1 ELSE 0 END),
           COUNT(r.started_on), COUNT(r.producing_on), SUM(r.arrived),
           SUM(COALESCE(kp.met, 0)), SUM(COALESCE(kp.due, 0)), SUM(COALESCE(kp.others, 0))
           {"".join(", " + c for c in band_cols)}
    FROM per r
      LEFT JOIN kept kp ON kp.project_id = r.project_id
      {joins}
    {"GROUP BY " + key if key != "NULL" else ""}"""  # noqa: S608 (table names, fixed expressions and placeholders only)
    groups: dict[str, dict] = {}
    labels = [band_label(b) for b in bands]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The planner's cost estimate of the joined CTEs makes PostgreSQL compile the query (JIT),
            # which costs more than a second each time for a query that runs in tens of milliseconds.
            cur.execute("SET LOCAL jit = off")
        cur.execute(sql, [*base_params, *params, YI, *band_params])
        rows = cur.fetchall()
    has_others = False
    for k, n, amt, over, started, producing, arrived, met, due, others, *band_counts in rows:
        has_others = has_others or bool(others)
        if not n:  # no signing at all: the one row of an ungrouped aggregate
            continue
        name = _label(by, k) if by in DIMENSIONS else _("全区")
        g = groups.get(name) or _empty(name, labels)
        groups[name] = g
        for field, value in zip(SUMMED, (n, amt, over, started, producing, arrived, met, due), strict=True):
            g[field] += _dec(value) if field in ("amount", "arrived") else int(value or 0)
        for label, c in zip(labels, band_counts, strict=True):
            g["bands"][label] += int(c or 0)
    others = _other_kept(signs.values("project_id"), as_of) if has_others else {}
    if others:
        key_of = _other_keys(list(others), by, signs)
        for pid, (m, d) in others.items():
            g = groups[key_of[pid]]
            g["commitments_met"] += m
            g["commitments_due"] += d
    return groups


def _other_keys(ids: list[int], by: str, signs) -> dict[int, str]:
    if by not in DIMENSIONS:
        return dict.fromkeys(ids, _("全区"))
    if by == "month":
        return {r["project_id"]: _label(by, r["sign_on"]) for r in signs.filter(project_id__in=ids)}
    field = {
        "chain": "link__chain__name",
        "department": "department__name",
        "sector": "sector",
    }.get(by)
    if field:
        return {pid: _label(by, v) for pid, v in Project.objects.filter(pk__in=ids).values_list("id", field)}
    return {
        pid: full or user
        for pid, full, user in Project.objects.filter(pk__in=ids).values_list(
            "id", "officer__full_name", "officer__username"
        )
    }


def _empty(name: str, labels: list[str]) -> dict:
    return {
        "name": name,
        "signed": 0,
        "amount": Decimal(0),
        "over_yi": 0,
        "started": 0,
        "producing": 0,
        "arrived": Decimal(0),
        "commitments_due": 0,
        "commitments_met": 0,
        "bands": dict.fromkeys(labels, 0),
    }


def kpis(projects, *, year: int, as_of: dt.date | None = None, by: str = "", bands=DEFAULT_BANDS) -> dict:
    """The KPIs of projects signed in `year`, as the records stood on `as_of` (default: today), in
    total and by a dimension (chain, officer, department, month, sector). One grouped query gives the
    groups' figures; the total is their sum (every figure summed is additive)."""
    as_of = as_of or clock.today()
    bands = tuple(bands)
    labels = [band_label(b) for b in bands]
    groups = _grouped(projects, year=year, as_of=as_of, by=by, bands=bands)
    total = None
    if groups:
        total = _empty(_("全区"), labels)
        for g in groups.values():
            for field in SUMMED:
                total[field] += g[field]
            for band in labels:
                total["bands"][band] += g["bands"][band]
    rows = list(groups.values()) if by in DIMENSIONS else []
    rows = (
        sorted(rows, key=lambda g: (-g["signed"], g["name"]))
        if by != "month"
        else sorted(rows, key=lambda g: g["name"])
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
        "bands": labels,
        "total": total,
        "rows": rows,
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
