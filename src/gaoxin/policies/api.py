"""API of the policies pillar: catalogue, rules, matching, awards, payments, funds."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from gaoxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import Date, ObjectId, QuerySchema, Schema, TaskOut
from gaoxin.core.spreadsheets import xlsx_response
from gaoxin.enterprises.selectors import enterprise_get

from . import permissions, selectors
from .models import Award
from .rules import RuleError
from .services import apply, catalogue, matching, money, premises, reports

router = Router(tags=["惠企政策"])

Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e15"), max_digits=18, decimal_places=2)]
RuleText = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(max_length=300)]


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    doc_no: str
    issued_on: dt.date
    effective_from: dt.date
    effective_to: dt.date | None
    tags: str
    status: str


class ClauseOut(Schema):
    id: int
    policy_id: int
    code: str
    title: str
    mode: str
    beneficiary: str
    rule: str
    formula: str
    award_cap: Decimal | None
    period: int
    notice_days: int
    state: str


class RuleIn(Schema):
    rule: RuleText


class RuleCheckOut(Schema):
    ok: bool
    message: str = ""
    conditions: list[str] = []


class NearMissOut(Schema):
    uscc: str
    name: str
    failed: str


class PreviewOut(Schema):
    count: int
    near_miss_count: int
    near_misses: list[NearMissOut]


class ClauseRuleIn(Schema):
    rule: RuleText | None = None
    formula: RuleText | None = None


class AwardOut(Schema):
    id: int
    clause_id: int
    clause: str
    beneficiary: Literal["enterprise", "person"]
    uscc: str = Field(description="企业的统一社会信用代码；个人为脱敏的身份证号（本人可见全号）")
    enterprise: str = Field(description="企业名称或获奖人姓名")
    period: int
    amount: Decimal
    state: str
    notice_to: dt.date | None
    account_no: str = Field(description="收款账号；个人银行卡仅显示后四位")

    @staticmethod
    def resolve_clause(obj):
        return obj.clause.title

    @staticmethod
    def resolve_beneficiary(obj):
        return "person" if obj.to_person else "enterprise"

    @staticmethod
    def resolve_uscc(obj, context):
        return obj.beneficiary_code_for(context["request"].user)

    @staticmethod
    def resolve_enterprise(obj):
        return obj.beneficiary

    @staticmethod
    def resolve_account_no(obj):
        return obj.account_no_masked


class AwardFilter(QuerySchema):
    state: Literal[("", *Award.State.values)] = ""  # type: ignore[valid-type]
    clause: ObjectId | None = None


class ReasonIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=300)]
    reference: Annotated[str, Field(max_length=80)] = ""


class ClawbackIn(ReasonIn):
    # part of the award; empty: all that is not yet recovered
    amount: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2)] | None = None


class ConfirmIn(Schema):
    bank_name: Annotated[str, Field(max_length=80)]
    account_name: Annotated[str, Field(max_length=120)]
    account_no: Annotated[str, Field(max_length=40)]


class IdsIn(Schema):
    ids: Annotated[list[ObjectId], Field(min_length=1, max_length=1000)]


class BatchIn(Schema):
    ids: Annotated[list[ObjectId], Field(max_length=5000)] | None = None


class BatchOut(Schema):
    id: int
    code: str
    state: str
    paid_on: dt.date | None


class PaidIn(Schema):
    references: dict[str, Annotated[str, Field(max_length=80)]]
    paid_on: Date | None = None


class BudgetOut(Schema):
    id: int
    clause_id: int
    year: int
    amount: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal


class BudgetIn(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount: Money


class CheckOut(Schema):
    text: str
    result: bool | None
    values: list[tuple[str, str, str]]


class OfferOut(Schema):
    clause_id: int
    clause: str
    policy: str
    mode: str
    eligible: bool
    amount: Decimal | None
    conditions: list[CheckOut]


class FundsRow(Schema):
    key: str
    disbursed: Decimal
    committed: Decimal


@router.get("/policies", response=list[PolicyOut], summary="政策目录")
@paginate(Page)
def policy_list(request, q: Annotated[str, Field(max_length=60)] = ""):
    return selectors.policy_list(user=request.user, q=q)


@router.get("/policies/{policy_id}/clauses", response=list[ClauseOut], summary="政策的兑现事项")
@paginate(Page)
def clause_list(request, policy_id: ObjectId):
    policy = selectors.policy_get(user=request.user, pk=policy_id)
    return selectors.clause_list(user=request.user, policy=policy)


@router.get("/clauses/{clause_id}", response=ClauseOut, summary="兑现事项")
def clause_get(request, clause_id: ObjectId):
    return selectors.clause_get(user=request.user, pk=clause_id)


@router.post("/rules/check", response=RuleCheckOut, summary="检查资格条件（CEL）")
def rule_check(request, payload: RuleIn):
    _require_officer(request.user)
    try:
        from .rules import parse_rule
        from .rules.ast import conjuncts

        node = parse_rule(payload.rule)
    except RuleError as exc:
        return {"ok": False, "message": exc.message}
    return {"ok": True, "conditions": [str(c) for c in conjuncts(node)]}


@router.post("/rules/preview", response=PreviewOut, summary="资格条件试匹配：符合数与差一项的企业")
def rule_preview(request, payload: RuleIn):
    _require_officer(request.user)
    try:
        p = matching.preview(payload.rule, limit=50)
    except RuleError as exc:
        raise ValidationFailed(exc.message, fields={"rule": exc.message}) from None
    return {
        "count": p.count,
        "near_miss_count": p.near_miss_count,
        "near_misses": [
            {"uscc": e.uscc, "name": e.name, "failed": failed} for e, failed in p.near_miss_rules
        ],
    }


def _require_officer(user):
    from gaoxin.core.errors import PermissionDenied

    from . import permissions

    if not permissions.can_manage_policies(user):
        raise PermissionDenied("只有政策专员可以编辑规则")


@router.put("/clauses/{clause_id}/rule", response=ClauseOut, summary="保存资格条件和金额公式")
def clause_rule_save(request, clause_id: ObjectId, payload: ClauseRuleIn):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    return catalogue.clause_update(
        actor=request.user, clause=clause, rule=payload.rule, formula=payload.formula
    )


class ClauseActionIn(Schema):
    action: Literal["check", "publish", "withdraw"]


@router.post(
    "/clauses/{clause_id}/state",
    response=ClauseOut,
    summary="兑现事项核验 / 发布 / 撤回（草稿 → 已核验 → 已发布）",
)
def clause_transition(request, clause_id: ObjectId, payload: ClauseActionIn):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    return catalogue.clause_act(actor=request.user, clause=clause, action=payload.action)


@router.get("/clauses/{clause_id}/budgets", response=list[BudgetOut], summary="事项预算与余额")
@paginate(Page)
def budget_list(request, clause_id: ObjectId):
    return [_budget_out(b) for b in selectors.budget_list(user=request.user).filter(clause_id=clause_id)]


@router.put("/clauses/{clause_id}/budgets", response=BudgetOut, summary="设置年度预算")
def budget_set(request, clause_id: ObjectId, payload: BudgetIn):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    return _budget_out(
        catalogue.budget_set(actor=request.user, clause=clause, year=payload.year, amount=payload.amount)
    )


def _budget_out(b):
    bal = money.budget_balance(b)
    return {
        "id": b.pk,
        "clause_id": b.clause_id,
        "year": b.year,
        **{k: bal[k] for k in ("amount", "committed", "paid", "available")},
    }


@router.post("/clauses/{clause_id}/batch", response={202: TaskOut}, summary="运行免申即享批次")
def clause_batch(request, clause_id: ObjectId):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    run = money.award_batch_start(actor=request.user, clause=clause)
    return Status(202, {"task_run": run.pk})


@router.get("/awards", response=list[AwardOut], summary="兑现记录")
@paginate(Page)
def award_list(request, f: Query[AwardFilter]):
    return selectors.award_list(user=request.user, state=f.state, clause_id=f.clause)


@router.post("/awards/{award_id}/approve", response=AwardOut, summary="审核通过（预留预算）")
def award_approve(request, award_id: ObjectId):
    return money.award_approve(actor=request.user, award=selectors.award_get(user=request.user, pk=award_id))


@router.post("/awards/{award_id}/reject", response=AwardOut, summary="不予兑现")
def award_reject(request, award_id: ObjectId, payload: ReasonIn):
    award = selectors.award_get(user=request.user, pk=award_id)
    return money.award_reject(actor=request.user, award=award, reason=payload.reason)


@router.post("/awards/{award_id}/revoke", response=AwardOut, summary="撤销（释放预算）")
def award_revoke(request, award_id: ObjectId, payload: ReasonIn):
    award = selectors.award_get(user=request.user, pk=award_id)
    return money.award_revoke(actor=request.user, award=award, reason=payload.reason)


@router.post("/awards/{award_id}/confirm", response=AwardOut, summary="企业确认收款账户")
def award_confirm(request, award_id: ObjectId, payload: ConfirmIn):
    award = selectors.award_get(user=request.user, pk=award_id)
    return money.award_confirm(actor=request.user, award=award, **payload.dict())


@router.post(
    "/awards/{award_id}/clawback",
    response=AwardOut,
    summary="追回（全部或部分；追回款缴回财政，不回到可用预算）",
)
def award_clawback(request, award_id: ObjectId, payload: ClawbackIn):
    award = selectors.award_get(user=request.user, pk=award_id)
    return money.award_clawback(
        actor=request.user,
        award=award,
        reason=payload.reason,
        reference=payload.reference,
        amount=payload.amount,
    )


@router.post("/awards/publish", response=dict[str, int], summary="公示")
def awards_publish(request, payload: IdsIn):
    # Refused by role before the ids are read: an empty or invisible list must not answer 200.
    if not permissions.can_manage_policies(request.user):
        raise PermissionDenied("只有政策专员可以发起公示")
    awards = list(selectors.award_list(user=request.user).filter(pk__in=payload.ids))
    return {"published": money.awards_publish(actor=request.user, awards=awards)}


@router.post("/payment-batches", response={201: BatchOut}, summary="创建拨付批次")
def batch_create(request, payload: BatchIn):
    awards = None
    if payload.ids is not None:
        awards = list(selectors.award_list(user=request.user).filter(pk__in=payload.ids))
    return Status(201, money.payment_batch_create(actor=request.user, awards=awards))


@router.get("/payment-batches/{batch_id}/file", summary="导出银行拨付文件（Excel）")
def batch_file(request, batch_id: ObjectId):
    batch = selectors.batch_get(user=request.user, pk=batch_id)
    content = money.payment_batch_export(actor=request.user, batch=batch)
    return xlsx_response(content, f"{batch.code}.xlsx")


@router.post("/payment-batches/{batch_id}/paid", response=BatchOut, summary="登记拨付（银行流水号）")
def batch_paid(request, batch_id: ObjectId, payload: PaidIn):
    batch = selectors.batch_get(user=request.user, pk=batch_id)
    refs = {}
    for key, ref in payload.references.items():
        if not key.isdigit() or len(key) > 18:
            raise ValidationFailed("流水号应按兑现记录编号填写", fields={"references": key[:20]})
        refs[int(key)] = ref
    return money.payment_batch_mark_paid(
        actor=request.user, batch=batch, references=refs, paid_on=payload.paid_on
    )


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300, description="作废原因")


@router.post(
    "/payment-batches/{batch_id}/cancel",
    response=BatchOut,
    summary="作废未拨付的批次（兑现记录等待重新列入批次）",
)
def batch_cancel(request, batch_id: ObjectId, payload: CancelIn):
    batch = selectors.batch_get(user=request.user, pk=batch_id)
    return money.payment_batch_cancel(actor=request.user, batch=batch, reason=payload.reason)


@router.get("/me/offers", response=list[OfferOut], summary="企业找政策：本企业可享受的政策及理由")
def my_offers(request, eligible_only: bool = False):
    ent = selectors.enterprise_of(request.user)
    out = []
    for o in matching.offers_for(ent, eligible_only=eligible_only):
        out.append(
            {
                "clause_id": o.clause.pk,
                "clause": o.clause.title,
                "policy": o.clause.policy.title,
                "mode": o.clause.mode,
                "eligible": o.eligible,
                "amount": o.amount,
                "conditions": [
                    {"text": c.text, "result": c.result, "values": c.values}
                    for c, _ in o.explanation.conditions
                ],
            }
        )
    return out


@router.get("/policy-reports/funds", response=list[FundsRow], summary="资金统计（按政策/事项/产业/月份）")
def funds_report(
    request,
    by: Literal["policy", "clause", "industry", "month"] = "policy",
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
):
    selectors.budget_list(user=request.user)  # permission check
    return reports.funds_report(by, year)


@router.get("/policy-reports/funds.xlsx", summary="资金统计导出（Excel）")
def funds_report_file(request, year: Annotated[int, Field(ge=2000, le=2100)] | None = None):
    selectors.budget_list(user=request.user)
    return xlsx_response(reports.funds_workbook(year), "funds.xlsx")


class PolicyIn(Schema):
    title: Annotated[str, Field(min_length=2, max_length=200)]
    issuer: Annotated[str, Field(min_length=2, max_length=120)]
    doc_no: Annotated[str, Field(max_length=80)] = ""
    issued_on: Date
    effective_from: Date | None = None
    effective_to: Date | None = None
    full_text: Annotated[str, Field(max_length=50000)] = ""
    tags: Annotated[str, Field(max_length=200)] = ""


class ClauseIn(Schema):
    code: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,40}$")]
    title: Annotated[str, Field(min_length=2, max_length=200)]
    period: Annotated[int, Field(ge=2000, le=2100)]
    mode: Literal["apply", "auto"] = "auto"
    beneficiary: Literal["enterprise", "person"] = "enterprise"
    rule: RuleText = "true"
    formula: RuleText = "0"
    award_cap: Annotated[Decimal, Field(gt=0, le=Decimal("1e15"), max_digits=18, decimal_places=2)] | None = (
        None
    )
    notice_days: Annotated[int, Field(ge=1, le=30)] = 5
    summary: Annotated[str, Field(max_length=5000)] = ""
    materials: Annotated[str, Field(max_length=2000)] = ""


@router.post("/policies", response={201: PolicyOut}, summary="新建政策")
def policy_create(request, payload: PolicyIn):
    return Status(201, catalogue.policy_create(actor=request.user, **payload.dict()))


@router.post(
    "/policies/{policy_id}/clauses", response={201: ClauseOut}, summary="新建兑现事项（规则经类型检查）"
)
def clause_create(request, policy_id: ObjectId, payload: ClauseIn):
    policy = selectors.policy_get(user=request.user, pk=policy_id)
    return Status(201, catalogue.clause_create(actor=request.user, policy=policy, **payload.dict()))


class LoanOut(Schema):
    id: int
    uscc: str
    enterprise: str
    bank: str
    requested: Decimal
    recommended: Decimal
    approved: Decimal | None
    granted: Decimal | None
    granted_on: dt.date | None
    state: str

    @staticmethod
    def resolve_uscc(obj):
        return obj.enterprise.uscc

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name


class LoanIn(Schema):
    policy_id: ObjectId
    uscc: Annotated[str, Field(min_length=18, max_length=18)]
    bank: Annotated[str, Field(min_length=2, max_length=80)]
    requested: Annotated[Decimal, Field(gt=0, le=Decimal("1e14"), max_digits=18, decimal_places=2)]
    recommended: Annotated[Decimal, Field(gt=0, le=Decimal("1e14"), max_digits=18, decimal_places=2)]
    purpose: Annotated[str, Field(max_length=200)] = ""


class LoanUpdateIn(Schema):
    approved: Annotated[Decimal, Field(gt=0, le=Decimal("1e14"), max_digits=18, decimal_places=2)] | None = (
        None
    )
    granted: Annotated[Decimal, Field(gt=0, le=Decimal("1e14"), max_digits=18, decimal_places=2)] | None = (
        None
    )
    granted_on: Date | None = None
    declined: bool = False


@router.get("/loans", response=list[LoanOut], summary="政策贷款（复工贷）")
@paginate(Page)
def loan_list(request):
    return selectors.loan_list(user=request.user)


@router.post("/loans", response={201: LoanOut}, summary="向合作银行推荐融资需求")
def loan_recommend(request, payload: LoanIn):
    policy = selectors.policy_get(user=request.user, pk=payload.policy_id)
    ent = enterprise_get(user=request.user, uscc=payload.uscc)
    return Status(
        201,
        premises.financing_recommend(
            actor=request.user,
            policy=policy,
            enterprise=ent,
            bank=payload.bank,
            requested=payload.requested,
            recommended=payload.recommended,
            purpose=payload.purpose,
        ),
    )


@router.post("/loans/{loan_id}", response=LoanOut, summary="登记银行审批或放款")
def loan_update(request, loan_id: ObjectId, payload: LoanUpdateIn):
    need = selectors.loan_list(user=request.user).filter(pk=loan_id).first()
    if need is None:
        raise NotFound("政策贷款记录不存在")
    return premises.financing_update(actor=request.user, need=need, **payload.dict())


class ReliefTotalsOut(Schema):
    scheme: str
    leases: int
    rent: Decimal
    fee: Decimal


@router.get("/relief-schemes", response=list[ReliefTotalsOut], summary="租金减免方案与合计")
@paginate(Page)
def relief_list(request):
    out = []
    for scheme in selectors.scheme_list(user=request.user):
        t = premises.relief_totals(scheme)
        out.append({"scheme": scheme.name, "leases": t["leases"], "rent": t["rent"], "fee": t["fee"]})
    return out


@router.get("/clauses/{clause_id}/eligibility", response=OfferOut, summary="本企业是否符合该事项（逐条说明）")
def clause_eligibility(request, clause_id: ObjectId):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    o = matching.offer_for(selectors.enterprise_of(request.user), clause)
    return {
        "clause_id": clause.pk,
        "clause": clause.title,
        "policy": clause.policy.title,
        "mode": clause.mode,
        "eligible": o.eligible,
        "amount": o.amount,
        "conditions": [
            {"text": c.text, "result": c.result, "values": c.values} for c, _ in o.explanation.conditions
        ],
    }


class ServiceItemOut(Schema):
    code: str
    name: str


@router.post(
    "/clauses/{clause_id}/service-item",
    response={201: ServiceItemOut},
    summary="申报类事项发布为政务服务事项",
)
def clause_service_item(request, clause_id: ObjectId):
    clause = selectors.clause_get(user=request.user, pk=clause_id)
    item = apply.clause_publish_service_item(actor=request.user, clause=clause)
    return Status(201, item)
