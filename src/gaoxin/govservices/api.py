"""API of the government services pillar: catalogue, cases and their actions, licence verification."""

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PaginationBase, paginate

from gaoxin.core.errors import ValidationFailed

from . import selectors
from .services import cases as case_services
from .services import catalogue, licences, submission
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


class Page(PaginationBase):
    """Offset pages without a total: counting a million visible cases on every request is the slow part."""

    class Input(Schema):
        limit: int = Field(25, ge=1, le=100)
        offset: int = Field(0, ge=0, le=100_000)

    class Output(Schema):
        items: list[Any]
        next_offset: int | None

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        rows = list(queryset[pagination.offset : pagination.offset + pagination.limit + 1])
        more = len(rows) > pagination.limit
        return {
            "items": rows[: pagination.limit],
            "next_offset": pagination.offset + pagination.limit if more else None,
        }


class ItemFilter(Schema):
    q: str = ""
    department: str = ""


@router.get(
    "/service-items", response=list[ItemOut], auth=None, summary="事项目录（可按中文、拼音、编码检索）"
)
@paginate(Page)
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
    data = catalogue.catalogue_export(user=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="catalogue.xlsx"'
    return response


class ImportOut(Schema):
    imported: list[str]


@router.post("/service-catalogue/import", response=ImportOut, summary="导入事项目录（全部通过才导入）")
def catalogue_import(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("请上传 Excel 文件", fields={"file": "必填"})
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


def _body(request) -> tuple[dict, dict]:
    """JSON, or multipart with a `payload` JSON field and files named by material order."""
    if request.content_type == "multipart/form-data":
        try:
            payload = json.loads(request.POST.get("payload") or "{}")
        except ValueError as exc:
            raise ValidationFailed("payload 不是有效的 JSON", fields={"payload": "不是有效的 JSON"}) from exc
        files = dict(request.FILES.items())
    else:
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise ValidationFailed("请求体不是有效的 JSON", fields={"请求": "不是有效的 JSON"}) from exc
        files = {}
    if not isinstance(payload, dict):
        raise ValidationFailed("请求体应为 JSON 对象")
    return scrub(payload), files


@router.post(
    "/cases", response={200: CaseDetailOut, 201: CaseDetailOut}, summary="提交办件（支持 Idempotency-Key）"
)
def case_submit(request):
    payload, files = _body(request)
    materials = payload.get("materials") or {}
    if not isinstance(materials, dict) or not isinstance(payload.get("data") or {}, dict):
        raise ValidationFailed("materials 与 data 应为 JSON 对象")
    case, created = submission.case_submit(
        actor=request.user,
        item_code=str(payload.get("item") or ""),
        data=payload.get("data") or {},
        materials={str(k): v for k, v in materials.items()},
        files={k.removeprefix("file_"): v for k, v in files.items()},
        commitment=bool(payload.get("commitment")),
        applicant=payload.get("applicant"),
        idempotency_key=text(request.headers.get("Idempotency-Key"), 80),
    )
    return Status(201 if created else 200, selectors.case_get(user=request.user, number=case.number))


class CaseFilter(Schema):
    state: str = ""
    light: str = ""
    q: str = ""
    inbox: bool = False


@router.get("/cases", response=list[CaseOut], summary="办件列表（按用户权限范围）")
@paginate(Page)
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


@router.post("/cases/{number}/actions/{action}", response=CaseDetailOut, summary="办件操作")
def case_act(request, number: str, action: str):
    payload, files = _body(request)
    revision = payload.get("revision")
    if revision is not None and not isinstance(revision, int):
        raise ValidationFailed("revision 应为整数", fields={"revision": "应为整数"})
    case = case_services.case_act(
        actor=request.user,
        number=text(number, 20),
        action=text(action, 30),
        payload=payload,
        revision=revision,
        upload=next(iter(files.values()), None),
    )
    return selectors.case_get(user=request.user, number=case.number)


class VerificationOut(Schema):
    status: str
    message: str
    altered: list[str]
    fields: dict | None = None
    state: str | None = None


class ClaimedFields(Schema):
    holder_name: str = ""
    holder_id: str = ""
    title: str = ""
    valid_to: str = ""
    valid_from: str = ""
    issued_on: str = ""


@router.get(
    "/licences/{number}/verification", response=VerificationOut, auth=None, summary="电子证照核验（公开）"
)
def licence_verification(request, number: str, claimed: Query[ClaimedFields]):
    result = licences.verify(number=text(number, 32), claimed=scrub(claimed.dict()))
    return {**result, "state": result["licence"].state if result["licence"] else None}
