"""Reads of the innovation pillar, each scoped to the user (models' visible_to), and its read contract
for economy (`innovation_stats`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from gaoxin.core.errors import NotFound
from gaoxin.core.identifiers import mask_id_card
from gaoxin.enterprises.models import Qualification
from gaoxin.enterprises.selectors.registry import valid_on

from .models import (
    Appointment,
    Expert,
    Incubation,
    IncubationEvent,
    InnovationCarrier,
    Level,
    OnlineRegistration,
    Postdoc,
    PostdocStation,
    TechContract,
    Transfer,
)
from .services.records import RD_KINDS

K = Qualification.Kind
# 国家级和省级研发机构: enterprise technology centres, engineering research centres, key laboratories
RD_INSTITUTION_KINDS = (K.TECH_CENTRE, K.ENG_CENTRE, K.KEY_LAB)
RD_INSTITUTION_LEVELS = (Level.NATIONAL, Level.PROVINCIAL)


def _one(qs, pk: int, what: str):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"未找到该{what}，或您无权查看")
    return obj


def carrier_list(*, user, kind: str = "") -> QuerySet[InnovationCarrier]:
    qs = InnovationCarrier.objects.visible_to(user).select_related("operator")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        incubating=Count(
            "incubations", filter=Q(incubations__state=Incubation.State.INCUBATING), distinct=True
        ),
    )


def carrier_get(*, user, carrier_id: int) -> InnovationCarrier:
    return _one(InnovationCarrier.objects.visible_to(user).select_related("operator"), carrier_id, "载体")


def incubations_of(*, user, carrier: InnovationCarrier, state: str = "") -> QuerySet[Incubation]:
    qs = Incubation.objects.visible_to(user).filter(carrier=carrier).select_related("enterprise")
    return qs.filter(state=state) if state else qs


def incubations_due(*, user, by: dt.date) -> QuerySet[Incubation]:
    """Tenants still in a carrier whose incubation period ends by `by` (or has ended)."""
    return Incubation.objects.visible_to(user).filter(state=Incubation.State.INCUBATING, due_on__lte=by)


def incubation_get(*, user, incubation_id: int) -> Incubation:
    qs = Incubation.objects.visible_to(user).select_related("carrier", "enterprise")
    return _one(qs, incubation_id, "在孵企业")


def incubation_events(*, user, incubation: Incubation) -> QuerySet[IncubationEvent]:
    return IncubationEvent.objects.visible_to(user).filter(incubation=incubation)


def online_counts(*, user, carrier: InnovationCarrier) -> dict:
    """A digital park's online registrations, companies and studios apart, with its on-site tenants."""
    qs = OnlineRegistration.objects.visible_to(user).filter(carrier=carrier)
    agg = qs.aggregate(total=Count("pk"), studios=Count("pk", filter=Q(studio=True)))
    on_site = incubations_of(user=user, carrier=carrier, state=Incubation.State.INCUBATING).count()
    return {
        "online": agg["total"],
        "studios": agg["studios"],
        "companies": agg["total"] - agg["studios"],
        "on_site": on_site,
    }


def graduations_by_year(*, user, carrier: InnovationCarrier | None = None) -> list[dict]:
    """Graduations (毕业) and exits per year of leaving, oldest first: [{"year", "graduated", "exited"}]."""
    qs = Incubation.objects.visible_to(user).exclude(state=Incubation.State.INCUBATING)
    if carrier is not None:
        qs = qs.filter(carrier=carrier)
    rows = (
        qs.annotate(year=ExtractYear("left_on"))
        .values("year")
        .annotate(
            graduated=Count("pk", filter=Q(state=Incubation.State.GRADUATED)),
            exited=Count("pk", filter=Q(state=Incubation.State.EXITED)),
        )
        .order_by("year")
    )
    return [{"year": r["year"], "graduated": r["graduated"], "exited": r["exited"]} for r in rows]


def rd_centre_list(*, user, kind: str = "", level: str = "") -> QuerySet[Qualification]:
    qs = Qualification.objects.visible_to(user).filter(kind__in=RD_KINDS).select_related("enterprise")
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("kind", "-level", "enterprise__name")


def station_list(*, user) -> QuerySet[PostdocStation]:
    return (
        PostdocStation.objects.visible_to(user)
        .select_related("host", "parent")
        .annotate(in_station=Count("postdocs", filter=Q(postdocs__state=Postdoc.State.IN_STATION)))
    )


def station_get(*, user, station_id: int) -> PostdocStation:
    return _one(
        PostdocStation.objects.visible_to(user).select_related("host", "parent"), station_id, "工作站"
    )


def postdocs_of(*, user, station: PostdocStation) -> QuerySet[Postdoc]:
    return Postdoc.objects.visible_to(user).filter(station=station)


def postdoc_get(*, user, postdoc_id: int) -> Postdoc:
    return _one(Postdoc.objects.visible_to(user).select_related("station"), postdoc_id, "博士后")


def shown_id_card(postdoc: Postdoc) -> str:
    """Postdocs are not users of the platform: their ID number is always shown masked."""
    return mask_id_card(postdoc.id_card)


def expert_list(*, user, q: str = "") -> QuerySet[Expert]:
    qs = Expert.objects.visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(field__icontains=q) | Q(organisation__icontains=q))
    return qs


def expert_get(*, user, expert_id: int) -> Expert:
    return _one(Expert.objects.visible_to(user), expert_id, "专家")


def appointments_of(*, user, expert: Expert) -> QuerySet[Appointment]:
    return Appointment.objects.visible_to(user).filter(expert=expert).select_related("department")


def contract_list(*, user, year: int | None = None) -> QuerySet[TechContract]:
    qs = TechContract.objects.visible_to(user).select_related("seller")
    return qs.filter(registered_on__year=year) if year else qs


def contract_get(*, user, contract_id: int) -> TechContract:
    return _one(TechContract.objects.visible_to(user).select_related("seller"), contract_id, "技术合同")


def transfer_list(*, user, year: int | None = None) -> QuerySet[Transfer]:
    qs = Transfer.objects.visible_to(user).select_related("enterprise")
    return qs.filter(transferred_on__year=year) if year else qs


def transfer_get(*, user, transfer_id: int) -> Transfer:
    return _one(Transfer.objects.visible_to(user).select_related("enterprise"), transfer_id, "成果转化项目")


# ---- the read contract for economy ------------------------------------------------------------------


def _bounds(period: tuple[int, int | None]) -> tuple[dt.date, dt.date]:
    year, month = period
    end = (
        dt.date(year, 12, 31)
        if not month
        else dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
    )
    return dt.date(year, 1, 1), end


def innovation_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar, for 1 January to the end of month M of the year (or
    the whole year when M is None), over the records the user may read:

    - `incubating`: tenants in a carrier on the last day; `new_incubated` (新增在孵企业): tenants that
      entered in the period; `graduated` / `exited`: tenants that left in the period, each way;
    - `online`: a digital park's online registrations up to the last day (counted apart from tenants);
    - `contracts`, `contract_amount` (技术合同成交额, 元), `tech_amount` (技术交易额): contracts registered
      in the period; `transfers`, `major_transfers`: 成果转化 projects of the period;
    - `rd_institutions` (国家级和省级研发机构): technology centres, engineering research centres and key
      laboratories of national or provincial level valid on the last day; `rd_centres`: technology and
      engineering centres of every level; `tech_transfer`: technology-transfer institutions;
    - `postdocs`: postdocs in a station on the last day; `stations`: stations and sub-stations.

    `by` is "" or "carrier" (the tenants' figures per carrier)."""
    start, end = _bounds(period)
    year, month = period
    incubations = Incubation.objects.visible_to(user)
    in_carrier = Q(entered_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end))

    def _tenants(qs) -> dict:
        return qs.aggregate(
            incubating=Count("pk", filter=in_carrier),
            new_incubated=Count("pk", filter=Q(entered_on__range=(start, end))),
            graduated=Count("pk", filter=Q(state=Incubation.State.GRADUATED, left_on__range=(start, end))),
            exited=Count("pk", filter=Q(state=Incubation.State.EXITED, left_on__range=(start, end))),
        )

    contracts = (
        TechContract.objects.visible_to(user)
        .filter(registered_on__range=(start, end))
        .aggregate(contracts=Count("pk"), contract_amount=Sum("amount"), tech_amount=Sum("tech_amount"))
    )
    transfers = (
        Transfer.objects.visible_to(user)
        .filter(transferred_on__range=(start, end))
        .aggregate(transfers=Count("pk"), major_transfers=Count("pk", filter=Q(major=True)))
    )
    quals = Qualification.objects.visible_to(user).filter(valid_on(end))
    postdocs = (
        Postdoc.objects.visible_to(user)
        .filter(entered_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
    )
    total = {
        **_tenants(incubations),
        "online": OnlineRegistration.objects.visible_to(user).filter(registered_on__lte=end).count(),
        "contracts": contracts["contracts"],
        "contract_amount": contracts["contract_amount"] or Decimal(0),
        "tech_amount": contracts["tech_amount"] or Decimal(0),
        **transfers,
        "rd_institutions": quals.filter(kind__in=RD_INSTITUTION_KINDS, level__in=RD_INSTITUTION_LEVELS)
        .values("enterprise", "kind")
        .distinct()
        .count(),
        "rd_centres": quals.filter(kind__in=(K.TECH_CENTRE, K.ENG_CENTRE))
        .values("enterprise", "kind")
        .distinct()
        .count(),
        "tech_transfer": quals.filter(kind=K.TECH_TRANSFER).values("enterprise").distinct().count(),
        "postdocs": postdocs.count(),
        "stations": PostdocStation.objects.visible_to(user).filter(established_on__lte=end).count(),
    }
    rows = []
    if by == "carrier":
        for carrier in InnovationCarrier.objects.visible_to(user).order_by("kind", "name"):
            rows.append({"name": carrier.name, **_tenants(incubations.filter(carrier=carrier))})
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": "carrier" if by == "carrier" else "",
        "total": total,
        "rows": rows,
    }
