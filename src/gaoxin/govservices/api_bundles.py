"""API of 一件事 bundles: the bundle catalogue (public guides, saving, Excel import), applying once
and the bundle case with its member cases."""

import datetime as dt
from typing import Annotated

from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gaoxin.core.pagination import Page
from gaoxin.core.schemas import JsonOrMultipart, QuerySchema, Schema, multipart_variant

from . import selectors
from .api import ImportOut
from .schemas import SUBMIT_FILES, ActionIn, BundleApplyIn, BundleIn
from .services import bundle_import as bundle_excel
from .services import bundles
from .services.common import scrub, text

router = Router(tags=["政务服务"])


# ---- 一件事 bundles ----


class BundleMemberOut(Schema):
    order: int
    item: str
    item_name: str
    department: str
    field_map: dict

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_department(obj):
        return obj.item.department.code


class BundleMaterialOut(Schema):
    order: int
    name: str
    required: bool
    file_types: str
    targets: list[dict]


class BundleOut(Schema):
    code: str
    name: str
    mode: str
    committed_days: int


class BundleDetailOut(BundleOut):
    guide: str
    form_fields: list[dict]
    members: list[BundleMemberOut]
    materials: list[BundleMaterialOut]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())

    @staticmethod
    def resolve_materials(obj):
        return list(obj.materials.all())


class BundleFilter(QuerySchema):
    q: str = Field("", max_length=60, description="名称或编码")


@router.get("/bundles", response=list[BundleOut], auth=None, summary="一件事目录")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000)
def bundle_list(request, f: Query[BundleFilter]):
    return selectors.bundle_list(q=f.q)


@router.get(
    "/bundles/{bundle_code}", response=BundleDetailOut, auth=None, summary="一件事办事指南（一次告知）"
)
def bundle_get(request, bundle_code: str):
    return selectors.bundle_get(code=bundle_code)


@router.post("/bundles", response=BundleDetailOut, summary="保存一件事（成员事项、字段对应、一套材料）")
def bundle_save(request, payload: BundleIn):
    bundle = bundles.bundle_save(
        actor=request.user,
        fields=scrub(payload.dict(exclude={"members", "materials"})),
        members=scrub([m.dict() for m in payload.members]),
        materials=scrub([m.dict() for m in payload.materials]),
    )
    return selectors.bundle_get(code=bundle.code)


@router.get("/bundle-catalogue/workbook", summary="一件事目录（导入格式的 Excel，可修改后重新导入）")
def bundle_catalogue_workbook(request):
    from gaoxin.core.spreadsheets import xlsx_response

    return xlsx_response(bundle_excel.bundle_catalogue_export(user=request.user), "bundle-catalogue")


@router.post("/bundle-catalogue/import", response=ImportOut, summary="导入一件事目录（全部通过才导入）")
def bundle_import(request, file: File[UploadedFile]):
    saved = bundle_excel.bundle_import(actor=request.user, content=file.read(10 * 1024 * 1024))
    return {"imported": [b.code for b in saved]}


class BundleCaseMemberOut(Schema):
    order: int
    item: str
    item_name: str
    case: str | None
    state: str
    department: str
    problem: str

    @staticmethod
    def resolve_item(obj):
        return obj.member.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.member.item.name

    @staticmethod
    def resolve_case(obj):
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_state(obj):
        return obj.case.state if obj.case_id else ""

    @staticmethod
    def resolve_department(obj):
        return obj.case.department.code if obj.case_id else obj.member.item.department.code


class BundleCaseOut(Schema):
    number: str
    bundle: str
    bundle_name: str
    state: str
    applicant_name: str
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_on: dt.date | None
    light: str
    revision: int

    @staticmethod
    def resolve_bundle(obj):
        return obj.bundle.code

    @staticmethod
    def resolve_bundle_name(obj):
        return obj.bundle.name


class BundleEventOut(Schema):
    at: dt.datetime
    actor_name: str
    action: str
    label: str
    from_state: str
    to_state: str


class BundleCaseDetailOut(BundleCaseOut):
    data: dict
    notice: dict
    reason: str
    actions: list[str]
    members: list[BundleCaseMemberOut]
    events: list[BundleEventOut]

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in bundles.available_actions(user=context["request"].user, bundle_case=obj)]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.select_related("case__department", "member__item__department"))

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


@router.post(
    "/bundle-cases",
    response={201: BundleCaseDetailOut},
    summary="一件事申请（一表申请、一套材料）",
    description="JSON 请求体；或 multipart/form-data：`payload` 字段为同样的 JSON，材料文件为 `file_<材料序号>`。",
    openapi_extra=multipart_variant(BundleApplyIn, files=SUBMIT_FILES),
)
def bundle_apply(request, payload: Annotated[BundleApplyIn, JsonOrMultipart(...)]):
    bc = bundles.bundle_apply(
        actor=request.user,
        code=text(payload.bundle, 20),
        data=scrub(payload.data),
        files={k.removeprefix("file_"): v for k, v in payload.files.items()},
        applicant=text(payload.applicant, 150) if payload.applicant else None,
    )
    return Status(201, selectors.bundle_case_get(user=request.user, number=bc.number))


@router.get("/bundle-cases", response=list[BundleCaseOut], summary="一件事办件列表（按用户权限范围）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000, count=False)
def bundle_case_list(request):
    return selectors.bundle_case_list(user=request.user)


@router.get("/bundle-cases/{bundle_number}", response=BundleCaseDetailOut, summary="一件事办件详情")
def bundle_case_get(request, bundle_number: str):
    return selectors.bundle_case_get(user=request.user, number=bundle_number)


@router.post(
    "/bundle-cases/{bundle_number}/actions/{action}",
    response=BundleCaseDetailOut,
    summary="一件事办件操作",
    description="`action`：" + "、".join(bundles.USER_ACTIONS) + "（未知操作 404）。",
)
def bundle_case_act(request, bundle_number: str, action: str, payload: ActionIn):
    bc = bundles.bundle_case_act(
        actor=request.user,
        number=text(bundle_number, 20),
        action=text(action, 30),
        payload=scrub(payload.dict(exclude_none=True)),
        revision=payload.revision,
    )
    return selectors.bundle_case_get(user=request.user, number=bc.number)
