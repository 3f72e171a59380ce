"""Reads of the investment pillar, scoped to the asking user (every one starts from `visible_to`)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gaoxin.accounts.permissions import can_read_zone_totals
from gaoxin.core.errors import NotFound

from . import permissions
from .models import Carrier, Chain, ChainLink, ChainTarget, Project, StageEvent, Trip, Visit

MASK = "＊＊＊"


def project_list(
    *,
    user,
    stage: str = "",
    q: str = "",
    chain: str = "",
    officer_id: int | None = None,
    pending: bool | None = None,
) -> QuerySet[Project]:
    qs = Project.objects.visible_to(user).select_related("officer", "link", "link__chain")
    if stage:
        qs = qs.filter(stage=stage)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(company__icontains=q) | Q(code__iexact=q))
    if chain:
        qs = qs.filter(link__chain__code=chain)
    if officer_id:
        qs = qs.filter(officer_id=officer_id)
    if pending is not None:
        qs = qs.filter(pending_review=pending)
    return qs.order_by("-created_on", "-id")


def project_get(*, user, pk: int) -> Project:
    project = (
        Project.objects.visible_to(user)
        .select_related("officer", "link", "link__chain", "department", "visit", "visit__trip")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound("未找到该项目，或您无权查看")
    return project


def project_services(*, user, project: Project) -> dict:
    """What the other pillars did for the project's registered enterprise: its government-service cases
    (拿地即开工, 施工许可 …) and its awards from support policies, read through those pillars' selectors,
    so the reader sees exactly the cases and awards those pillars let it see. Empty before 注册."""
    from gaoxin.govservices.selectors import case_list
    from gaoxin.policies.selectors import award_list

    if not project.uscc:
        return {"cases": [], "awards": []}
    cases = case_list(user=user).filter(enterprise_uscc=project.uscc).order_by("-submitted_at", "-id")
    awards = award_list(user=user).filter(enterprise__uscc=project.uscc).order_by("-period", "-id")
    return {"cases": list(cases[:50]), "awards": list(awards[:50])}


def project_timeline(*, user, project: Project) -> QuerySet[StageEvent]:
    return (
        StageEvent.objects.visible_to(user)
        .filter(project=project)
        .select_related("actor")
        .order_by("at", "id")
    )


def chain_list(*, user) -> QuerySet[Chain]:
    return Chain.objects.visible_to(user).annotate(n_links=Count("links"))


def chain_get(*, user, pk: int) -> Chain:
    chain = Chain.objects.visible_to(user).filter(pk=pk).first()
    if chain is None:
        raise NotFound("未找到该产业链，或您无权查看")
    return chain


def chain_targets(*, user, chain: Chain) -> QuerySet[ChainTarget]:
    return (
        ChainTarget.objects.visible_to(user)
        .filter(link__chain=chain)
        .select_related("link")
        .order_by("link__order", "link_id", "id")
    )


def link_get(*, user, pk: int) -> ChainLink:
    link = ChainLink.objects.visible_to(user).select_related("chain").filter(pk=pk).first()
    if link is None:
        raise NotFound("未找到该环节，或您无权查看")
    return link


def carrier_list(*, user, kind: str = "", state: str = "") -> QuerySet[Carrier]:
    qs = Carrier.objects.visible_to(user).select_related("park", "project", "chain")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs


def carrier_rows(*, user, carriers) -> list[Carrier]:
    """Carriers with `holder`: the holding project's code for a reader who sees that project, else a
    plain 「已占用」 (which project holds a plot is the project's data, not the zone's)."""
    rows = list(carriers)
    seen = set(
        Project.objects.visible_to(user)
        .filter(pk__in={c.project_id for c in rows if c.project_id})
        .values_list("pk", flat=True)
    )
    for c in rows:
        c.holder = (c.project.code if c.project_id in seen else _("已占用")) if c.project_id else None
    return rows


def carrier_get(*, user, pk: int) -> Carrier:
    carrier = carrier_list(user=user).filter(pk=pk).first()
    if carrier is None:
        raise NotFound("未找到该载体，或您无权查看")
    return carrier


def trip_list(*, user, year: int | None = None) -> QuerySet[Trip]:
    qs = (
        Trip.objects.visible_to(user)
        .annotate(n_visits=Count("visits", distinct=True))
        .order_by("-start_on", "-pk")
    )
    if year:
        qs = qs.filter(start_on__year=year)
    return qs


def trip_get(*, user, pk: int) -> Trip:
    trip = Trip.objects.visible_to(user).filter(pk=pk).first()
    if trip is None:
        raise NotFound("未找到该出行记录，或您无权查看")
    return trip


def trip_yield(*, user, trip: Trip) -> list[dict]:
    """The trip's visits, each with the projects it produced (the yield of the trip)."""
    visible = Project.objects.visible_to(user)
    out = []
    for v in Visit.objects.visible_to(user).filter(trip=trip).order_by("on", "id"):
        projects = list(visible.filter(visit=v).values("id", "code", "name", "stage"))
        out.append({"visit": v, "projects": projects})
    return out


def masked(user, project: Project, value):
    """A project's company, contact or amount as this reader may see it."""
    return value if permissions.sees_unmasked(user, project) else MASK


def kpi_projects(*, user) -> QuerySet[Project]:
    """The projects the zone's KPIs are computed over: all of them, for any staff member (the KPIs are
    counts and rates; the amounts are left out for readers outside the bureau by the callers)."""
    return Project.objects.all() if permissions.can_view_planning(user) else Project.objects.none()


def project_export(*, user) -> QuerySet[Project]:
    """The rows of the project export: the bureau and leaders export what they see; another staff member
    exports the zone's pipeline too, but `projects_workbook` masks every project not of its own team."""
    if permissions.is_bureau_or_leader(user):
        return Project.objects.visible_to(user).order_by("code")
    if permissions.can_view_planning(user):
        return Project.objects.order_by("code")
    return Project.objects.none()


def visible_projects(*, user) -> QuerySet[Project]:
    return Project.objects.visible_to(user)


def visit_get(*, user, pk: int) -> Visit | None:
    return Visit.objects.visible_to(user).filter(pk=pk).first()


def link_list(*, user) -> QuerySet[ChainLink]:
    return ChainLink.objects.visible_to(user).select_related("chain")


def project_carriers(*, user, project: Project) -> QuerySet[Carrier]:
    return Carrier.objects.visible_to(user).filter(project=project)


def investment_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar: projects signed in a period and their amount.

    `period` is (year, month): from 1 January to the end of month M (or of the year when month is None).
    A project counts once its 签约 is confirmed by the bureau (not while it awaits review). `amount`
    (万元) is given to the bureau, leaders and the statistics office (who publish the zone's total), None
    to other readers. `by` is "" or "source"."""
    import datetime as dt
    from decimal import Decimal

    from django.db.models import Sum

    year, month = period
    end = (
        dt.date(year, 12, 31)
        if not month
        else dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
    )
    signed = kpi_projects(user=user).filter(
        signed_on__gte=dt.date(year, 1, 1), signed_on__lte=end, pending_review=False
    )
    show_amount = permissions.is_bureau_or_leader(user) or can_read_zone_totals(user)

    def _figures(qs) -> dict:
        agg = qs.aggregate(n=Count("id"), amount=Sum("signed_amount"))
        return {"signed": agg["n"], "amount": (agg["amount"] or Decimal(0)) if show_amount else None}

    rows = []
    if by == "source":
        labels = dict(Project.Source.choices)
        for source in sorted(set(signed.values_list("source", flat=True))):
            rows.append({"name": str(labels.get(source, source)), **_figures(signed.filter(source=source))})
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": "source" if by == "source" else "",
        "total": _figures(signed),
        "rows": rows,
    }
