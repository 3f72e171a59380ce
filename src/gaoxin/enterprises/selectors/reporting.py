"""Reads of enterprise data reporting, scoped to the asking user: reports, who has not reported,
completeness, anomalies, totals with 同比 and 累计, and one enterprise's trends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import clock
from gaoxin.core.amounts import WAN
from gaoxin.core.errors import NotFound

from .. import permissions
from ..indicators import INDICATORS, check_values, own_values, relative_change
from ..models import ANNUAL, Enterprise, Report
from .registry import visible_enterprises

RECEIVED = (Report.State.SUBMITTED, Report.State.ACCEPTED)
TOTAL_FIELDS = [
    "output_value",
    "revenue",
    "profit",
    "tax",
    "rd_expense",
    "export_value",
    "energy",
    "employees",
]
DIMENSIONS = {
    "industry": ("enterprise__industry__name", gettext_lazy("产业")),
    "park": ("enterprise__park__name", gettext_lazy("园区")),
    "size": ("enterprise__size", gettext_lazy("规模")),
}


def report_list(
    *, user, year: int | None = None, month: int | None = None, state: str = "", uscc: str = ""
) -> QuerySet[Report]:
    qs = Report.objects.visible_to(user).select_related("enterprise", "form")
    if year:
        qs = qs.filter(year=year)
    if month is not None:
        qs = qs.filter(month=month)
    if state:
        qs = qs.filter(state=state)
    if uscc:
        qs = qs.filter(enterprise__uscc=uscc)
    return qs


def report_get(*, user, report_id: int) -> Report:
    report = report_list(user=user).filter(pk=report_id).first()
    if report is None:
        raise NotFound("未找到该报表，或您无权查看")
    return report


def _require_statistics(user) -> None:
    if not permissions.can_view_statistics(user):
        raise NotFound("未找到该页面")


def expected_enterprises(year: int, month: int, *, user) -> QuerySet[Enterprise]:
    """Who owes a report for the period: operating above-scale enterprises, and any that reported this year."""
    reported_this_year = Report.objects.filter(enterprise=OuterRef("pk"), year=year)
    return (
        visible_enterprises(user)
        .filter(status=Enterprise.Status.OPERATING)
        .filter(Q(above_scale=True) | Exists(reported_this_year))
    )


def not_reported(*, user, year: int, month: int, today: dt.date | None = None) -> list[dict]:
    """Enterprises whose report for the period has not been received, with the state it is in."""
    _require_statistics(user)
    today = today or clock.today()
    received = Report.objects.filter(enterprise=OuterRef("pk"), year=year, month=month, state__in=RECEIVED)
    pending = {
        r.enterprise_id: r
        for r in Report.objects.visible_to(user)
        .filter(year=year, month=month)
        .exclude(state__in=RECEIVED)
        .only("id", "enterprise_id", "state", "due_on")
    }
    rows = []
    for e in (
        expected_enterprises(year, month, user=user)
        .filter(~Exists(received))
        .select_related("park", "industry", "officer")
        .order_by("park__id", "name")
    ):
        r = pending.get(e.id)
        due = r.due_on if r else None
        rows.append(
            {
                "enterprise": e,
                "report": r,
                "state": r.get_state_display() if r else "未填报",
                "overdue": bool(due and today > due) or (r is None and _period_over(year, month, today)),
            }
        )
    return rows


def _period_over(year: int, month: int, today: dt.date) -> bool:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return today >= first_next + dt.timedelta(days=14)


def completeness(*, user, year: int, month: int) -> dict:
    """Per sub-area: how many owe a report, how many were received, accepted, late."""
    _require_statistics(user)
    expected = expected_enterprises(year, month, user=user)
    owed = dict(expected.values_list("park__name").annotate(n=Count("id")))
    reports = Report.objects.visible_to(user).filter(year=year, month=month, enterprise__in=expected)
    stats = {
        row["enterprise__park__name"]: row
        for row in reports.values("enterprise__park__name").annotate(
            received=Count("id", filter=Q(state__in=RECEIVED)),
            accepted=Count("id", filter=Q(state=Report.State.ACCEPTED)),
            returned=Count("id", filter=Q(state=Report.State.RETURNED)),
            late=Count("id", filter=Q(late=True)),
        )
    }
    rows = []
    for park, n in sorted(owed.items(), key=lambda kv: str(kv[0])):
        s = stats.get(park, {})
        received = s.get("received", 0)
        rows.append(
            {
                "park": park or "未划分园区",
                "expected": n,
                "received": received,
                "accepted": s.get("accepted", 0),
                "returned": s.get("returned", 0),
                "late": s.get("late", 0),
                "missing": n - received,
                "rate": round(received * 100 / n, 1) if n else 0,
            }
        )
    total = {
        k: sum(r[k] for r in rows)
        for k in ("expected", "received", "accepted", "returned", "late", "missing")
    }
    total["rate"] = round(total["received"] * 100 / total["expected"], 1) if total["expected"] else 0
    return {"rows": rows, "total": total}


def _values_by_enterprise(user, year: int, month: int, fields: list[str]) -> dict[int, dict]:
    return {
        row["enterprise_id"]: row
        for row in Report.objects.visible_to(user)
        .filter(year=year, month=month)
        .values("enterprise_id", *fields)
    }


def anomalies(*, user, year: int, month: int) -> list[dict]:
    """Reports of the period with errors or ±50% changes, and whether they were explained."""
    _require_statistics(user)
    fields = list(INDICATORS)[:9]
    previous = _values_by_enterprise(user, year, month - 1, fields) if month > 1 else {}
    previous2 = _values_by_enterprise(user, year, month - 2, fields) if month > 2 else {}
    last_year = _values_by_enterprise(user, year - 1, month, fields)
    rows = []
    for r in (
        Report.objects.visible_to(user).filter(year=year, month=month).select_related("enterprise", "form")
    ):
        values = {f: getattr(r, f) for f in fields}
        prev = previous.get(r.enterprise_id)
        own = own_values(values, prev, month) if month != ANNUAL else None
        prev_own = own_values(prev, previous2.get(r.enterprise_id), month - 1) if prev and month > 1 else None
        errors, found = check_values(
            fields=fields,
            required=[],
            values=values,
            previous=prev,
            last_year=last_year.get(r.enterprise_id),
            own=own,
            previous_month_own=prev_own,
        )
        if errors or found:
            rows.append({"report": r, "errors": errors, "anomalies": found, "explanations": r.explanations})
    return rows


class _Totals:
    """Sums of one group, each comparison over the enterprises that reported both periods (可比口径)."""

    def __init__(self, name):
        self.name = name
        self.reports = self.expected = self.received = 0
        self.comparable = self.month_reports = self.month_comparable = 0
        self.sums: dict[str, dict[str, Decimal | int | None]] = {
            part: dict.fromkeys(TOTAL_FIELDS)
            for part in ("now", "yoy_now", "yoy_ly", "month", "mom_now", "mom_prev")
        }

    def _add(self, part: str, field: str, value) -> None:
        if value is not None:
            current = self.sums[part][field]
            self.sums[part][field] = value if current is None else current + value

    def add(self, rows: dict[str, dict], month: int) -> None:
        now, ly, prev, prev2 = (rows.get(k) for k in ("now", "ly", "prev", "prev2"))
        if now is None:
            return
        self.reports += 1
        own = own_values({f: now[f] for f in TOTAL_FIELDS}, prev, month)
        own_prev = own_values({f: prev[f] for f in TOTAL_FIELDS}, prev2, month - 1) if prev else {}
        for f in TOTAL_FIELDS:
            self._add("now", f, now[f])
            if ly is not None and now[f] is not None and ly[f] is not None:
                self._add("yoy_now", f, now[f])
                self._add("yoy_ly", f, ly[f])
            if f in own:
                self._add("month", f, own[f])
                if f in own_prev:
                    self._add("mom_now", f, own[f])
                    self._add("mom_prev", f, own_prev[f])
        self.comparable += ly is not None
        derivable = month == 1 or prev is not None
        self.month_reports += derivable
        self.month_comparable += derivable and prev is not None and (month == 2 or prev2 is not None)

    def row(self) -> dict:
        s = self.sums
        return {
            "name": self.name,
            "reports": self.reports,
            "expected": self.expected,
            "received": self.received,
            "rate": round(self.received * 100 / self.expected, 1) if self.expected else None,
            **s["now"],
            "comparable": self.comparable,
            "last_year": s["yoy_ly"],
            "growth": {f: _pct(s["yoy_now"][f], s["yoy_ly"][f]) for f in TOTAL_FIELDS},
            "month_reports": self.month_reports,
            "month": {f: v for f, v in s["month"].items() if v is not None},
            "month_comparable": self.month_comparable,
            "month_growth": {
                f: _pct(s["mom_now"][f], s["mom_prev"][f]) for f in TOTAL_FIELDS if INDICATORS[f].cumulative
            },
        }


def latest_received_period(*, user) -> tuple[int, int] | None:
    """The newest month for which any report the user can read has been submitted, or None."""
    _require_statistics(user)
    return (
        Report.objects.visible_to(user)
        .filter(state__in=RECEIVED, month__gte=1, month__lte=12)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )


def totals(*, user, year: int, month: int, by: str = "industry") -> dict:
    """Year-to-date totals of the period by a dimension, with the reporting rate of each group.

    Every comparison is made enterprise by enterprise, over the same enterprises (可比口径):
    - 同比 (`growth`, `last_year`): enterprises that reported this period and the same period last year
      (`comparable` of them);
    - 本月 (`month`): each enterprise's own month, 1–M月累计 minus its own 1–(M−1)月累计, summed over
      the `month_reports` enterprises that reported both months (January is its own month);
    - 环比 (`month_growth`): this month's own value against last month's, over `month_comparable`
      enterprises whose both own months can be derived.
    A month that is only partly reported therefore never subtracts other enterprises' figures."""
    _require_statistics(user)
    key, label = DIMENSIONS.get(by, DIMENSIONS["industry"])
    periods = {"now": (year, month), "ly": (year - 1, month)}
    if month > 1:
        periods["prev"] = (year, month - 1)
    if month > 2:
        periods["prev2"] = (year, month - 2)
    which = {p: name for name, p in periods.items()}
    condition = Q(pk__in=[])
    for y, m in periods.values():
        condition |= Q(year=y, month=m)
    rows_of: dict[int, dict[str, dict]] = {}
    group_of: dict[int, object] = {}
    for row in (
        Report.objects.visible_to(user)
        .filter(condition, state__in=RECEIVED)
        .values("enterprise_id", "year", "month", key, *TOTAL_FIELDS)
    ):
        rows_of.setdefault(row["enterprise_id"], {})[which[(row["year"], row["month"])]] = row
        group_of[row["enterprise_id"]] = row[key]
    groups: dict[object, _Totals] = {}
    zone = _Totals("全区")
    expected_key = key.removeprefix("enterprise__")
    for eid, group in expected_enterprises(year, month, user=user).values_list("id", expected_key):
        g = groups.setdefault(group, _Totals(group))
        g.expected += 1
        zone.expected += 1
        if "now" in rows_of.get(eid, {}):
            g.received += 1
            zone.received += 1
    for eid, rows in rows_of.items():
        if "now" in rows:
            groups.setdefault(group_of[eid], _Totals(group_of[eid])).add(rows, month)
            zone.add(rows, month)
    out = [g.row() for _, g in sorted(groups.items(), key=lambda kv: (kv[0] is None, str(kv[0] or "")))]
    labels = dict(Enterprise.Size.choices) if by == "size" else {}
    for r in out:
        r["name"] = str(labels.get(r["name"], r["name"])) if r["name"] else _("未分类")
    return {"by": by, "label": label, "rows": out, "zone": zone.row()}


def _pct(now, before) -> float | None:
    change = relative_change(now, before)
    return None if change is None else round(float(change) * 100, 1)


def enterprise_trend(*, user, uscc: str, years: int = 10) -> dict:
    """One enterprise's figures for the profile page: yearly totals and the last 24 months' own values."""
    enterprise = visible_enterprises(user).filter(uscc=uscc).first()
    if enterprise is None:
        raise NotFound(_("未找到该企业，或您无权查看"))
    fields = ["output_value", "revenue", "profit", "tax", "rd_expense", "employees"]
    reports = list(
        Report.objects.visible_to(user)
        .filter(enterprise=enterprise, month__gte=1, state__in=RECEIVED)
        .order_by("year", "month")
        .values("year", "month", *fields)
    )
    by_period = {(r["year"], r["month"]): r for r in reports}
    yearly: dict[int, dict] = {}
    for r in reports:
        yearly[r["year"]] = r  # the latest month's cumulative is the year so far
    year_list = sorted(yearly)[-years:]
    months = []
    for r in reports[-24:]:
        prev = by_period.get((r["year"], r["month"] - 1))
        own = own_values({f: r[f] for f in fields}, prev, r["month"])
        months.append(
            {
                "period": f"{r['year']}-{r['month']:02d}",
                **{f: _yuan_wan(own.get(f)) for f in fields if f != "employees"},
                "employees": r["employees"],
            }
        )
    return {
        "years": [
            f"{y}" if yearly[y]["month"] == 12 else f"{y}（1–{yearly[y]['month']}月）" for y in year_list
        ],
        "yearly": {f: [_yuan_wan(yearly[y][f]) for y in year_list] for f in fields if f != "employees"},
        "partial": [yearly[y]["month"] < 12 for y in year_list],
        "months": months,
    }


def _yuan_wan(value) -> float | None:
    """万元 for the charts (JSON numbers)."""
    wan = WAN.of(value)
    return None if wan is None else float(wan)


def pending_review(*, user) -> QuerySet[Report]:
    """Submitted reports waiting for a statistician."""
    if not permissions.can_review_reports(user):
        return Report.objects.none()
    return (
        Report.objects.visible_to(user)
        .filter(state=Report.State.SUBMITTED)
        .select_related("enterprise")
        .order_by(F("submitted_at").asc())
    )


def annual_figures(*, usccs, year: int) -> dict[str, dict]:
    """uscc → the year's figures from its received reports (the latest month's year-to-date values, or
    the annual report): output_value, tax, employees, and the month they run to. For another pillar's
    checks against what an enterprise committed (e.g. 亩均税收)."""
    rows = (
        Report.objects.filter(enterprise__uscc__in=list(usccs), year=year, state__in=RECEIVED)
        .order_by("enterprise__uscc", "month")
        .values("enterprise__uscc", "month", "output_value", "tax", "employees")
    )
    out: dict[str, dict] = {}
    for r in rows:
        month = 12 if r["month"] == ANNUAL else r["month"]
        if r["enterprise__uscc"] not in out or month >= out[r["enterprise__uscc"]]["months"]:
            out[r["enterprise__uscc"]] = {
                "months": month,
                "output_value": r["output_value"],
                "tax": r["tax"],
                "employees": r["employees"],
            }
    return out


STATS_FIELDS = ["output_value", "revenue", "profit", "tax", "rd_expense", "employees"]


def reporting_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar: sums over accepted reports of a period.

    `period` is (year, month): month M gives the 1–M月累计 of the month's accepted reports; month None
    gives the year, from each enterprise's accepted annual report, or its December report where it has
    no accepted annual one. `by` is "", "industry", "park" or "size"; `rows` are then the groups.
    Summed by the database (the zone's 100,000 enterprises are never loaded row by row)."""
    _require_statistics(user)
    year, month = period
    key = DIMENSIONS[by][0] if by in DIMENSIONS else None
    accepted = Report.objects.visible_to(user).filter(year=year, state=Report.State.ACCEPTED)
    if month:
        chosen = accepted.filter(month=month)
    else:
        annual = accepted.filter(month=ANNUAL).values("enterprise_id")
        chosen = accepted.filter(Q(month=ANNUAL) | (Q(month=12) & ~Q(enterprise_id__in=annual)))
    sums = {"n_reports": Count("id"), **{f"sum_{f}": Sum(f) for f in STATS_FIELDS}}

    def _named(row: dict) -> dict:
        out: dict = {"reports": row["n_reports"]}
        for f in STATS_FIELDS:
            value = row[f"sum_{f}"]
            out[f] = None if value is None else (int(value) if f == "employees" else Decimal(value))
        return out

    rows = []
    if key:
        labels: dict = dict(Enterprise.Size.choices) if by == "size" else {}
        groups = {row[key]: _named(row) for row in chosen.values(key).annotate(**sums).order_by()}
        rows = [
            {"name": str(labels.get(name, name)) if name else _("未分类"), **values}
            for name, values in sorted(groups.items(), key=lambda kv: (kv[0] is None, str(kv[0] or "")))
        ]
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": by if key else "",
        "total": _named(chosen.aggregate(**sums)),
        "rows": rows,
    }


def zone_months(*, user, year: int, month: int) -> list[dict]:
    """The zone's own value of each month 1..M of `year` (each enterprise's cumulative minus its previous
    month's, as `totals` derives 本月): rows {period, revenue, output_value, reports}."""
    out = []
    for m in range(1, month + 1):
        zone = totals(user=user, year=year, month=m)["zone"]
        out.append(
            {
                "period": f"{year}-{m:02d}",
                "revenue": zone["month"].get("revenue"),
                "output_value": zone["month"].get("output_value"),
                "reports": zone["month_reports"],
            }
        )
    return out
