"""API of 工程建设项目审批 tracks: a project's four stages over its cases, and 拿地即开工."""

import datetime as dt

from ninja import Router, Status
from ninja.pagination import paginate

from gaoxin.core.pagination import Page
from gaoxin.core.schemas import Schema

from . import selectors
from .schemas import ActionIn, TrackCaseIn, TrackIn
from .services import tracks
from .services.common import text

router = Router(tags=["政务服务"])


# ---- 工程建设项目审批 tracks ----


class TrackStageOut(Schema):
    order: int
    name: str
    state: str
    started_on: dt.date | None
    finished_on: dt.date | None
    workdays: int | None
    workdays_certain: bool

    @staticmethod
    def resolve_name(obj):
        return obj.get_order_display()


class TrackCaseOut(Schema):
    stage: int
    kind: str
    case: str
    item_name: str
    state: str

    @staticmethod
    def resolve_case(obj):
        return obj.case.number

    @staticmethod
    def resolve_item_name(obj):
        return obj.case.item.name

    @staticmethod
    def resolve_state(obj):
        return obj.case.state


class TrackOut(Schema):
    number: str
    name: str
    project_code: str
    applicant_name: str
    mode: str
    state: str
    commitment_signed: bool
    land_contract_on: dt.date | None
    revision: int
    stages: list[TrackStageOut]

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


class TrackDetailOut(TrackOut):
    cases: list[TrackCaseOut]

    @staticmethod
    def resolve_cases(obj):
        return list(obj.cases.select_related("case__item"))


@router.get("/project-tracks", response=list[TrackOut], summary="工程建设项目审批（按用户权限范围）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000, count=False)
def track_list(request):
    return selectors.track_list(user=request.user).prefetch_related("stages")


@router.post(
    "/project-tracks", response={201: TrackDetailOut}, summary="登记工程建设项目（常规或拿地即开工）"
)
def track_create(request, payload: TrackIn):
    track = tracks.track_create(
        actor=request.user,
        name=text(payload.name, 120),
        applicant=text(payload.applicant, 150) if payload.applicant else None,
        mode=payload.mode,
        project_code=text(payload.project_code, 20),
        commitment=payload.commitment,
    )
    return Status(201, selectors.track_get(user=request.user, number=track.number))


@router.get("/project-tracks/{track_number}", response=TrackDetailOut, summary="项目审批进度与各阶段用时")
def track_get(request, track_number: str):
    return selectors.track_get(user=request.user, number=track_number)


@router.post(
    "/project-tracks/{track_number}/cases", response=TrackDetailOut, summary="把办件关联到项目的阶段"
)
def track_case_attach(request, track_number: str, payload: TrackCaseIn):
    track = tracks.track_case_attach(
        actor=request.user,
        number=text(track_number, 24),
        case_number=text(payload.case, 20),
        stage=payload.stage,
        kind=payload.kind,
    )
    return selectors.track_get(user=request.user, number=track.number)


@router.post(
    "/project-tracks/{track_number}/actions/{action}",
    response=TrackDetailOut,
    summary="项目操作（sign_land_contract：登记土地出让合同签订，拿地即开工）",
)
def track_act(request, track_number: str, action: str, payload: ActionIn):
    track = tracks.track_act(
        actor=request.user, number=text(track_number, 24), action=text(action, 30), revision=payload.revision
    )
    return selectors.track_get(user=request.user, number=track.number)
