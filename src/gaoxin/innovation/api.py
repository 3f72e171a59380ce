"""API of the innovation pillar (双创): carriers and their tenants, a digital park's online registrations,
R&D centres, postdoc stations and postdocs, experts and appointments, technology contracts and 成果转化
projects, and the pillar's figures. Thin: parse, call, answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.db import models
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from gaoxin.core.pagination import Page
from gaoxin.core.schemas import USCC, Date, IdCard, ObjectId, QuerySchema, Schema, column_length
from gaoxin.enterprises.models import Qualification

from . import selectors
from .models import (
    Appointment,
    Expert,
    Incubation,
    InnovationCarrier,
    Level,
    OnlineRegistration,
    Postdoc,
    PostdocStation,
    TechContract,
    Transfer,
)
from .services import carriers, records

router = Router(tags=["双创"])


def _text(model: type[models.Model], field: str, *, required: bool = True):
    """A string no longer than the model's column (PostgreSQL refuses longer ones)."""
    f = model._meta.get_field(field)
    assert isinstance(f, models.CharField)
    return Annotated[str, Field(min_length=1 if required else 0, max_length=f.max_length)]


Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e15"), max_digits=18, decimal_places=2)]
Revision = Annotated[int, Field(ge=0)] | None
Year = Annotated[int, Field(ge=2000, le=2100)]
LevelCode = Literal[tuple(Level.values)]  # type: ignore[valid-type]


class EnterpriseRef(Schema):
    uscc: str
    name: str


class InnovationCarrierOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    level: str
    level_label: str
    operator: EnterpriseRef | None
    area: Decimal | None
    recognised_on: dt.date | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class InnovationCarrierIn(Schema):
    kind: Literal[tuple(InnovationCarrier.Kind.values)]  # type: ignore[valid-type]
    name: _text(InnovationCarrier, "name")  # type: ignore[valid-type]
    level: LevelCode = Level.CITY
    operator_uscc: USCC | None = None
    area: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)] | None = None
    recognised_on: Date | None = None


class YearCount(Schema):
    year: int
    graduated: int
    exited: int


class InnovationCarrierDetailOut(InnovationCarrierOut):
    online: dict
    graduations: list[YearCount]

    @staticmethod
    def resolve_online(obj, context):
        return selectors.online_counts(user=context["request"].user, carrier=obj)

    @staticmethod
    def resolve_graduations(obj, context):
        return selectors.graduations_by_year(user=context["request"].user, carrier=obj)


class IncubationOut(Schema):
    id: int
    carrier_id: int
    enterprise: EnterpriseRef
    entered_on: dt.date
    period_months: int
    due_on: dt.date
    state: str
    state_label: str
    left_on: dt.date | None
    reason: str
    revision: int

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class IncubationIn(Schema):
    enterprise_uscc: USCC
    entered_on: Date | None = None
    period_months: Annotated[int, Field(ge=1, le=carriers.MAX_PERIOD_MONTHS)] = 36


class IncubationActionIn(Schema):
    revision: Revision = None
    on: Date | None = None
    reason: _text(Incubation, "reason", required=False) = ""  # type: ignore[valid-type]
    months: Annotated[int, Field(ge=1, le=carriers.MAX_PERIOD_MONTHS, strict=True)] | None = None


class OnlineRegistrationRow(Schema):
    name: _text(OnlineRegistration, "name")  # type: ignore[valid-type]
    registered_on: Date
    uscc: USCC | None = None
    studio: bool = False


class OnlineRegistrationsIn(Schema):
    rows: Annotated[list[OnlineRegistrationRow], Field(min_length=1, max_length=carriers.MAX_ONLINE_ROWS)]


class CountOut(Schema):
    added: int


class RdCentreOut(Schema):
    id: int
    enterprise: EnterpriseRef
    kind: str
    kind_label: str
    level: str
    level_label: str
    certificate_no: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class RdCentreIn(Schema):
    enterprise_uscc: USCC
    kind: Literal[tuple(str(k) for k in records.RD_KINDS)]  # type: ignore[valid-type]
    level: LevelCode
    certificate_no: Annotated[
        str, Field(min_length=1, max_length=column_length(Qualification, "certificate_no"))
    ]
    valid_from: Date
    valid_to: Date | None = None


class PostdocStationOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    host: EnterpriseRef | None
    parent_id: int | None
    partner: str
    established_on: dt.date

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class PostdocStationIn(Schema):
    kind: Literal[tuple(PostdocStation.Kind.values)]  # type: ignore[valid-type]
    name: _text(PostdocStation, "name")  # type: ignore[valid-type]
    established_on: Date
    host_uscc: USCC | None = None
    parent_id: ObjectId | None = None
    partner: _text(PostdocStation, "partner", required=False) = ""  # type: ignore[valid-type]


class PostdocOut(Schema):
    id: int
    station_id: int
    name: str
    id_card: str
    field: str
    supervisor: str
    entered_on: dt.date
    due_on: dt.date
    left_on: dt.date | None
    state: str
    state_label: str

    @staticmethod
    def resolve_id_card(obj):
        return selectors.shown_id_card(obj)

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class PostdocStationDetailOut(PostdocStationOut):
    postdocs: list[PostdocOut]

    @staticmethod
    def resolve_postdocs(obj, context):
        return list(selectors.postdocs_of(user=context["request"].user, station=obj))


class PostdocIn(Schema):
    name: _text(Postdoc, "name")  # type: ignore[valid-type]
    id_card: IdCard
    field: _text(Postdoc, "field")  # type: ignore[valid-type]
    entered_on: Date
    months: Annotated[int, Field(ge=1, le=72)] = 24
    supervisor: _text(Postdoc, "supervisor", required=False) = ""  # type: ignore[valid-type]


class PostdocLeaveIn(Schema):
    on: Date
    completed: bool = True


class ExpertAppointmentOut(Schema):
    id: int
    department: str
    field: str
    term_from: dt.date
    term_to: dt.date
    ended_on: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)


class ExpertOut(Schema):
    id: int
    name: str
    organisation: str
    title: str
    field: str


class ExpertDetailOut(ExpertOut):
    appointments: list[ExpertAppointmentOut]

    @staticmethod
    def resolve_appointments(obj, context):
        return list(selectors.appointments_of(user=context["request"].user, expert=obj))


class ExpertIn(Schema):
    name: _text(Expert, "name")  # type: ignore[valid-type]
    organisation: _text(Expert, "organisation")  # type: ignore[valid-type]
    field: _text(Expert, "field")  # type: ignore[valid-type]
    title: _text(Expert, "title", required=False) = ""  # type: ignore[valid-type]


class ExpertAppointmentIn(Schema):
    department_id: ObjectId
    field: _text(Appointment, "field")  # type: ignore[valid-type]
    term_from: Date
    term_to: Date


class ExpertDismissIn(Schema):
    on: Date
    reason: _text(Appointment, "end_reason")  # type: ignore[valid-type]


class TechContractOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    kind_label: str
    seller: EnterpriseRef
    buyer: str
    amount: Decimal
    tech_amount: Decimal
    signed_on: dt.date
    registered_on: dt.date
    case_number: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class TechContractIn(Schema):
    number: _text(TechContract, "number")  # type: ignore[valid-type]
    name: _text(TechContract, "name")  # type: ignore[valid-type]
    kind: Literal[tuple(TechContract.Kind.values)]  # type: ignore[valid-type]
    seller_uscc: USCC
    buyer: _text(TechContract, "buyer")  # type: ignore[valid-type]
    amount: Annotated[Decimal, Field(gt=0, le=Decimal("1e15"), max_digits=18, decimal_places=2)]
    tech_amount: Amount
    signed_on: Date
    registered_on: Date | None = None
    case_number: _text(TechContract, "case_number", required=False) = ""  # type: ignore[valid-type]


class TransferOut(Schema):
    id: int
    name: str
    enterprise: EnterpriseRef
    source: str
    major: bool
    investment: Decimal | None
    transferred_on: dt.date


class TransferIn(Schema):
    name: _text(Transfer, "name")  # type: ignore[valid-type]
    enterprise_uscc: USCC
    source: _text(Transfer, "source")  # type: ignore[valid-type]
    transferred_on: Date
    major: bool = False
    investment: Amount | None = None


class YearFilter(QuerySchema):
    year: Year | None = None


# ---- carriers and tenants ------------------------------------------------------------------------


@router.get(
    "/innovation/carriers",
    response=list[InnovationCarrierOut],
    summary="双创载体（孵化器、众创空间、加速器等）",
)
@paginate(Page)
def carrier_list(request, kind: Literal[("", *InnovationCarrier.Kind.values)] = ""):  # type: ignore[valid-type]
    return selectors.carrier_list(user=request.user, kind=kind)


@router.post(
    "/innovation/carriers", response={201: InnovationCarrierDetailOut}, summary="登记双创载体（政策专员）"
)
def carrier_create(request, payload: InnovationCarrierIn):
    data = payload.dict()
    data["operator_uscc"] = data["operator_uscc"] or ""
    carrier = carriers.carrier_create(actor=request.user, **data)
    return Status(201, selectors.carrier_get(user=request.user, carrier_id=carrier.pk))


@router.get(
    "/innovation/carriers/{innovation_carrier_id}",
    response=InnovationCarrierDetailOut,
    summary="载体详情：线上注册与线下入驻企业数、逐年毕业企业数",
)
def carrier_get(request, innovation_carrier_id: ObjectId):
    return selectors.carrier_get(user=request.user, carrier_id=innovation_carrier_id)


@router.get(
    "/innovation/carriers/{innovation_carrier_id}/incubations",
    response=list[IncubationOut],
    summary="载体的在孵、毕业和退出企业",
)
@paginate(Page)
def carrier_incubations(
    request,
    innovation_carrier_id: ObjectId,
    state: Literal[("", *Incubation.State.values)] = "",  # type: ignore[valid-type]
):
    carrier = selectors.carrier_get(user=request.user, carrier_id=innovation_carrier_id)
    return selectors.incubations_of(user=request.user, carrier=carrier, state=state)


@router.post(
    "/innovation/carriers/{innovation_carrier_id}/incubations",
    response={201: IncubationOut},
    summary="企业入驻载体（政策专员）",
)
def incubation_admit(request, innovation_carrier_id: ObjectId, payload: IncubationIn):
    carrier = selectors.carrier_get(user=request.user, carrier_id=innovation_carrier_id)
    inc = carriers.incubation_admit(actor=request.user, carrier=carrier, **payload.dict())
    return Status(201, selectors.incubation_get(user=request.user, incubation_id=inc.pk))


@router.post(
    "/innovation/carriers/{innovation_carrier_id}/online-registrations",
    response={201: CountOut},
    summary="登记数字经济产业园的线上注册企业及个人工作室（政策专员）",
)
def online_add(request, innovation_carrier_id: ObjectId, payload: OnlineRegistrationsIn):
    carrier = selectors.carrier_get(user=request.user, carrier_id=innovation_carrier_id)
    rows = [{**r.dict(), "uscc": r.uscc or ""} for r in payload.rows]
    return Status(
        201, {"added": carriers.online_registrations_add(actor=request.user, carrier=carrier, rows=rows)}
    )


@router.get("/innovation/incubations/{incubation_id}", response=IncubationOut, summary="在孵企业详情")
def incubation_get(request, incubation_id: ObjectId):
    return selectors.incubation_get(user=request.user, incubation_id=incubation_id)


@router.post(
    "/innovation/incubations/{incubation_id}/actions/{action}",
    response=IncubationOut,
    summary="毕业（graduate）、退出（exit，须写原因）、延长孵化期（extend，months）；状态不符或 revision 过期时 409",
)
def incubation_action(
    request,
    incubation_id: ObjectId,
    action: Annotated[str, Field(max_length=20)],
    payload: IncubationActionIn,
):
    selectors.incubation_get(user=request.user, incubation_id=incubation_id)
    carriers.incubation_act(
        actor=request.user,
        incubation_id=incubation_id,
        action=action,
        revision=payload.revision,
        on=payload.on,
        reason=payload.reason,
        months=payload.months,
    )
    return selectors.incubation_get(user=request.user, incubation_id=incubation_id)


# ---- R&D centres, stations, experts --------------------------------------------------------------


@router.get(
    "/innovation/rd-centres", response=list[RdCentreOut], summary="研发机构与技术转移示范机构（企业资质）"
)
@paginate(Page)
def rd_centre_list(
    request,
    kind: Literal[("", *(str(k) for k in records.RD_KINDS))] = "",  # type: ignore[valid-type]
    level: Literal[("", *Level.values)] = "",  # type: ignore[valid-type]
):
    return selectors.rd_centre_list(user=request.user, kind=kind, level=level)


@router.post("/innovation/rd-centres", response={201: RdCentreOut}, summary="登记研发机构或技术转移示范机构")
def rd_centre_register(request, payload: RdCentreIn):
    return Status(201, records.rd_centre_register(actor=request.user, **payload.dict()))


@router.get("/innovation/stations", response=list[PostdocStationOut], summary="博士后工作站及分站")
@paginate(Page)
def station_list(request):
    return selectors.station_list(user=request.user)


@router.post(
    "/innovation/stations", response={201: PostdocStationDetailOut}, summary="设立博士后工作站或分站"
)
def station_create(request, payload: PostdocStationIn):
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = selectors.station_get(user=request.user, station_id=parent_id) if parent_id else None
    data["host_uscc"] = data["host_uscc"] or ""
    station = records.station_create(actor=request.user, parent=parent, **data)
    return Status(201, selectors.station_get(user=request.user, station_id=station.pk))


@router.get(
    "/innovation/stations/{station_id}", response=PostdocStationDetailOut, summary="工作站详情与在站博士后"
)
def station_get(request, station_id: ObjectId):
    return selectors.station_get(user=request.user, station_id=station_id)


@router.post("/innovation/stations/{station_id}/postdocs", response={201: PostdocOut}, summary="博士后进站")
def postdoc_enter(request, station_id: ObjectId, payload: PostdocIn):
    station = selectors.station_get(user=request.user, station_id=station_id)
    return Status(201, records.postdoc_enter(actor=request.user, station=station, **payload.dict()))


@router.post("/innovation/postdocs/{postdoc_id}/leave", response=PostdocOut, summary="博士后出站或退站")
def postdoc_leave(request, postdoc_id: ObjectId, payload: PostdocLeaveIn):
    selectors.postdoc_get(user=request.user, postdoc_id=postdoc_id)
    records.postdoc_leave(actor=request.user, postdoc_id=postdoc_id, **payload.dict())
    return selectors.postdoc_get(user=request.user, postdoc_id=postdoc_id)


@router.get("/innovation/experts", response=list[ExpertOut], summary="专家顾问库")
@paginate(Page)
def expert_list(request, q: Annotated[str, Field(max_length=60)] = ""):
    return selectors.expert_list(user=request.user, q=q)


@router.post("/innovation/experts", response={201: ExpertDetailOut}, summary="登记专家顾问")
def expert_create(request, payload: ExpertIn):
    expert = records.expert_create(actor=request.user, **payload.dict())
    return Status(201, selectors.expert_get(user=request.user, expert_id=expert.pk))


@router.get("/innovation/experts/{expert_id}", response=ExpertDetailOut, summary="专家详情与聘任记录")
def expert_get(request, expert_id: ObjectId):
    return selectors.expert_get(user=request.user, expert_id=expert_id)


@router.post(
    "/innovation/experts/{expert_id}/appointments", response={201: ExpertDetailOut}, summary="聘任专家"
)
def appointment_add(request, expert_id: ObjectId, payload: ExpertAppointmentIn):
    expert = selectors.expert_get(user=request.user, expert_id=expert_id)
    records.appointment_add(actor=request.user, expert=expert, **payload.dict())
    return Status(201, selectors.expert_get(user=request.user, expert_id=expert_id))


@router.post(
    "/innovation/experts/{expert_id}/appointments/{appointment_id}/dismiss",
    response=ExpertDetailOut,
    summary="提前解聘专家（须写原因和日期）；已解聘或已期满的聘任 409",
)
def appointment_dismiss(request, expert_id: ObjectId, appointment_id: ObjectId, payload: ExpertDismissIn):
    expert = selectors.expert_get(user=request.user, expert_id=expert_id)
    records.appointment_dismiss(
        actor=request.user, expert=expert, appointment_id=appointment_id, on=payload.on, reason=payload.reason
    )
    return selectors.expert_get(user=request.user, expert_id=expert_id)


# ---- contracts and 成果转化 --------------------------------------------------------------------------


@router.get("/innovation/contracts", response=list[TechContractOut], summary="技术合同认定登记")
@paginate(Page)
def contract_list(request, f: Query[YearFilter]):
    return selectors.contract_list(user=request.user, year=f.year)


@router.post("/innovation/contracts", response={201: TechContractOut}, summary="登记技术合同（认定登记）")
def contract_register(request, payload: TechContractIn):
    contract = records.contract_register(actor=request.user, **payload.dict())
    return Status(201, selectors.contract_get(user=request.user, contract_id=contract.pk))


@router.get("/innovation/contracts/{contract_id}", response=TechContractOut, summary="技术合同详情")
def contract_get(request, contract_id: ObjectId):
    return selectors.contract_get(user=request.user, contract_id=contract_id)


@router.get("/innovation/transfers", response=list[TransferOut], summary="科技成果转化项目")
@paginate(Page)
def transfer_list(request, f: Query[YearFilter]):
    return selectors.transfer_list(user=request.user, year=f.year)


@router.post("/innovation/transfers", response={201: TransferOut}, summary="登记科技成果转化项目")
def transfer_record(request, payload: TransferIn):
    transfer = records.transfer_record(actor=request.user, **payload.dict())
    return Status(201, selectors.transfer_get(user=request.user, transfer_id=transfer.pk))


@router.get("/innovation/transfers/{transfer_id}", response=TransferOut, summary="成果转化项目详情")
def transfer_get(request, transfer_id: ObjectId):
    return selectors.transfer_get(user=request.user, transfer_id=transfer_id)


@router.get("/innovation/stats", response=dict, summary="双创统计（在孵、毕业、技术合同、研发机构等），按年")
def stats(request, year: Year, month: Annotated[int, Field(ge=1, le=12)] | None = None):
    return selectors.innovation_stats(user=request.user, period=(year, month), by="")
