"""API of the self-service kiosk (无人超市) for a native kiosk client: the one-time code by ID card
number, a short-lived bearer token for the account it was sent to, the kiosk-capable items, a kiosk
case with its photographed materials, and the result and licence to print. The kiosk pages
(views_kiosk) call the same services."""

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from ninja import Header, Router, Status
from ninja.pagination import paginate

from gaoxin.core.errors import NotFound
from gaoxin.core.identifiers import mask_id_card
from gaoxin.core.pagination import Page
from gaoxin.core.ratelimit import client_ip
from gaoxin.core.schemas import JsonOrMultipart, Schema, multipart_variant

from . import selectors
from .api import CaseDetailOut, ItemOut
from .schemas import SUBMIT_FILES, KioskCaseIn, KioskCodeIn, KioskLoginIn
from .services import kiosk, licences
from .services.common import scrub, text

router = Router(tags=["政务服务"])


class KioskSentOut(Schema):
    message: str


class KioskTokenOut(Schema):
    token: str
    token_id: int
    expires_at: dt.datetime
    name: str
    id_card_masked: str


class KioskLicenceOut(Schema):
    number: str
    title: str
    issuer: str
    issued_on: dt.date
    holder_name: str


class KioskResultOut(Schema):
    number: str
    item: str
    item_name: str
    applicant_name: str
    state: str
    state_name: str
    licence: KioskLicenceOut | None
    printable: bool


@router.post(
    "/kiosk/codes",
    response=KioskSentOut,
    auth=None,
    summary="自助终端：按身份证号发送一次性验证码（限频；不透露号码是否登记）",
)
def kiosk_code_request(request, payload: KioskCodeIn):
    return {"message": kiosk.kiosk_code_request(id_card=payload.id_card, client=client_ip(request))}


@router.post(
    "/kiosk/token",
    response={201: KioskTokenOut},
    auth=None,
    summary="自助终端：身份证号与验证码换取短期令牌（Authorization: Bearer）",
)
def kiosk_token(request, payload: KioskLoginIn):
    token, key = kiosk.kiosk_token_issue(
        id_card=payload.id_card, code=text(payload.code, 10), client=client_ip(request)
    )
    user = token.user
    return Status(
        201,
        {
            "token": key,
            "token_id": token.pk,
            "expires_at": token.expires_at,
            "name": user.full_name or user.username,
            "id_card_masked": mask_id_card(user.id_card or ""),
        },
    )


@router.get("/kiosk/items", response=list[ItemOut], summary="自助终端：可自助办理的事项")
@paginate(Page, limit=50, max_limit=200, max_offset=100_000, count=False)
def kiosk_items(request):
    return selectors.kiosk_item_list().select_related("current", "department")


@router.post(
    "/kiosk/cases",
    response={200: CaseDetailOut, 201: CaseDetailOut},
    summary="自助终端：提交办件（拍照材料；支持 Idempotency-Key；即办件当场办结出证）",
    description="multipart/form-data：`payload` 字段为 JSON（item、data），材料照片为 `file_<材料序号>`；"
    "或 application/json（无材料时）。",
    openapi_extra=multipart_variant(KioskCaseIn, files=SUBMIT_FILES),
)
def kiosk_case_submit(
    request,
    payload: Annotated[KioskCaseIn, JsonOrMultipart(...)],
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=80, description="重试时返回同一办件"
    ),
):
    case, created = kiosk.kiosk_apply(
        actor=request.user,
        item_code=text(payload.item, 12),
        data=scrub(payload.data),
        files={k.removeprefix("file_"): v for k, v in payload.files.items()},
        idempotency_key=text(idempotency_key, 80),
    )
    return Status(201 if created else 200, selectors.case_get(user=request.user, number=case.number))


@router.get(
    "/kiosk/cases/{number}", response=KioskResultOut, summary="自助终端：本人办件的办理结果（供打印）"
)
def kiosk_case_result(request, number: str):
    case = selectors.case_get(user=request.user, number=number)
    if case.applicant_id != request.user.pk:  # the kiosk prints one's own results, not an office's
        raise NotFound("未找到该办件，或您无权查看")
    licence_number = selectors.licence_number_of(user=request.user, case=case)
    licence = selectors.licence_get(user=request.user, number=licence_number) if licence_number else None
    return {
        "number": case.number,
        "item": case.item.code,
        "item_name": case.item.name,
        "applicant_name": case.applicant_name,
        "state": case.state,
        "state_name": case.get_state_display(),
        "licence": licence,
        "printable": licence is not None,
    }


@router.get(
    "/kiosk/licences/{number}",
    response={200: None},
    summary="自助终端：本人的电子证照（PDF，供打印；编号见办理结果）",
    openapi_extra={
        "responses": {
            "200": {
                "description": "电子证照 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def kiosk_licence(request, number: str):
    licence = selectors.licence_get(user=request.user, number=number)
    return HttpResponse(
        licences.render_pdf(licence, request),
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{licence.number}.pdf"'},
    )
