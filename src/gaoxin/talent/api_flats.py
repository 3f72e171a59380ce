"""API of 人才公寓 and 限价房 (on the talent router): the published rules and waiting list (public), the flats,
flat applications with their lease and actions, the 限价房 eligibility rule, list and cases. Thin."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Query, Status
from ninja.pagination import paginate

from gaoxin.core import clock
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import Date, ObjectId, QuerySchema, Schema

from . import flat_selectors as selectors
from .api import Amount, TierCode, router
from .housing_models import Flat, FlatApplication, PurchaseApplication
from .services import flats as services

Points = Annotated[Decimal, Field(ge=0, le=1000, max_digits=6, decimal_places=2)]
Reason = Annotated[str, Field(max_length=400)]
Action = Annotated[str, Field(max_length=20)]
Revision = Annotated[int, Field(ge=0, strict=True)] | None
Flag = Annotated[bool, Field(strict=True)]  # a JSON true/false, not 0 or "yes"


class FlatRuleOut(Schema):
    version: int
    tier_points: dict[str, int]
    month_points: Decimal
    max_months: int
    member_points: Decimal
    max_members: int
    rent_shares: dict[str, int]
    lease_years: int
    note: str
    published_on: dt.date


class FlatRuleIn(Schema):
    tier_points: Annotated[
        dict[TierCode, Annotated[int, Field(ge=0, le=1000, strict=True)]], Field(max_length=20)
    ]
    month_points: Points
    max_months: Annotated[int, Field(ge=0, le=600, strict=True)] = 0
    member_points: Points
    max_members: Annotated[int, Field(ge=0, le=19, strict=True)] = 3
    rent_shares: Annotated[
        dict[TierCode, Annotated[int, Field(ge=0, le=100, strict=True)]], Field(max_length=20)
    ] = {}
    lease_years: Annotated[int, Field(ge=1, le=20, strict=True)] = 3
    note: Reason = ""


class RankedOut(Schema):
    rank: int
    name: str  # masked
    tier: str
    tier_points: Decimal
    months: int
    counted_months: int
    wait_points: Decimal
    family_size: int
    counted_members: int
    family_points: Decimal
    total: Decimal
    applied_at: dt.datetime
    queued_on: dt.date


class WaitingListOut(Schema):
    as_of: dt.date
    rule: FlatRuleOut | None
    items: list[RankedOut]


class FlatOut(Schema):
    id: int
    building: str
    code: str
    area: Decimal
    bedrooms: int
    market_rent: Decimal
    state: str
    state_label: str

    @staticmethod
    def resolve_building(obj):
        return obj.unit.building.name

    @staticmethod
    def resolve_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_area(obj):
        return obj.unit.area

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class FlatIn(Schema):
    building: Annotated[str, Field(min_length=1, max_length=100)]
    address: Annotated[str, Field(max_length=200)] = ""
    code: Annotated[str, Field(min_length=1, max_length=30)]
    area: Annotated[Decimal, Field(gt=0, le=100000, max_digits=10, decimal_places=2)]
    bedrooms: Annotated[int, Field(ge=1, le=10, strict=True)] = 1
    market_rent: Amount


class FlatFilter(QuerySchema):
    state: Literal[("", *Flat.State.values)] = ""  # type: ignore[valid-type]


class LeaseOut(Schema):
    flat: str
    rule_version: int
    tier: str
    market_rent: Decimal
    rent_share: int
    monthly_rent: Decimal
    start: dt.date
    end: dt.date
    ended_on: dt.date | None
    state: str

    @staticmethod
    def resolve_flat(obj):
        return str(obj.flat)

    @staticmethod
    def resolve_rule_version(obj):
        return obj.rule.version


class FlatApplicationOut(Schema):
    id: int
    talent_id: int
    talent_name: str
    family_size: int
    applied_at: dt.datetime
    queued_on: dt.date | None
    state: str
    state_label: str
    flat: str
    reason: str
    revision: int

    @staticmethod
    def resolve_talent_name(obj):
        return obj.talent.name

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_flat(obj):
        return str(obj.flat) if obj.flat_id else ""


class FlatApplicationDetailOut(FlatApplicationOut):
    lease: LeaseOut | None
    actions: list[str]

    @staticmethod
    def resolve_lease(obj, context):
        return selectors.lease_of(user=context["request"].user, application=obj)

    @staticmethod
    def resolve_actions(obj, context):
        return [t.action for t in selectors.flat_actions(user=context["request"].user, application=obj)]


class FlatApplyIn(Schema):
    talent_id: ObjectId
    family_size: Annotated[int, Field(ge=1, le=20, strict=True)]


class ApplicationFilter(QuerySchema):
    state: Literal[("", *FlatApplication.State.values)] = ""  # type: ignore[valid-type]


class FlatActionIn(Schema):
    revision: Revision = None
    flat_id: ObjectId | None = None
    reason: Reason = ""
    on: Date | None = None


class PurchaseRuleOut(Schema):
    version: int
    tiers: str
    min_years: int
    require_no_home: bool
    note: str
    published_on: dt.date


class PurchaseRuleIn(Schema):
    tiers: Annotated[list[TierCode], Field(min_length=1, max_length=20)]
    min_years: Annotated[int, Field(ge=0, le=50, strict=True)]
    require_no_home: Flag = True
    note: Reason = ""


class ConditionOut(Schema):
    key: str
    met: bool
    text: str


class EligibilityOut(Schema):
    talent_id: int
    name: str
    eligible: bool
    conditions: list[ConditionOut]

    @staticmethod
    def resolve_talent_id(obj):
        return obj.talent.pk

    @staticmethod
    def resolve_name(obj):
        return obj.talent.name

    @staticmethod
    def resolve_conditions(obj):
        return [c.as_dict() for c in obj.conditions]


class EligibilityFilter(QuerySchema):
    all: bool = False


class PurchaseOut(Schema):
    id: int
    talent_id: int
    talent_name: str
    rule_version: int
    declared_no_home: bool
    conditions: list[ConditionOut]
    applied_at: dt.datetime
    state: str
    state_label: str
    reason: str
    revision: int

    @staticmethod
    def resolve_talent_name(obj):
        return obj.talent.name

    @staticmethod
    def resolve_rule_version(obj):
        return obj.rule.version

    @staticmethod
    def resolve_conditions(obj):
        return obj.reasons

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class PurchaseIn(Schema):
    talent_id: ObjectId
    declared_no_home: Flag


class PurchaseFilter(QuerySchema):
    state: Literal[("", *PurchaseApplication.State.values)] = ""  # type: ignore[valid-type]


class PurchaseActionIn(Schema):
    revision: Revision = None
    reason: Reason = ""


# ---- the rules and the published waiting list ----------------------------------------------------


@router.get(
    "/talent/flat-rules",
    response=list[FlatRuleOut],
    auth=None,
    summary="人才公寓轮候评分规则（公开，各版本）",
)
def flat_rule_list(request):
    return list(selectors.published_flat_rules())


@router.post(
    "/talent/flat-rules", response={201: FlatRuleOut}, summary="发布新版轮候评分规则与租金比例（人才办）"
)
def flat_rule_publish(request, payload: FlatRuleIn):
    return Status(201, services.flat_rule_publish(actor=request.user, **payload.dict()))


@router.get(
    "/talent/waiting-list",
    response=WaitingListOut,
    auth=None,
    summary="人才公寓轮候名单（公开：现行规则、排名与得分明细，姓名脱敏）",
)
def waiting_list(request):
    rows = selectors.waiting_list()
    items = [
        {
            "rank": r.rank,
            "name": r.masked_name,
            "tier": r.score.tier,
            "tier_points": r.score.tier_points,
            "months": r.score.months,
            "counted_months": r.score.counted_months,
            "wait_points": r.score.wait_points,
            "family_size": r.score.family_size,
            "counted_members": r.score.counted_members,
            "family_points": r.score.family_points,
            "total": r.score.total,
            "applied_at": r.application.applied_at,
            "queued_on": r.application.queued_on,
        }
        for r in rows
    ]
    return {"as_of": clock.today(), "rule": selectors.published_flat_rule(), "items": items}


# ---- flats and applications ----------------------------------------------------------------------


@router.get("/talent/flats", response=list[FlatOut], summary="人才公寓房源")
@paginate(Page)
def flat_list(request, f: Query[FlatFilter]):
    return selectors.flat_list(user=request.user, state=f.state)


@router.post("/talent/flats", response={201: FlatOut}, summary="登记人才公寓房源（人才办）")
def flat_register(request, payload: FlatIn):
    return Status(201, services.flat_register(actor=request.user, **payload.dict()))


@router.get(
    "/talent/flat-applications",
    response=list[FlatApplicationOut],
    summary="人才公寓申请（本人、所在企业或人才办可见）",
)
@paginate(Page)
def flat_application_list(request, f: Query[ApplicationFilter]):
    return selectors.flat_application_list(user=request.user, state=f.state)


@router.post(
    "/talent/flat-applications",
    response={201: FlatApplicationDetailOut},
    summary="申请人才公寓（本人或人才办代办）",
)
def flat_apply(request, payload: FlatApplyIn):
    app = services.flat_apply(
        actor=request.user, talent_id=payload.talent_id, family_size=payload.family_size
    )
    return Status(201, selectors.flat_application_get(user=request.user, application_id=app.pk))


@router.get(
    "/talent/flat-applications/{application_id}",
    response=FlatApplicationDetailOut,
    summary="人才公寓申请详情与租赁合同",
)
def flat_application_get(request, application_id: ObjectId):
    return selectors.flat_application_get(user=request.user, application_id=application_id)


@router.post(
    "/talent/flat-applications/{application_id}/actions/{action}",
    response=FlatApplicationDetailOut,
    summary="受理入册（queue）、不予受理（reject）、撤回（withdraw）、配租（allocate，flat_id）、入住（move_in）、退租（move_out）",
)
def flat_application_act(request, application_id: ObjectId, action: Action, payload: FlatActionIn):
    selectors.flat_application_get(user=request.user, application_id=application_id)
    services.flat_act(
        actor=request.user,
        application_id=application_id,
        action=action,
        revision=payload.revision,
        flat_id=payload.flat_id,
        reason=payload.reason,
        on=payload.on,
    )
    return selectors.flat_application_get(user=request.user, application_id=application_id)


# ---- 限价房 ---------------------------------------------------------------------------------------


@router.get(
    "/talent/purchase-rules",
    response=PurchaseRuleOut | None,
    auth=None,
    summary="限价房购买资格规则（公开，现行版本）",
)
def purchase_rule_get(request):
    return selectors.published_purchase_rule()


@router.post(
    "/talent/purchase-rules", response={201: PurchaseRuleOut}, summary="发布新版限价房购买资格规则（人才办）"
)
def purchase_rule_publish(request, payload: PurchaseRuleIn):
    return Status(201, services.purchase_rule_publish(actor=request.user, **payload.dict()))


@router.get(
    "/talent/purchase-eligibility",
    response=list[EligibilityOut],
    summary="限价房购买资格名单：每个条件及其结果（默认只列符合者；all=true 列全部）",
)
@paginate(Page)
def purchase_eligibility(request, f: Query[EligibilityFilter]):
    return selectors.purchase_eligibility(user=request.user, only_eligible=not f.all)


@router.get("/talent/purchases", response=list[PurchaseOut], summary="限价房购买资格申请")
@paginate(Page)
def purchase_list(request, f: Query[PurchaseFilter]):
    return selectors.purchase_list(user=request.user, state=f.state)


@router.post(
    "/talent/purchases",
    response={201: PurchaseOut},
    summary="申请限价房购买资格（不符合条件的 422，列出每个不符合的条件）",
)
def purchase_apply(request, payload: PurchaseIn):
    app = services.purchase_apply(
        actor=request.user, talent_id=payload.talent_id, declared_no_home=payload.declared_no_home
    )
    return Status(201, selectors.purchase_get(user=request.user, purchase_id=app.pk))


@router.get("/talent/purchases/{purchase_id}", response=PurchaseOut, summary="限价房购买资格申请详情")
def purchase_get(request, purchase_id: ObjectId):
    return selectors.purchase_get(user=request.user, purchase_id=purchase_id)


@router.post(
    "/talent/purchases/{purchase_id}/actions/{action}",
    response=PurchaseOut,
    summary="确认资格（approve，重新核验条件）、不予确认（reject，须填理由）",
)
def purchase_act(request, purchase_id: ObjectId, action: Action, payload: PurchaseActionIn):
    selectors.purchase_get(user=request.user, purchase_id=purchase_id)
    services.purchase_act(
        actor=request.user,
        purchase_id=purchase_id,
        action=action,
        revision=payload.revision,
        reason=payload.reason,
    )
    return selectors.purchase_get(user=request.user, purchase_id=purchase_id)
