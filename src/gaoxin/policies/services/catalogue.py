"""Writes to the policy catalogue: policies, clauses (rules type-checked on save), budgets.

A clause has a lifecycle (CLAUSES, a core workflow machine): it is drafted (`draft`), its rule is
checked against the zone's data (`checked`: the rule has a real condition, the rule and the formula
type-check, the match count is recorded), and it is published (`published`). Only a published
clause reaches enterprises: 企业找政策, the 免申即享 batch, applications and notices. Changing the
rule or the formula of a checked or published clause returns it to draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from gaoxin.core import audit
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions
from ..models import Budget, Clause, Policy
from ..rules import RuleError, parse_formula, parse_rule
from ..rules.ast import Lit


def _require_officer(actor):
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以维护政策")


def check_rule(text: str, *, person: bool = False):
    try:
        return parse_rule(text, person=person)
    except RuleError as exc:
        raise ValidationFailed(exc.message, fields={"rule": exc.message}) from None


def check_formula(text: str, *, person: bool = False):
    try:
        return parse_formula(text, person=person)
    except RuleError as exc:
        raise ValidationFailed(exc.message, fields={"formula": exc.message}) from None


@transaction.atomic
def policy_create(
    *,
    actor,
    title: str,
    issuer: str,
    issued_on: dt.date,
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
    doc_no: str = "",
    full_text: str = "",
    tags: str = "",
) -> Policy:
    _require_officer(actor)
    effective_from = effective_from or issued_on
    if effective_to and effective_to < effective_from:
        raise ValidationFailed(
            "失效日期不能早于生效日期", fields={"effective_to": "失效日期不能早于生效日期"}
        )
    policy = Policy.objects.create(
        title=title.strip(),
        issuer=issuer.strip(),
        doc_no=doc_no.strip(),
        issued_on=issued_on,
        effective_from=effective_from,
        effective_to=effective_to,
        full_text=full_text,
        tags=tags,
    )
    audit.record(actor=actor, action="policy.create", obj=policy, summary={"title": policy.title})
    return policy


CLAUSE_FIELDS = (
    "title",
    "summary",
    "mode",
    "formula",
    "award_cap",
    "period",
    "window_from",
    "window_to",
    "materials",
    "notice_days",
    "department",
    "budget_source",
)


@transaction.atomic
def clause_create(
    *,
    actor,
    policy: Policy,
    code: str,
    title: str,
    period: int,
    rule: str = "true",
    formula: str = "0",
    beneficiary: str = Clause.Beneficiary.ENTERPRISE,
    **fields,
) -> Clause:
    _require_officer(actor)
    if beneficiary not in Clause.Beneficiary.values:
        raise ValidationFailed("受益对象须为企业或个人", fields={"beneficiary": "取值无效"})
    person = beneficiary == Clause.Beneficiary.PERSON
    if person and fields.get("mode") == Clause.Mode.APPLY:
        # 申报 runs on the case engine with an enterprise applicant (services/apply.py)
        raise ValidationFailed("受益对象为个人的事项目前按“免申即享”兑现", fields={"mode": "请选择免申即享"})
    check_rule(rule, person=person)
    check_formula(formula, person=person)
    _check_fields(fields)
    if Clause.objects.filter(code=code).exists():
        raise Conflict(f"事项编码“{code}”已被使用", fields={"code": "编码已被使用"})
    try:
        with transaction.atomic():
            clause = Clause.objects.create(
                policy=policy,
                code=code,
                title=title,
                period=period,
                rule=rule,
                formula=formula,
                beneficiary=beneficiary,
                updated_by=actor,
                **fields,
            )
    except IntegrityError:
        raise Conflict(f"事项编码“{code}”已被使用", fields={"code": "编码已被使用"}) from None
    audit.record(actor=actor, action="clause.create", obj=clause, summary={"rule": rule, "formula": formula})
    return clause


@transaction.atomic
def clause_update(
    *, actor, clause: Clause, rule: str | None = None, formula: str | None = None, **fields
) -> Clause:
    _require_officer(actor)
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    before = {"rule": clause.rule, "formula": clause.formula}
    if rule is not None:
        check_rule(rule, person=clause.pays_persons)
        clause.rule = rule
    if formula is not None:
        check_formula(formula, person=clause.pays_persons)
        clause.formula = formula
    _check_fields(fields)
    for name, val in fields.items():
        if name not in CLAUSE_FIELDS:
            raise ValidationFailed(f"不能修改字段 {name}")
        setattr(clause, name, val)
    clause.updated_by = actor
    changed = (clause.rule, clause.formula) != (before["rule"], before["formula"])
    if changed and clause.state != Clause.State.DRAFT:
        clause.state = Clause.State.DRAFT  # a changed rule is checked and published again
    clause.save()
    audit.record(
        actor=actor,
        action="clause.update",
        obj=clause,
        summary={"before": before, "rule": clause.rule, "formula": clause.formula, "state": clause.state},
    )
    return clause


# ---- the clause lifecycle: draft → checked → published -------------------------------------------
S = Clause.State
OFFICER = "officer"


def _check(clause: Clause, actor, payload: dict, today: dt.date) -> dict:
    node = check_rule(clause.rule, person=clause.pays_persons)
    check_formula(clause.formula, person=clause.pays_persons)
    if isinstance(node, Lit):
        raise ValidationFailed(
            "资格条件尚未编写（恒为真或恒为假），不能核验", fields={"rule": "请编写资格条件"}
        )
    from .matching import eligible_persons, preview

    if clause.pays_persons:
        return {"matches": len(eligible_persons(clause, today))}

    found = preview(clause.rule, as_of=today, limit=0)
    return {"matches": found.count, "near_misses": found.near_miss_count}


def _publish(clause: Clause, actor, payload: dict, today: dt.date) -> dict:
    check_rule(clause.rule, person=clause.pays_persons)
    check_formula(clause.formula, person=clause.pays_persons)
    return {}


CLAUSE_TRANSITIONS = [
    Transition("check", "核验", (S.DRAFT,), S.CHECKED, (OFFICER,), _check),
    Transition("publish", "发布", (S.CHECKED,), S.PUBLISHED, (OFFICER,), _publish),
    Transition("withdraw", "撤回为草稿", (S.CHECKED, S.PUBLISHED), S.DRAFT, (OFFICER,)),
]


def _no_event(step: Step) -> None:
    """The audit event the runner writes is the clause's history."""


CLAUSES = Machine(
    name="clause",
    model=Clause,
    transitions=CLAUSE_TRANSITIONS,
    role_names={OFFICER: "政策专员"},
    may=lambda role, actor, clause: permissions.can_manage_policies(actor),
    visible=lambda actor, clause: permissions.can_manage_policies(actor),
    write_event=_no_event,
    summary=lambda clause: {"code": clause.code},
    not_found="兑现事项不存在",
    wrong_state="“{state}”状态的兑现事项不能{action}",
    forbidden="您无权{action}兑现事项",
)


def clause_act(*, actor, clause: Clause, action: str) -> Clause:
    return CLAUSES.run(actor=actor, action=action, pk=clause.pk)


def clause_check_and_publish(*, actor, clause: Clause) -> Clause:
    """Both steps at once (seed data, tests, an officer confident of the rule)."""
    clause_act(actor=actor, clause=clause, action="check")
    return clause_act(actor=actor, clause=clause, action="publish")


def require_published(clause: Clause) -> None:
    if clause.state != Clause.State.PUBLISHED:
        raise Conflict(f"兑现事项“{clause.title}”尚未发布（{clause.get_state_display()}），不能面向企业")


def _check_fields(fields: dict):
    cap = fields.get("award_cap")
    if cap is not None and cap <= 0:
        raise ValidationFailed("单户上限必须大于 0", fields={"award_cap": "必须大于 0"})
    if fields.get("notice_days") is not None and not 1 <= fields["notice_days"] <= 30:
        raise ValidationFailed("公示期应为 1 至 30 个工作日", fields={"notice_days": "1 至 30"})
    wf, wt = fields.get("window_from"), fields.get("window_to")
    if wf and wt and wt < wf:
        raise ValidationFailed("申报截止不能早于申报开始", fields={"window_to": "不能早于申报开始"})
    source = fields.get("budget_source")
    if source is not None and source.budget_source_id is not None:
        # one level: the clause that holds the shared budget draws on its own
        raise ValidationFailed(
            "所共用预算的事项本身须使用自己的预算", fields={"budget_source": "不能层层共用"}
        )


@transaction.atomic
def budget_set(*, actor, clause: Clause, year: int, amount: Decimal) -> Budget:
    """Set a clause's budget for a year; never below what is already reserved or paid."""
    if not permissions.can_set_budget(actor):
        raise PermissionDenied("只有政策专员或财政专员可以设置预算")
    if amount < 0:
        raise ValidationFailed("预算金额不能为负", fields={"amount": "不能为负"})
    from .money import budget_balance

    try:
        budget, created = Budget.objects.select_for_update().get_or_create(
            clause=clause, year=year, defaults={"amount": amount}
        )
    except IntegrityError:
        raise Conflict("预算正在被修改，请重试") from None
    if not created:
        used = budget_balance(budget)["used"]
        if amount < used:
            raise Conflict(f"预算不能低于已占用的 {used} 元")
        budget.amount = amount
        budget.save(update_fields=["amount"])
    audit.record(actor=actor, action="budget.set", obj=budget, summary={"year": year, "amount": str(amount)})
    return budget
