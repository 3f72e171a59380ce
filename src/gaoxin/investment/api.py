"""API of the investment pillar (招商引资): projects through the pipeline, chains and their gaps, carriers,
trips and visits, commitments and 履约 warnings, KPIs and exports. Thin: parse, call, answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gaoxin.core import clock
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import USCC, Date, ObjectId, QuerySchema, Schema, column_digits, column_length
from gaoxin.core.spreadsheets import xlsx_response

from . import permissions, selectors
from .models import Carrier, Chain, Commitment, Project
from .services import carriers, chains, kpis, pipeline, target_import

router = Router(tags=["招商引资"])

Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=2)]
Short = Annotated[str, Field(max_length=300)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Year = Annotated[int, Field(ge=2000, le=2100)]


def _require_planning(user) -> None:
    if not permissions.can_view_planning(user):
        raise PermissionDenied("只有工作人员可以查看")


# ---- projects -----------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    company: str
    source: str
    stage: str
    stage_label: str
    pending_review: bool
    revision: int
    chain: str | None
    link_id: int | None
    sector: str
    intended_investment: Decimal
    signed_amount: Decimal | None
    signed_on: dt.date | None
    agreement_no: str
    uscc: str
    permit_no: str
    contact_name: str
    officer: str
    created_on: dt.date
    reason: str

    @staticmethod
    def resolve_stage_label(obj):
        return obj.get_stage_display()

    @staticmethod
    def resolve_chain(obj):
        return obj.link.chain.name if obj.link_id else None

    @staticmethod
    def resolve_officer(obj):
        return obj.officer.full_name or obj.officer.username


class ProjectFilter(QuerySchema):
    stage: Literal[("", *Project.Stage.values)] = ""  # type: ignore[valid-type]
    q: Annotated[str, Field(max_length=60)] = ""
    chain: Annotated[str, Field(max_length=40)] = ""
    pending: bool | None = None


class LeadIn(Schema):
    name: Name
    company: Name
    source: Literal[tuple(Project.Source.values)]  # type: ignore[valid-type]
    intended_investment: Amount
    link_id: ObjectId | None = None
    sector: Annotated[str, Field(max_length=40)] = ""
    contact_name: Annotated[str, Field(max_length=40)] = ""
    contact_phone: Annotated[str, Field(max_length=30)] = ""
    visit_id: ObjectId | None = None


class MoveIn(Schema):
    revision: Annotated[int, Field(ge=0)] | None = None
    note: Short = ""
    on: Date | None = None
    contact_name: Annotated[str, Field(max_length=40)] = ""
    agreement_no: Annotated[str, Field(max_length=60)] = ""
    signed_amount: Amount | None = None
    signed_on: Date | None = None
    uscc: USCC | None = None
    permit_no: Annotated[str, Field(max_length=60)] = ""


class StageEventOut(Schema):
    id: int
    action: str
    from_stage: str
    to_stage: str
    on: dt.date
    counted_on: dt.date | None
    withdrawn: bool
    actor: str
    note: str

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.full_name or obj.actor.username) if obj.actor_id else ""


class EvidenceIn(Schema):
    stage: Literal[tuple(pipeline.GATES)]  # type: ignore[valid-type]
    title: Name
    doc_no: Annotated[str, Field(max_length=60)] = ""


class EvidenceOut(Schema):
    id: int
    stage: str
    title: str
    doc_no: str


class CommitmentIn(Schema):
    kind: Literal[tuple(Commitment.Kind.values)]  # type: ignore[valid-type]
    due_on: Date
    value: Amount | None = None


class CommitmentOut(Schema):
    id: int
    kind: str
    value: Decimal | None
    due_on: dt.date


class FundIn(Schema):
    amount: Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=16, decimal_places=2)]
    on: Date | None = None


class FundOut(Schema):
    id: int
    on: dt.date
    amount: Decimal


@router.get("/investment/projects", response=list[ProjectOut], summary="招商项目")
@paginate(Page)
def project_list(request, f: Query[ProjectFilter]):
    return selectors.project_list(user=request.user, stage=f.stage, q=f.q, chain=f.chain, pending=f.pending)


@router.post("/investment/projects", response={201: ProjectOut}, summary="登记招商线索")
def project_create(request, payload: LeadIn):
    link = selectors.link_get(user=request.user, pk=payload.link_id) if payload.link_id else None
    visit = None
    if payload.visit_id:
        visit = selectors.visit_get(user=request.user, pk=payload.visit_id)
    data = payload.dict(exclude={"link_id", "visit_id"})
    project = pipeline.lead_create(actor=request.user, link=link, visit=visit, **data)
    return Status(201, selectors.project_get(user=request.user, pk=project.pk))


@router.get("/investment/projects/{project_id}", response=ProjectOut, summary="招商项目详情")
def project_get(request, project_id: ObjectId):
    return selectors.project_get(user=request.user, pk=project_id)


class CaseRef(Schema):
    number: str
    item: str
    state: str
    state_label: str
    submitted_on: dt.date
    decided: bool

    @staticmethod
    def resolve_item(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_submitted_on(obj) -> dt.date:
        return timezone.localdate(obj.submitted_at)

    @staticmethod
    def resolve_decided(obj) -> bool:
        return obj.decided_at is not None


class AwardRef(Schema):
    id: int
    policy: str
    clause: str
    period: int
    amount_yuan: Decimal
    state: str
    state_label: str

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.clause.policy.title

    @staticmethod
    def resolve_clause(obj) -> str:
        return obj.clause.title

    @staticmethod
    def resolve_amount_yuan(obj) -> Decimal:
        return obj.amount

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class ProjectServicesOut(Schema):
    uscc: str
    cases: list[CaseRef]
    awards: list[AwardRef]


@router.get(
    "/investment/projects/{project_id}/services",
    response=ProjectServicesOut,
    summary="项目落地企业的政务服务办件（拿地即开工、施工许可等）和惠企政策兑现（按读者在各板块的权限）",
)
def project_services(request, project_id: ObjectId):
    project = selectors.project_get(user=request.user, pk=project_id)
    return {"uscc": project.uscc, **selectors.project_services(user=request.user, project=project)}


@router.post(
    "/investment/projects/{project_id}/actions/{action}",
    response=ProjectOut,
    summary="推进项目阶段（签约、开工、投产、审核、暂停、终止…）；revision 过期时 409",
)
def project_action(
    request, project_id: ObjectId, action: Annotated[str, Field(max_length=20)], payload: MoveIn
):
    selectors.project_get(user=request.user, pk=project_id)
    data = payload.dict(exclude={"revision", "note"})
    pipeline.project_move(
        actor=request.user,
        project_id=project_id,
        action=action,
        revision=payload.revision,
        note=payload.note,
        **data,
    )
    return selectors.project_get(user=request.user, pk=project_id)


@router.get(
    "/investment/projects/{project_id}/timeline", response=list[StageEventOut], summary="项目阶段时间线"
)
def project_timeline(request, project_id: ObjectId):
    project = selectors.project_get(user=request.user, pk=project_id)
    return list(selectors.project_timeline(user=request.user, project=project))


@router.post(
    "/investment/projects/{project_id}/evidence", response={201: EvidenceOut}, summary="上传阶段佐证材料"
)
def evidence_add(request, project_id: ObjectId, payload: EvidenceIn):
    selectors.project_get(user=request.user, pk=project_id)
    return Status(201, pipeline.evidence_add(actor=request.user, project_id=project_id, **payload.dict()))


@router.put("/investment/projects/{project_id}/commitments", response=CommitmentOut, summary="登记履约承诺")
def commitment_set(request, project_id: ObjectId, payload: CommitmentIn):
    selectors.project_get(user=request.user, pk=project_id)
    return pipeline.commitment_set(actor=request.user, project_id=project_id, **payload.dict())


@router.post("/investment/projects/{project_id}/funds", response={201: FundOut}, summary="登记到位资金")
def fund_add(request, project_id: ObjectId, payload: FundIn):
    selectors.project_get(user=request.user, pk=project_id)
    return Status(201, pipeline.fund_arrival_add(actor=request.user, project_id=project_id, **payload.dict()))


class WarningOut(Schema):
    project_id: int
    code: str
    name: str
    warning: str
    due_on: dt.date
    actual: str
    overdue_days: int


@router.get(
    "/investment/warnings",
    response=list[WarningOut],
    summary="履约预警（超期未开工、未按期投产、投资强度不达标…）",
)
def warning_list(request):
    rows = kpis.warnings(selectors.visible_projects(user=request.user))
    return [
        {
            "project_id": r["project"].pk,
            "code": r["project"].code,
            "name": r["project"].name,
            "warning": r["warning"],
            "due_on": r["commitment"].due_on,
            "actual": r["actual"],
            "overdue_days": r["overdue_days"],
        }
        for r in rows
    ]


@router.get(
    "/investment/projects.xlsx", summary="招商项目导出（Excel；非项目团队导出时隐去企业、联系人和金额）"
)
def project_export(request):
    _require_planning(request.user)
    return xlsx_response(
        kpis.projects_workbook(selectors.project_export(user=request.user), user=request.user),
        "projects.xlsx",
    )


# ---- KPIs ---------------------------------------------------------------------------------------


class KpiQuery(QuerySchema):
    year: Year | None = None
    as_of: Date | None = None
    by: Literal[("", *kpis.DIMENSIONS)] = ""  # type: ignore[valid-type]
    bands: Annotated[str, Field(max_length=80)] = ""


class KpiRow(Schema):
    name: str
    signed: int
    amount: Decimal | None
    over_yi: int
    bands: dict[str, int]
    started: int
    producing: int
    arrived: Decimal | None
    start_rate: float | None
    produce_rate: float | None
    arrival_rate: float | None
    keep_rate: float | None


class KpiOut(Schema):
    year: int
    as_of: dt.date
    by: str
    bands: list[str]
    total: KpiRow | None
    rows: list[KpiRow]
    trips: dict[str, int]


def _kpis(user, q: KpiQuery) -> dict:
    _require_planning(user)
    year = q.year or clock.today().year
    result = kpis.kpis(
        selectors.kpi_projects(user=user), year=year, as_of=q.as_of, by=q.by, bands=kpis.parse_bands(q.bands)
    )
    result["trips"] = kpis.trip_figures(year=year, as_of=q.as_of)
    if not permissions.is_bureau_or_leader(user):
        for g in [*result["rows"], *([result["total"]] if result["total"] else [])]:
            g["amount"] = g["arrived"] = None
    return result


@router.get(
    "/investment/kpis", response=KpiOut, summary="招商指标（可指定截至日期，按产业链/专员/部门/月份分组）"
)
def kpi_get(request, q: Query[KpiQuery]):
    return _kpis(request.user, q)


@router.get("/investment/kpis.xlsx", summary="招商指标导出（Excel；非投资促进局和领导导出时隐去金额）")
def kpi_export(request, q: Query[KpiQuery]):
    result = _kpis(request.user, q)
    masked = not permissions.is_bureau_or_leader(request.user)
    return xlsx_response(kpis.kpi_workbook(result, masked=masked), f"kpis-{result['year']}.xlsx")


class TargetIn(Schema):
    year: Year
    metric: Literal[tuple(kpis.TARGET_METRICS)]  # type: ignore[valid-type]
    value: Amount


@router.put("/investment/targets", response=dict[str, str], summary="设置年度招商目标")
def target_set(request, payload: TargetIn):
    from .services.targets import target_set as set_target

    t = set_target(actor=request.user, **payload.dict())
    return {"year": str(t.year), "metric": t.metric, "value": str(t.value)}


# ---- chains -------------------------------------------------------------------------------------


class ChainOut(Schema):
    id: int
    code: str
    name: str
    anchor: str
    n_links: int = 0


class ChainIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=column_length(Chain, "name"))]
    anchor: Annotated[str, Field(max_length=200)] = ""


class LinkIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    parent_id: ObjectId | None = None
    gbt_codes: Annotated[str, Field(max_length=200)] = ""
    imported_demand: bool = False


class LinkOut(Schema):
    id: int
    chain_id: int
    parent_id: int | None
    name: str
    gbt_codes: str
    imported_demand: bool


class NodeOut(Schema):
    id: int
    name: str
    parent: int | None
    codes: list[str]
    enterprises: list[dict]
    count: int
    output: Decimal
    output_share: float
    projects: int
    gaps: list[str]
    gap_labels: list[str]
    proposal: str
    targets: list[str]


class ProposalOut(Schema):
    link: int
    name: str
    proposal: str
    gaps: list[str]
    gap_labels: list[str]
    targets: list[str]


class ChainMapOut(Schema):
    chain: ChainOut
    year: int
    nodes: list[NodeOut]
    proposals: list[ProposalOut]


class PlacementIn(Schema):
    uscc: USCC
    note: Annotated[str, Field(max_length=200)] = ""


class TargetCompanyIn(Schema):
    company: Name
    city: Annotated[str, Field(max_length=60)] = ""
    note: Annotated[str, Field(max_length=200)] = ""


@router.get("/investment/chains", response=list[ChainOut], summary="产业链")
def chain_list(request):
    return list(selectors.chain_list(user=request.user))


@router.post("/investment/chains", response={201: ChainOut}, summary="新建产业链")
def chain_create(request, payload: ChainIn):
    return Status(201, chains.chain_create(actor=request.user, **payload.dict()))


@router.get("/investment/chains/{chain_id}", response=ChainMapOut, summary="产业链图谱与缺链分析")
def chain_get(request, chain_id: ObjectId, year: Year | None = None):
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    return chains.chain_map(chain, year=year)


@router.post("/investment/chains/{chain_id}/links", response={201: LinkOut}, summary="添加产业链环节")
def link_add(request, chain_id: ObjectId, payload: LinkIn):
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    parent = selectors.link_get(user=request.user, pk=payload.parent_id) if payload.parent_id else None
    data = payload.dict(exclude={"parent_id"})
    return Status(201, chains.link_add(actor=request.user, chain=chain, parent=parent, **data))


@router.post(
    "/investment/links/{link_id}/placements", response={201: dict[str, str]}, summary="手工将企业放到环节上"
)
def placement_add(request, link_id: ObjectId, payload: PlacementIn):
    link = selectors.link_get(user=request.user, pk=link_id)
    p = chains.placement_add(actor=request.user, link=link, **payload.dict())
    return Status(201, {"link": str(p.link_id), "uscc": p.uscc})


@router.post(
    "/investment/links/{link_id}/targets", response={201: dict[str, str]}, summary="添加补链/延链目标企业"
)
def target_company_add(request, link_id: ObjectId, payload: TargetCompanyIn):
    link = selectors.link_get(user=request.user, pk=link_id)
    t = chains.target_add(actor=request.user, link=link, **payload.dict())
    return Status(201, {"link": str(t.link_id), "company": t.company})


MAX_UPLOAD = 10 * 1024 * 1024


@router.get(
    "/investment/chains/{chain_id}/targets.xlsx",
    summary="目标企业清单导入模板（含填表说明、环节下拉和已录入的目标企业）",
)
def targets_template(request, chain_id: ObjectId):
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    return xlsx_response(target_import.target_template(chain), f"targets-{chain.code}.xlsx")


@router.post(
    "/investment/chains/{chain_id}/targets/import",
    response=dict[str, int],
    summary="Excel 导入目标企业清单（全部成功或全部不写入；失败时返回错误说明表）",
)
def targets_import(request, chain_id: ObjectId, file: File[UploadedFile]):
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    if file.size and file.size > MAX_UPLOAD:
        raise ValidationFailed("文件不能超过 10MB", fields={"file": "文件过大"})
    return {"imported": target_import.targets_import(actor=request.user, chain=chain, content=file.read())}


# ---- carriers -----------------------------------------------------------------------------------


class CarrierOut(Schema):
    id: int
    kind: str
    name: str
    park_id: int | None
    area_mu: Decimal | None
    floor_area: Decimal | None
    min_intensity: Decimal | None
    plot_ratio: Decimal | None
    min_tax_per_mu: Decimal | None
    state: str
    project: str | None

    @staticmethod
    def resolve_project(obj):
        return getattr(obj, "holder", None)


class CarrierIn(Schema):
    kind: Literal[tuple(Carrier.Kind.values)]  # type: ignore[valid-type]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    park_id: ObjectId | None = None
    area_mu: Annotated[Decimal, Field(ge=0, **column_digits(Carrier, "area_mu"))] | None = None
    floor_area: Annotated[Decimal, Field(ge=0, **column_digits(Carrier, "floor_area"))] | None = None
    min_intensity: Annotated[Decimal, Field(ge=0, **column_digits(Carrier, "min_intensity"))] | None = None
    plot_ratio: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None = None
    min_tax_per_mu: Annotated[Decimal, Field(ge=0, **column_digits(Carrier, "min_tax_per_mu"))] | None = None


class AssignIn(Schema):
    state: Literal[tuple(Carrier.State.values)]  # type: ignore[valid-type]
    project_id: ObjectId | None = None


class CarrierFilter(QuerySchema):
    kind: Literal[("", *Carrier.Kind.values)] = ""  # type: ignore[valid-type]
    state: Literal[("", *Carrier.State.values)] = ""  # type: ignore[valid-type]


@router.get("/investment/carriers", response=list[CarrierOut], summary="载体（产业园、标准地、标准厂房）")
def carrier_list(request, f: Query[CarrierFilter]):
    qs = selectors.carrier_list(user=request.user, kind=f.kind, state=f.state)
    return selectors.carrier_rows(user=request.user, carriers=qs)


@router.post("/investment/carriers", response={201: CarrierOut}, summary="登记载体")
def carrier_create(request, payload: CarrierIn):
    park = selectors.carrier_get(user=request.user, pk=payload.park_id) if payload.park_id else None
    return Status(
        201, carriers.carrier_create(actor=request.user, park=park, **payload.dict(exclude={"park_id"}))
    )


@router.post(
    "/investment/carriers/{carrier_id}/assign", response=CarrierOut, summary="预留、出租、出让或收回载体"
)
def carrier_assign(request, carrier_id: ObjectId, payload: AssignIn):
    selectors.carrier_get(user=request.user, pk=carrier_id)
    project = selectors.project_get(user=request.user, pk=payload.project_id) if payload.project_id else None
    carriers.carrier_assign(actor=request.user, carrier_id=carrier_id, state=payload.state, project=project)
    carrier = selectors.carrier_get(user=request.user, pk=carrier_id)
    return selectors.carrier_rows(user=request.user, carriers=[carrier])[0]


# ---- trips and visits ---------------------------------------------------------------------------


class TripIn(Schema):
    leader: Annotated[str, Field(min_length=1, max_length=60)]
    destination: Annotated[str, Field(min_length=1, max_length=60)]
    start_on: Date
    end_on: Date
    purpose: Annotated[str, Field(max_length=200)] = ""


class TripOut(Schema):
    id: int
    leader: str
    destination: str
    start_on: dt.date
    end_on: dt.date
    purpose: str
    n_visits: int = 0


class VisitIn(Schema):
    company: Name
    on: Date
    city: Annotated[str, Field(max_length=60)] = ""
    note: Short = ""


class VisitOut(Schema):
    id: int
    trip_id: int | None
    company: str
    city: str
    on: dt.date
    note: str


class VisitYieldOut(Schema):
    visit: VisitOut
    projects: list[dict]


class TripDetailOut(Schema):
    trip: TripOut
    visits: list[VisitYieldOut]


@router.get("/investment/trips", response=list[TripOut], summary="出行招商")
@paginate(Page)
def trip_list(request, year: Year | None = None):
    return selectors.trip_list(user=request.user, year=year)


@router.post("/investment/trips", response={201: TripOut}, summary="登记出行招商")
def trip_create(request, payload: TripIn):
    return Status(201, carriers.trip_create(actor=request.user, **payload.dict()))


@router.get(
    "/investment/trips/{trip_id}", response=TripDetailOut, summary="出行招商详情：拜访企业及产生的项目"
)
def trip_get(request, trip_id: ObjectId):
    trip = selectors.trip_get(user=request.user, pk=trip_id)
    return {"trip": trip, "visits": selectors.trip_yield(user=request.user, trip=trip)}


@router.post("/investment/trips/{trip_id}/visits", response={201: VisitOut}, summary="登记出行中的拜访")
def visit_add(request, trip_id: ObjectId, payload: VisitIn):
    trip = selectors.trip_get(user=request.user, pk=trip_id)
    return Status(201, carriers.visit_add(actor=request.user, trip=trip, **payload.dict()))


@router.post("/investment/visits", response={201: VisitOut}, summary="登记对接拜访（不随出行）")
def visit_add_alone(request, payload: VisitIn):
    return Status(201, carriers.visit_add(actor=request.user, **payload.dict()))
