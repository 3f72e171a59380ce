"""API of the talent pillar (人才与双创): tiers and their criteria, talents with their employment history,
moves and leaving, certification from issued 人才认定 cases, revocation. Thin: parse, call, answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gaoxin.core.errors import ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import USCC, Date, IdCard, ObjectId, QuerySchema, Schema, column_length
from gaoxin.core.spreadsheets import xlsx_response

from . import selectors
from .models import Degree, Talent, Tier, Title
from .services import registry, subsidies

router = Router(tags=["人才与双创"])

Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=2)]
Short = Annotated[str, Field(max_length=400)]
Name = Annotated[str, Field(min_length=1, max_length=60)]
TierCode = Annotated[str, Field(min_length=1, max_length=2)]
# Strict: a JSON true/false is not a rank (the schema says integer).
DegreeCode = Annotated[int, Field(ge=min(Degree.values), le=max(Degree.values), strict=True)]
TitleCode = Annotated[int, Field(ge=min(Title.values), le=max(Title.values), strict=True)]


class TierOut(Schema):
    code: str
    name: str
    rank: int
    min_degree: int
    min_degree_label: str
    min_title: int
    min_title_label: str
    min_salary: Decimal
    awards: str
    valid_years: int

    @staticmethod
    def resolve_min_degree_label(obj):
        return obj.get_min_degree_display()

    @staticmethod
    def resolve_min_title_label(obj):
        return obj.get_min_title_display()


class TierIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=column_length(Tier, "name"))]
    rank: Annotated[int, Field(ge=1, le=99)]
    min_degree: DegreeCode = 0
    min_title: TitleCode = 0
    min_salary: Amount = Decimal("0")
    awards: Short = ""
    valid_years: Annotated[int, Field(ge=1, le=20)] = 3


class JobOut(Schema):
    uscc: str
    enterprise_name: str
    start_on: dt.date
    end_on: dt.date | None


class CertificationOut(Schema):
    id: int
    talent_id: int
    tier: str
    tier_name: str
    state: str
    state_label: str
    case_number: str
    licence_number: str
    valid_from: dt.date
    valid_to: dt.date
    reason: str
    revision: int

    @staticmethod
    def resolve_tier(obj):
        return obj.tier.code

    @staticmethod
    def resolve_tier_name(obj):
        return obj.tier.name

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_licence_number(obj):
        return obj.licence.number


class TalentOut(Schema):
    id: int
    name: str
    id_card: str
    degree: int
    title: int
    annual_salary: Decimal
    awards: str
    employer_uscc: str
    employer_name: str
    state: str
    state_label: str
    left_on: dt.date | None
    revision: int

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_id_card(obj, context):
        return selectors.shown_id_card(context["request"].user, obj)


class TalentDetailOut(TalentOut):
    jobs: list[JobOut]
    certifications: list[CertificationOut]

    @staticmethod
    def resolve_jobs(obj, context):
        return list(selectors.jobs_of(user=context["request"].user, talent=obj))

    @staticmethod
    def resolve_certifications(obj, context):
        return list(selectors.certifications_of(user=context["request"].user, talent=obj))


class TalentIn(Schema):
    id_card: IdCard
    name: Name
    employer_uscc: USCC
    start_on: Date | None = None
    degree: DegreeCode = 0
    title: TitleCode = 0
    annual_salary: Amount = Decimal("0")
    awards: Short = ""


class TalentFilter(QuerySchema):
    q: Annotated[str, Field(max_length=60)] = ""
    state: Literal[("", *Talent.State.values)] = ""  # type: ignore[valid-type]
    tier: Annotated[str, Field(max_length=2)] = ""


class TalentActionIn(Schema):
    revision: Annotated[int, Field(ge=0)] | None = None
    on: Date | None = None
    uscc: USCC | None = None


class CertifyIn(Schema):
    case_number: Annotated[str, Field(min_length=1, max_length=32)]
    tier: TierCode


class RevokeIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=400)]
    revision: Annotated[int, Field(ge=0)] | None = None


@router.get("/talent/tiers", response=list[TierOut], summary="人才层次及其认定条件")
def tier_list(request):
    return list(selectors.tier_list(user=request.user))


@router.put("/talent/tiers/{code}", response=TierOut, summary="设置人才层次及其认定条件（人才办）")
def tier_save(request, code: TierCode, payload: TierIn):
    return registry.tier_save(actor=request.user, code=code, **payload.dict())


@router.get("/talent/talents", response=list[TalentOut], summary="人才名录（本人、所在企业或人才办可见）")
@paginate(Page)
def talent_list(request, f: Query[TalentFilter]):
    return selectors.talent_list(user=request.user, q=f.q, state=f.state, tier=f.tier.upper())


@router.post("/talent/talents", response={201: TalentDetailOut}, summary="登记人才（人才办）")
def talent_register(request, payload: TalentIn):
    talent = registry.talent_register(actor=request.user, **payload.dict())
    return Status(201, selectors.talent_get(user=request.user, talent_id=talent.pk))


@router.get("/talent/talents/{talent_id}", response=TalentDetailOut, summary="人才详情：任职经历与认定")
def talent_get(request, talent_id: ObjectId):
    return selectors.talent_get(user=request.user, talent_id=talent_id)


@router.post(
    "/talent/talents/{talent_id}/actions/{action}",
    response=TalentDetailOut,
    summary="变更工作单位（move）、离开园区（leave）、返回园区（return）、工作单位迁出园区（employer_left）；revision 过期时 409",
)
def talent_action(
    request, talent_id: ObjectId, action: Annotated[str, Field(max_length=20)], payload: TalentActionIn
):
    selectors.talent_get(user=request.user, talent_id=talent_id)
    registry.talent_act(
        actor=request.user,
        talent_id=talent_id,
        action=action,
        revision=payload.revision,
        on=payload.on,
        uscc=payload.uscc or "",
    )
    return selectors.talent_get(user=request.user, talent_id=talent_id)


@router.post(
    "/talent/certifications",
    response={201: CertificationOut},
    summary="依已出证的人才认定办件认定人才层次（已有有效认定的即为续期）",
)
def certification_create(request, payload: CertifyIn):
    cert = registry.certification_from_case(
        actor=request.user, case_number=payload.case_number, tier_code=payload.tier
    )
    return Status(201, selectors.certification_get(user=request.user, certification_id=cert.pk))


@router.get("/talent/certifications/{certification_id}", response=CertificationOut, summary="人才认定详情")
def certification_get(request, certification_id: ObjectId):
    return selectors.certification_get(user=request.user, certification_id=certification_id)


@router.post(
    "/talent/certifications/{certification_id}/revoke",
    response=CertificationOut,
    summary="撤销人才认定（证书随之撤销）",
)
def certification_revoke(request, certification_id: ObjectId, payload: RevokeIn):
    selectors.certification_get(user=request.user, certification_id=certification_id)
    registry.certification_revoke(
        actor=request.user,
        certification_id=certification_id,
        reason=payload.reason,
        revision=payload.revision,
    )
    return selectors.certification_get(user=request.user, certification_id=certification_id)


# ---- 人才公寓 and 限价房: their operations join this router (api_flats.py) -----------------------

from . import api_flats  # noqa: E402, F401

# ---- talent subsidies: income tax paid, an employer leaving the zone ------------------------------

MAX_UPLOAD = 10 * 1024 * 1024


class IncomeTaxIn(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)]
    month: Annotated[int, Field(ge=1, le=12)]
    amount: Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), max_digits=12, decimal_places=2)]


class IncomeTaxOut(Schema):
    year: int
    month: int
    amount: Decimal
    source: str


class EmployerLeftIn(Schema):
    uscc: USCC
    on: Date


@router.put(
    "/talent/talents/{talent_id}/income-tax",
    response=IncomeTaxOut,
    summary="录入或更正某月已缴个人所得税（人才办；个税奖励据此测算）",
)
def income_tax_record(request, talent_id: ObjectId, payload: IncomeTaxIn):
    talent = selectors.talent_get(user=request.user, talent_id=talent_id)
    return subsidies.income_tax_record(actor=request.user, talent=talent, **payload.dict())


@router.get("/talent/income-tax.xlsx", summary="个税缴纳导入模板（含填表说明和已登记的记录）")
def income_tax_template(request):
    return xlsx_response(subsidies.tax_template(user=request.user), "income-tax.xlsx")


@router.post(
    "/talent/income-tax/import",
    response=dict[str, int],
    summary="Excel 导入个税缴纳记录（全部成功或全部不写入；失败时返回错误说明表）",
)
def income_tax_import(request, file: File[UploadedFile]):
    if file.size and file.size > MAX_UPLOAD:
        raise ValidationFailed("文件不能超过 10MB", fields={"file": "文件过大"})
    return {"imported": subsidies.income_tax_import(actor=request.user, content=file.read())}


@router.post(
    "/talent/employer-departures",
    response=dict[str, int],
    summary="登记工作单位迁出园区：其人才的任职于当日结束（生活补贴自次月停发）",
)
def employer_left(request, payload: EmployerLeftIn):
    return {"talents": subsidies.employer_leaves_zone(actor=request.user, uscc=payload.uscc, on=payload.on)}
