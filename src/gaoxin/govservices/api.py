"""API of the government services pillar: catalogue, cases and their actions, licence verification."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, File, Header, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gaoxin.core import ratelimit
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import JsonOrMultipart, QuerySchema, Schema, multipart_variant
from gaoxin.core.spreadsheets import xlsx_response

from . import selectors
from .schemas import (
    ACTION_FILES,
    SUBMIT_FILES,
    CardResolveIn,
    CaseActionIn,
    CaseSubmitIn,
    RatingIn,
    RectificationActionIn,
)
from .services import cases as case_services
from .services import catalogue, licences, submission, supervision
from .services import ratings as rating_services
from .services.cases import available_actions
from .services.common import scrub, text

router = Router(tags=["政务服务"])


class ItemOut(Schema):
    code: str
    name: str
    department: str
    version: int
    handling: str
    committed_days: int
    legal_days: int

    @staticmethod
    def resolve_department(obj):
        return obj.department.name

    @staticmethod
    def resolve_version(obj):
        return obj.current.number

    @staticmethod
    def resolve_handling(obj):
        return obj.current.handling

    @staticmethod
    def resolve_committed_days(obj):
        return obj.current.committed_days

    @staticmethod
    def resolve_legal_days(obj):
        return obj.current.legal_days


class MaterialSpecOut(Schema):
    order: int
    name: str
    required: bool
    key: bool
    commitment_allowed: bool
    file_types: str
    licence_item: str


class StageSpecOut(Schema):
    order: int
    name: str
    role: str
    days: int
    departments: list[str]

    @staticmethod
    def resolve_departments(obj):
        return [d.code for d in obj.departments.all()]


class ItemDetailOut(Schema):
    code: str
    version: int
    name: str
    implementing_code: str
    item_type: str
    legal_basis: str
    department: str
    legal_days: int
    committed_days: int
    handling: str
    conditions: str
    fee: bool
    visits: int
    online_depth: str
    scope: str
    allow_deferral: bool
    allow_commitment: bool
    commitment_text: str
    special_procedures: str
    result_type: str
    result_name: str
    consultation: str
    complaint: str
    form_fields: list[dict]
    materials: list[MaterialSpecOut]
    stages: list[StageSpecOut]


class ItemFilter(QuerySchema):
    q: str = Field("", max_length=60, description="中文、全拼、首字母或编码")
    department: str = Field("", max_length=20, description="部门编码")


@router.get(
    "/service-items", response=list[ItemOut], auth=None, summary="事项目录（可按中文、拼音、编码检索）"
)
@paginate(Page, limit=25, max_limit=100, max_offset=100_000)
def item_list(request, f: Query[ItemFilter]):
    return selectors.item_list(q=f.q, department=f.department)


@router.get("/service-items/{code}", response=ItemDetailOut, auth=None, summary="办事指南")
def item_get(request, code: str):
    v = selectors.version_detail(selectors.item_get(code=code).current)
    out = {
        f: getattr(v, f)
        for f in ItemDetailOut.model_fields
        if hasattr(v, f) and f not in ("materials", "stages")
    }
    out.update(code=v.item.code, version=v.number, department=v.department.code)
    out["materials"] = list(v.materials.all())
    out["stages"] = list(v.stages.all())
    return out


@router.get("/service-catalogue.xlsx", summary="导出事项目录（Excel）")
def catalogue_export(request):
    return xlsx_response(catalogue.catalogue_export(user=request.user), "catalogue.xlsx")


class ImportOut(Schema):
    imported: list[str]


@router.post("/service-catalogue/import", response=ImportOut, summary="导入事项目录（全部通过才导入）")
def catalogue_import(request, file: File[UploadedFile]):
    upload = file
    versions = catalogue.catalogue_import(actor=request.user, content=upload.read(10 * 1024 * 1024))
    return {"imported": [v.item.code for v in versions]}


class CaseOut(Schema):
    number: str
    item: str
    item_name: str
    version: int
    state: str
    state_label: str
    applicant_name: str
    department: str
    channel: str
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_on: dt.date | None
    due_certain: bool
    legal_due_on: dt.date | None
    light: str
    revision: int

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_version(obj):
        return obj.version.number

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_department(obj):
        return obj.department.code


class EventOut(Schema):
    at: dt.datetime
    actor_name: str
    action: str
    label: str
    from_state: str
    to_state: str
    opinion: str
    details: dict


class MaterialOut(Schema):
    id: int
    order: int
    name: str
    status: str
    sha256: str
    size: int
    due_on: dt.date | None
    problem: str
    licence: str | None

    @staticmethod
    def resolve_order(obj):
        return obj.spec.order

    @staticmethod
    def resolve_name(obj):
        return obj.spec.name

    @staticmethod
    def resolve_licence(obj):
        return obj.licence.number if obj.licence_id else None


class OpinionOut(Schema):
    department: str
    verdict: str
    opinion: str

    @staticmethod
    def resolve_department(obj):
        return obj.department.code


class StageOut(Schema):
    order: int
    name: str
    state: str
    due_on: dt.date | None
    due_certain: bool
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_opinions(obj):
        return list(obj.opinions.all())


class CaseDetailOut(CaseOut):
    data: dict
    reason: str
    suspended_days: int
    extended_days: int
    procedure: str
    notice_due_on: dt.date | None
    post_tracking: str
    licence: str | None
    actions: list[str]
    materials: list[MaterialOut]
    stages: list[StageOut]
    events: list[EventOut]

    @staticmethod
    def resolve_licence(obj, context):
        return selectors.licence_number_of(user=context["request"].user, case=obj)

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in available_actions(user=context["request"].user, case=obj)]

    @staticmethod
    def resolve_materials(obj):
        return list(obj.materials.select_related("spec", "licence"))

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.prefetch_related("opinions__department"))

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class CaseReceiptOut(Schema):
    """The short answer to a submission that asked for it (`Prefer: return=minimal`, RFC 7240): what
    the applicant needs to follow the case; the whole case is at the `Location` the answer names."""

    number: str
    state: str
    revision: int
    submitted_at: dt.datetime
    due_on: dt.date | None


# The full case unless the client prefers the receipt; the first schema that fits is taken, so the
# full answer is validated once.
SubmitAnswer = Annotated[CaseDetailOut | CaseReceiptOut, Field(union_mode="left_to_right")]


def prefers_minimal(prefer: str | None) -> bool:
    """Whether a Prefer header (RFC 7240) asks for `return=minimal`."""
    tokens = (t.strip().lower() for part in (prefer or "").split(",") for t in part.split(";"))
    return "return=minimal" in {t.replace(" ", "") for t in tokens}


@router.post(
    "/cases",
    response={200: SubmitAnswer, 201: SubmitAnswer},
    summary="提交办件（支持 Idempotency-Key）",
    description=(
        "JSON 请求体；或 multipart/form-data：`payload` 字段为同样的 JSON，材料文件为 `file_<材料序号>`。"
        "默认返回办件详情；请求头 `Prefer: return=minimal` 时只返回回执（编号、状态、修订号、提交时间、"
        "承诺办结日），详情见响应头 `Location`。"
    ),
    openapi_extra=multipart_variant(CaseSubmitIn, files=SUBMIT_FILES),
)
def case_submit(
    request,
    response: HttpResponse,
    payload: Annotated[CaseSubmitIn, JsonOrMultipart(...)],
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=80, description="重试时返回同一办件"
    ),
    prefer: str | None = Header(
        None, alias="Prefer", max_length=200, description="`return=minimal`：只返回回执（RFC 7240）"
    ),
):
    case, created = submission.case_submit(
        actor=request.user,
        item_code=text(payload.item, 12),
        data=scrub(payload.data),
        materials=scrub(payload.materials),
        files={k.removeprefix("file_"): v for k, v in payload.files.items()},
        commitment=payload.commitment,
        applicant=text(payload.applicant, 150) if payload.applicant else None,
        idempotency_key=text(idempotency_key, 80),
    )
    status = 201 if created else 200
    response["Location"] = reverse("api:case_get", kwargs={"number": case.number})
    if prefers_minimal(prefer):
        response["Preference-Applied"] = "return=minimal"
        return Status(status, CaseReceiptOut.from_orm(case))
    return Status(status, selectors.case_get(user=request.user, number=case.number))


class CaseFilter(QuerySchema):
    state: str = Field("", max_length=40, description="办件状态")
    light: Literal["", "green", "yellow", "red"] = Field("", description="时限预警灯")
    q: str = Field("", max_length=60, description="办件编号、申请人或事项名称")
    inbox: bool = Field(False, description="只看等待我处理的")


@router.get("/cases", response=list[CaseOut], summary="办件列表（按用户权限范围）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000, count=False)
def case_list(request, f: Query[CaseFilter]):
    if f.inbox:
        return selectors.inbox(user=request.user, light=f.light, state=f.state, q=f.q)
    qs = selectors.case_list(user=request.user).select_related("version")
    if f.state:
        qs = qs.filter(state=text(f.state, 14))
    if f.light:
        qs = qs.filter(light=text(f.light, 6))
    return qs


@router.get("/cases/{number}", response=CaseDetailOut, summary="办件详情与时间线")
def case_get(request, number: str):
    return selectors.case_get(user=request.user, number=number)


@router.post(
    "/cases/{number}/actions/{action}",
    response=CaseDetailOut,
    summary="办件操作",
    description="`action`：" + "、".join(t.action for t in case_services.TRANSITIONS) + "（未知操作 404）。"
    "JSON 请求体（可为空）；或 multipart/form-data：`payload` 字段为同样的 JSON，补交材料为 `file`。",
    openapi_extra=multipart_variant(CaseActionIn, files=ACTION_FILES, required=False),
)
def case_act(request, number: str, action: str, payload: Annotated[CaseActionIn, JsonOrMultipart(...)]):
    case = case_services.case_act(
        actor=request.user,
        number=text(number, 20),
        action=text(action, 30),
        payload=scrub(payload.dict(exclude_none=True, exclude={"files"})),
        revision=payload.revision,
        upload=next(iter(payload.files.values()), None),
    )
    return selectors.case_get(user=request.user, number=case.number)


class VerificationOut(Schema):
    status: str
    message: str
    altered: list[str]
    fields: dict | None = None
    state: str | None = None


@router.get(
    "/licences/{number}/verification",
    response=VerificationOut,
    auth=None,
    summary="电子证照编号核验（公开，仅答真伪与名称）",
)
def licence_verification(request, number: str):
    licences.verification_allowed(ratelimit.client_ip(request))
    result = licences.verify_number(number=text(number, 32))
    return {**result, "state": result["licence"].state if result["licence"] else None}


@router.get(
    "/licences/tokens/{token}/verification",
    response=VerificationOut,
    auth=None,
    summary="电子证照二维码核验（公开）",
)
def licence_token_verification(request, token: str):
    licences.verification_allowed(ratelimit.client_ip(request))
    result = licences.verify(token=text(token, 40))
    return {**result, "state": result["licence"].state if result["licence"] else None}


# ---- 好差评 and 电子监察 -----------------------------------------------------------------------------


class RectificationOut(Schema):
    id: int
    state: str
    due_on: dt.date
    callback_note: str
    outcome: str
    appeal_reason: str
    done_on: dt.date | None
    late: bool
    revision: int
    actions: list[str]

    @staticmethod
    def resolve_actions(obj, context):
        from .services.ratings import RECTIFICATIONS

        return [t.action for t in RECTIFICATIONS.available(user=context["request"].user, obj=obj)]


class RatingOut(Schema):
    id: int
    kind: str
    channel: str
    case: str | None
    item: str | None
    department: str
    window: str | None
    level: int
    level_label: str
    comment: str
    at: dt.datetime
    voided: bool
    rectification: RectificationOut | None

    @staticmethod
    def resolve_case(obj):
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_item(obj):
        return obj.item.name if obj.item_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department.name

    @staticmethod
    def resolve_window(obj):
        return obj.window.name if obj.window_id else None

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_rectification(obj):
        return getattr(obj, "rectification", None) if obj.is_bad else None


@router.post("/ratings", response={201: RatingOut}, summary="好差评：评价办件（一事一评）或窗口（一次一评）")
def rating_submit(request, payload: RatingIn):
    rating = rating_services.rating_submit(
        actor=request.user,
        level=payload.level,
        comment=scrub(payload.comment),
        case_number=text(payload.case, 20),
        window=text(payload.window, 40),
        channel=payload.channel,
    )
    return Status(201, selectors.rating_list(user=request.user).get(pk=rating.pk))


@router.get("/ratings", response=list[RatingOut], summary="评价列表（申请人看自己的，工作人员按部门）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000)
def rating_list(request):
    return selectors.rating_list(user=request.user)


@router.post(
    "/rectifications/{pk}/actions/{action}",
    response=RatingOut,
    summary="差评整改操作",
    description="`action`：callback（回访）、rectify（整改）、explain（解释说明）、appeal（申诉复核）、"
    "uphold / dismiss（复核结论）。",
)
def rectification_act(request, pk: int, action: str, payload: RectificationActionIn):
    rect = rating_services.rectification_act(
        actor=request.user,
        pk=pk,
        action=text(action, 30),
        note=scrub(payload.note),
        revision=payload.revision,
    )
    return selectors.rating_list(user=request.user).get(pk=rect.rating_id)


class RatingStatsQuery(QuerySchema):
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    by: Literal["", "item", "department", "window", "month"] = ""


@router.get("/rating-stats", summary="好差评统计（按事项、部门、窗口或月份）")
def rating_stats(request, q: Query[RatingStatsQuery]):
    return selectors.ratings_stats(user=request.user, period=(q.year, q.month), by=q.by)


class CardOut(Schema):
    id: int
    kind: str
    kind_label: str
    level: str
    case: str | None
    department: str
    detail: str
    raised_on: dt.date
    escalated_to: str
    state: str
    resolution: str
    resolved_at: dt.datetime | None
    revision: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_case(obj):
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department.name


class CardFilter(QuerySchema):
    state: Literal["", "open", "resolved"] = ""
    level: Literal["", "yellow", "red"] = ""


@router.get("/supervision/cards", response=list[CardOut], summary="电子监察亮牌")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000)
def card_list(request, f: Query[CardFilter]):
    return selectors.card_list(user=request.user, state=f.state, level=f.level)


@router.post("/supervision/cards/{pk}/resolve", response=CardOut, summary="处理亮牌（责任部门负责人）")
def card_resolve(request, pk: int, payload: CardResolveIn):
    card = supervision.card_resolve(
        actor=request.user, pk=pk, resolution=scrub(payload.resolution), revision=payload.revision
    )
    return selectors.card_list(user=request.user).get(pk=card.pk)
