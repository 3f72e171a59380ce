"""Awards from eligibility to payment, budgets and the append-only ledger.

The award lifecycle is one table (TRANSITIONS) run by the core workflow machine (`AWARDS`): every
transition locks the budget row when money moves, then the award row, and writes an AwardEvent and
an audit event. Money moves only as LedgerEntry rows:
approve → reserve; revoke → release; paid → pay; clawback → clawback. Balances are sums.

Clawback (追回) may recover part of a paid award, in one or more entries, up to what was paid; the
award is 已追回 once the whole amount is recovered. Recovered money is a recorded recovery
(追回款: `budget_balance()["recovered"]`, each entry with its reason and refund voucher), and does
NOT return to the clause's available budget: money recovered from a beneficiary is returned to the
treasury (缴回财政) under fiscal rules, and an appropriation once spent is not silently re-spent
on other enterprises. To reuse it, the budget is raised explicitly (`budget_set`, audited).

Persons (certified talents) are beneficiaries of the same machine: a person clause's batch finds
them through policies.beneficiaries, the person confirms their own personal bank card (Luhn-checked,
in their own name), and their awards draw on the same budgets — a clause may share another's
(`Clause.budget_source`), so a talent subsidy and an enterprise award can queue on one budget row."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy

from gaoxin.accounts.permissions import is_citizen
from gaoxin.core import audit, clock
from gaoxin.core.calendar import add_workdays
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import normalize
from gaoxin.core.tasks import Progress, tracked_task
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions
from ..models import Award, AwardEvent, Budget, Clause, LedgerEntry, Notification, PaymentBatch, PaymentItem
from ..rules import parse_formula, parse_rule
from ..rules.compiler import compile_rule
from ..rules.evaluator import award_amount, explain
from ..rules.facts import enterprises_with_facts, load_facts
from ..rules.sentences import sentences
from .catalogue import require_published
from .matching import eligible_persons, operating

S = Award.State
CENT = Decimal("0.01")
OFFICER, FINANCE, ENTERPRISE, PERSON = "officer", "finance", "enterprise", "person"
ROLE_NAMES = {
    OFFICER: gettext_lazy("政策专员"),
    FINANCE: gettext_lazy("财政专员"),
    ENTERPRISE: gettext_lazy("获奖企业"),
    PERSON: gettext_lazy("获奖个人"),
}


def _may(role: str, actor, award: Award) -> bool:
    if role == OFFICER:
        return permissions.can_manage_policies(actor)
    if role == FINANCE:
        return permissions.can_handle_payments(actor)
    if role == PERSON:
        return award.to_person and is_citizen(actor) and normalize(actor.id_card) == award.person_id_card
    return (
        award.enterprise is not None
        and permissions.can_act_for_awards(actor)
        and actor.enterprise_uscc == award.enterprise.uscc
    )


def may_confirm(actor, award: Award) -> bool:
    """The beneficiary's own side: the enterprise's legal representative, or the person themself."""
    return _may(PERSON if award.to_person else ENTERPRISE, actor, award)


def _move(
    budget: Budget,
    award: Award,
    kind: str,
    actor,
    *,
    reference: str = "",
    memo: str = "",
    amount: Decimal | None = None,
) -> LedgerEntry:
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                budget=budget,
                award=award,
                kind=kind,
                amount=award.amount if amount is None else amount,
                reference=reference,
                memo=memo[:300],
                actor=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise Conflict("该笔资金变动已记账，不能重复") from None


# ---- balances ---------------------------------------------------------------------------------


def _sums(entries) -> dict[str, Decimal]:
    sums = {k: Decimal("0.00") for k in LedgerEntry.Kind.values}
    for row in entries.values("kind").annotate(total=Sum("amount")):
        sums[row["kind"]] = Decimal(row["total"]).quantize(CENT)
    return sums


def budget_balance(budget: Budget) -> dict[str, Decimal]:
    s = _sums(LedgerEntry.objects.filter(budget=budget))
    committed = s["reserve"] - s["release"] - s["pay"]
    paid = s["pay"]
    return {
        "amount": budget.amount,
        "committed": committed,
        "paid": paid,  # paid out of this budget, recovered or not
        "recovered": s["clawback"],  # 追回款: returned to the treasury, not to `available`
        "clawed_back": s["clawback"],
        "net_paid": paid - s["clawback"],
        "used": committed + paid,
        "available": budget.amount - committed - paid,
    }


def clawed_back(award: Award) -> Decimal:
    total = LedgerEntry.objects.filter(award=award, kind=LedgerEntry.Kind.CLAWBACK).aggregate(t=Sum("amount"))
    return Decimal(total["t"] or 0).quantize(CENT)


def _budget_for(award: Award, *, lock: bool) -> Budget:
    qs = Budget.objects.select_for_update() if lock else Budget.objects
    try:
        return qs.get(clause_id=award.clause.budget_clause_id, year=award.period)
    except Budget.DoesNotExist:
        raise Conflict(f"“{award.clause.title}”尚未设置 {award.period} 年度预算") from None


# ---- batch: 免申即享 ---------------------------------------------------------------------------


@tracked_task("免申即享批量测算")
def award_batch(run: Progress, clause_id: int, actor_id: int | None = None, as_of: str | None = None) -> dict:
    """Find every eligible enterprise of a clause and create draft awards with computed amounts."""
    from gaoxin.accounts.models import User

    clause = Clause.objects.select_related("policy").get(pk=clause_id)
    require_published(clause)
    actor = User.objects.filter(pk=actor_id).first()
    day = dt.date.fromisoformat(as_of) if as_of else clock.today()
    if clause.pays_persons:
        return _person_batch(run, clause, actor, day)
    node, formula = parse_rule(clause.rule), parse_formula(clause.formula)
    said_conditions = sentences(node)
    ids = list(compile_rule(node, day).queryset(operating()).order_by("pk").values_list("pk", flat=True))
    existing = set(
        Award.objects.filter(clause=clause, period=clause.period).values_list("enterprise_id", flat=True)
    )
    todo = [pk for pk in ids if pk not in existing]
    run.update(0, len(todo), f"符合条件 {len(ids)} 户，新增测算 {len(todo)} 户")
    created = missing = 0
    for start in range(0, len(todo), 500):
        chunk = todo[start : start + 500]
        facts = load_facts(enterprises_with_facts().filter(pk__in=chunk), day)
        rows = []
        for pk in chunk:
            amount = award_amount(formula, facts[pk], clause.award_cap)
            if amount is None:
                missing += 1
                continue
            rows.append(
                Award(
                    clause=clause,
                    enterprise_id=pk,
                    period=clause.period,
                    amount=amount,
                    basis=_basis(clause, day, explain(node, facts[pk]), said_conditions),
                    batch_run_id=run.run_id,
                )
            )
        with transaction.atomic():
            made = Award.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(made)
        run.update(
            min(start + 500, len(todo)), message=f"已测算 {min(start + 500, len(todo))} / {len(todo)} 户"
        )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="award.batch",
            obj=clause,
            summary={"eligible": len(ids), "created": created, "no_amount": missing},
        )
    return {
        "符合条件企业": len(ids),
        "新生成待审核": created,
        "已有记录跳过": len(existing & set(ids)),
        "缺少数据未测算": missing,
    }


def award_for_application(*, actor, clause: Clause, enterprise, case_number: str) -> Award:
    """The draft award of an approved 申报 (called inside the case's transition): its amount by the
    clause's formula on the decision day, capped, with the case number in its basis. One award per
    clause, enterprise and period: a later approved application for the same award finds it."""
    day = clock.today()
    existing = Award.objects.filter(clause=clause, enterprise=enterprise, period=clause.period).first()
    if existing is not None:
        return existing
    node, formula = parse_rule(clause.rule), parse_formula(clause.formula)
    facts = load_facts(enterprises_with_facts().filter(pk=enterprise.pk), day)[enterprise.pk]
    amount = award_amount(formula, facts, clause.award_cap)
    if amount is None:
        raise Conflict(
            f"无法按“{clause.title}”的兑现标准测算{enterprise.name}的金额（所需数据缺失或金额不大于 0），"
            "请补齐企业数据后再作决定"
        )
    basis = {**_basis(clause, day, explain(node, facts), sentences(node)), "case": case_number}
    award = Award.objects.create(
        clause=clause, enterprise=enterprise, period=clause.period, amount=amount, basis=basis
    )
    audit.record(
        actor=actor,
        action="award.from_application",
        obj=award,
        summary={"case": case_number, "amount": str(amount)},
    )
    return award


def _basis(clause: Clause, day: dt.date, explanation, said_conditions: list[str]) -> dict:
    return {
        "as_of": day.isoformat(),
        "rule": clause.rule,
        "formula": clause.formula,
        "conditions": [
            {"text": c.text, "sentence": said, "values": c.values}
            for (c, _), said in zip(explanation.conditions, said_conditions, strict=True)
        ],
    }


def _person_batch(run: Progress, clause: Clause, actor, day: dt.date) -> dict:
    """免申即享 for persons: every certified talent the rule finds eligible (Python evaluator over the
    facts talent supplies), one draft award each, with the explanation as its basis."""
    formula = parse_formula(clause.formula, person=True)
    said_conditions = sentences(parse_rule(clause.rule, person=True))
    eligible = eligible_persons(clause, day)
    existing = set(
        Award.objects.filter(clause=clause, period=clause.period)
        .exclude(person_id_card="")
        .values_list("person_id_card", flat=True)
    )
    todo = [(f, e) for f, e in eligible if f.id_card not in existing]
    run.update(0, len(todo), f"符合条件 {len(eligible)} 人，新增测算 {len(todo)} 人")
    rows, missing = [], 0
    for facts, explanation in todo:
        amount = award_amount(formula, facts, clause.award_cap)
        if amount is None:
            missing += 1
            continue
        rows.append(
            Award(
                clause=clause,
                person_id_card=facts.id_card,
                person_name=facts.name,
                period=clause.period,
                amount=amount,
                basis=_basis(clause, day, explanation, said_conditions),
                batch_run_id=run.run_id,
            )
        )
    with transaction.atomic():
        created = len(Award.objects.bulk_create(rows, ignore_conflicts=True))
        audit.record(
            actor=actor,
            action="award.batch",
            obj=clause,
            summary={"eligible": len(eligible), "created": created, "no_amount": missing},
        )
    run.update(len(todo), message=f"已测算 {len(todo)} 人")
    return {
        "符合条件人才": len(eligible),
        "新生成待审核": created,
        "已有记录跳过": len(eligible) - len(todo),
        "缺少数据未测算": missing,
    }


def batch_subject(clause: Clause) -> str:
    return f"clause:{clause.pk}"


def award_batch_start(*, actor, clause: Clause):
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以运行免申即享批次")
    if clause.mode != Clause.Mode.AUTO:
        raise Conflict("只有“免申即享”事项可以批量测算")
    require_published(clause)
    with transaction.atomic():
        run = award_batch.start(
            user=actor, subject=batch_subject(clause), clause_id=clause.pk, actor_id=actor.pk
        )
    return run


# ---- the award machine: effects run inside the runner's transaction, after its checks -----------


def _approve(award: Award, actor, payload: dict, today: dt.date) -> dict:
    budget = _budget_for(award, lock=False)  # locked by _prelock, before the award row
    available = budget_balance(budget)["available"]
    if award.amount > available:
        raise Conflict(f"预算余额不足：可用 {available} 元，本笔需 {award.amount} 元")
    _move(budget, award, LedgerEntry.Kind.RESERVE, actor, memo="审核通过，预留资金")
    return {}


def _reject(award: Award, actor, payload: dict, today: dt.date) -> dict:
    return {"reason": payload["note"]}


def _publish(award: Award, actor, payload: dict, today: dt.date) -> dict:
    deadline = add_workdays(today, award.clause.notice_days)
    award.notice_from, award.notice_to = today, deadline.deadline
    if award.to_person:  # a person reads the notice on their awards page (notifications are enterprises')
        return {"notice_to": str(deadline.deadline)}
    Notification.objects.get_or_create(
        enterprise=award.enterprise,
        clause=award.clause,
        kind="notice",
        defaults={
            "message": f"“{award.clause.title}”拟兑现 {award.amount} 元，公示至 {deadline.deadline}，请确认收款账户"
        },
    )
    return {"notice_to": str(deadline.deadline)}


def _revoke(award: Award, actor, payload: dict, today: dt.date) -> dict:
    _move(_budget_for(award, lock=False), award, LedgerEntry.Kind.RELEASE, actor, memo=payload["note"])
    return {"reason": payload["note"]}


def _confirm(award: Award, actor, payload: dict, today: dt.date) -> dict:
    if award.to_person and payload["account_name"] != award.person_name:
        raise ValidationFailed("账户名称必须与获奖人姓名一致", fields={"account_name": "须为本人姓名"})
    if award.enterprise is not None and payload["account_name"] != award.enterprise.name:
        raise ValidationFailed("账户名称必须与企业名称一致", fields={"account_name": "须为企业名称"})
    award.bank_name, award.account_name, award.account_no = (
        payload["bank_name"],
        payload["account_name"],
        payload["account_no"],
    )
    award.confirmed_at = clock.now()
    return {"bank": award.bank_name}


def _batch(award: Award, actor, payload: dict, today: dt.date) -> dict:
    if award.notice_to is None or award.notice_to >= today:
        raise Conflict(f"{award.beneficiary}的公示期尚未结束")
    batch = payload["batch"]
    try:
        with transaction.atomic():
            PaymentItem.objects.create(batch=batch, award=award, amount=award.amount)
    except IntegrityError:
        raise Conflict(f"{award.beneficiary}的兑现记录已列入其他拨付批次") from None
    return {"batch": batch.code}


def _unbatch(award: Award, actor, payload: dict, today: dt.date) -> dict:
    batch = payload["batch"]
    PaymentItem.objects.filter(batch=batch, award=award, withdrawn=False).update(withdrawn=True)
    return {"batch": batch.code, "reason": payload["note"]}


def _pay(award: Award, actor, payload: dict, today: dt.date) -> dict:
    award.paid_on = payload["paid_on"]
    budget = _budget_for(award, lock=False)
    memo = f"拨付批次 {payload['batch'].code}"
    _move(budget, award, LedgerEntry.Kind.PAY, actor, reference=payload["note"], memo=memo)
    return {"reference": payload["note"]}


def _clawback(award: Award, actor, payload: dict, today: dt.date) -> dict:
    budget = _budget_for(award, lock=False)
    remaining = award.amount - clawed_back(award)
    amount = payload.get("amount")
    amount = remaining if amount is None else Decimal(amount)
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationFailed("追回金额须为大于 0 的金额（精确到分）", fields={"amount": "金额无效"})
    if amount > remaining:
        raise ValidationFailed(
            f"追回金额不能超过尚未追回的 {remaining} 元", fields={"amount": "超过可追回金额"}
        )
    reference = payload.get("reference", "")
    _move(
        budget,
        award,
        LedgerEntry.Kind.CLAWBACK,
        actor,
        reference=reference,
        memo=payload["note"],
        amount=amount,
    )
    if amount == remaining:
        award.state = S.CLAWED_BACK  # the whole award is recovered
    return {"reason": payload["note"], "amount": str(amount), "remaining": str(remaining - amount)}


TRANSITIONS: list[Transition] = [
    Transition("approve", "审核通过", (S.DRAFT,), S.APPROVED, (OFFICER,), _approve),
    Transition("reject", "不予兑现", (S.DRAFT,), S.REJECTED, (OFFICER,), _reject),
    Transition("publish", "公示", (S.APPROVED,), S.NOTICE, (OFFICER,), _publish),
    Transition("revoke", "撤销", (S.APPROVED, S.NOTICE, S.CONFIRMED), S.REVOKED, (OFFICER,), _revoke),
    Transition("confirm", "确认收款账户", (S.NOTICE,), S.CONFIRMED, (ENTERPRISE, PERSON), _confirm),
    Transition("batch", "列入拨付批次", (S.CONFIRMED,), S.IN_PAYMENT, (FINANCE,), _batch),
    Transition("pay", "拨付", (S.IN_PAYMENT,), S.PAID, (FINANCE,), _pay),
    # the batch is cancelled before the bank paid it: the award waits for another batch
    Transition("unbatch", "移出拨付批次", (S.IN_PAYMENT,), S.CONFIRMED, (FINANCE,), _unbatch),
    # partly or wholly: the effect moves the award to 已追回 when nothing is left to recover
    Transition("clawback", "追回", (S.PAID,), None, (FINANCE,), _clawback),
]
MOVES_BUDGET = {"approve", "revoke", "pay", "clawback"}


def _prelock(award: Award, t: Transition) -> None:
    """The budget row is locked before the award row, so concurrent approvals queue on the budget
    and each sees the others' reservations: a budget can never be exceeded."""
    if t.action in MOVES_BUDGET:
        _budget_for(award, lock=True)


def _write_event(step: Step) -> None:
    AwardEvent.objects.create(
        award=step.obj,
        action=step.transition.action,
        from_state=step.before,
        to_state=step.obj.state,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
        note=str(step.payload.get("note", ""))[:300],
    )


AWARDS = Machine(
    name="award",
    model=Award,
    transitions=TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    # Awards reach these services through the scoped selectors (award_get); another enterprise is
    # refused by the enterprise role (403), as the confirmation page shows it.
    visible=lambda actor, award: True,
    write_event=_write_event,
    summary=lambda award: {"amount": str(award.amount)},
    prelock=_prelock,
    select_related=("enterprise", "clause"),
    not_found="兑现记录不存在",
    wrong_state="“{state}”状态下不能{action}",
    forbidden="您无权{action}",
)


def _run(award: Award, action: str, actor, **payload) -> Award:
    return AWARDS.run(actor=actor, action=action, pk=award.pk, payload=payload)


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(message, fields={"reason": "必填"})
    return text


def award_approve(*, actor, award: Award, note: str = "") -> Award:
    """Approve and reserve budget (the budget row is locked first: see _prelock)."""
    return _run(award, "approve", actor, note=note)


@transaction.atomic
def awards_approve(*, actor, awards) -> int:
    """Approve several awards all or nothing (one short budget refuses the whole selection)."""
    for award in sorted(awards, key=lambda a: a.pk):
        award_approve(actor=actor, award=award)
    return len(awards)


def award_reject(*, actor, award: Award, reason: str) -> Award:
    return _run(award, "reject", actor, note=_required(reason, "请填写不予兑现的理由"))


@transaction.atomic
def awards_publish(*, actor, awards) -> int:
    """Start the public notice (公示) of approved awards: it ends after the clause's working days."""
    for award in awards:
        _run(award, "publish", actor)
    return len(awards)


def award_revoke(*, actor, award: Award, reason: str) -> Award:
    """Withdraw an approved award (e.g. an objection during 公示): its reservation is released."""
    return _run(award, "revoke", actor, note=_required(reason, "请填写撤销理由"))


def award_confirm(*, actor, award: Award, bank_name: str, account_name: str, account_no: str) -> Award:
    """The enterprise (or the person) confirms the award and its bank account while the notice runs."""
    account_no = "".join(account_no.split())
    if not (
        bank_name.strip() and account_name.strip() and account_no.isdigit() and 8 <= len(account_no) <= 30
    ):
        raise ValidationFailed(
            "请填写开户银行、账户名称和 8–30 位数字的银行账号", fields={"account_no": "8–30 位数字"}
        )
    if award.to_person and not personal_card_valid(account_no):
        raise ValidationFailed("个人银行卡号应为 16–19 位数字且校验位正确", fields={"account_no": "卡号无效"})
    return _run(
        award,
        "confirm",
        actor,
        bank_name=bank_name.strip(),
        account_name=account_name.strip(),
        account_no=account_no,
    )


def personal_card_valid(number: str) -> bool:
    """A personal bank card number (银联借记卡): 16–19 digits whose last is the Luhn check digit."""
    if not (number.isdigit() and 16 <= len(number) <= 19):
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


# ---- payment batches --------------------------------------------------------------------------


def payable():
    """Confirmed awards whose notice has ended."""
    return Award.objects.filter(state=S.CONFIRMED, notice_to__lt=clock.today())


@transaction.atomic
def payment_batch_create(*, actor, awards=None) -> PaymentBatch:
    if not permissions.can_handle_payments(actor):
        raise PermissionDenied("只有财政专员可以创建拨付批次")
    today = clock.today()
    candidates = payable() if awards is None else awards
    ids = sorted({a.pk for a in candidates})
    if not ids:
        raise Conflict("没有公示期满且企业已确认的兑现记录")
    seq = PaymentBatch.objects.filter(code__startswith=f"BF{today:%Y%m%d}").count() + 1
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(code=f"BF{today:%Y%m%d}-{seq:03d}", created_by=actor)
    except IntegrityError:
        raise Conflict("另一拨付批次正在生成，请稍后重试") from None
    for pk in ids:
        AWARDS.run(actor=actor, action="batch", pk=pk, payload={"batch": batch})
    audit.record(actor=actor, action="payment_batch.create", obj=batch, summary={"awards": len(ids)})
    return batch


def payment_file(batch: PaymentBatch) -> bytes:
    """The bank payment file (Excel), generated from the batch rows, not from the screen."""
    from openpyxl import Workbook

    from gaoxin.core.spreadsheets import write_row

    wb = Workbook()
    ws = wb.active
    ws.title = "拨付清单"
    write_row(
        ws,
        [
            "批次号",
            "序号",
            "收款单位",
            "统一社会信用代码/身份证号",
            "开户银行",
            "账户名称",
            "银行账号",
            "金额（元）",
            "事项",
            "用途",
        ],
    )
    items = batch.items.select_related("award__enterprise", "award__clause").order_by("id")
    total = Decimal("0")
    for i, item in enumerate(items, 1):
        a = item.award
        write_row(
            ws,
            [
                batch.code,
                i,
                a.beneficiary,
                a.person_id_card if a.to_person else a.enterprise.uscc,
                a.bank_name,
                a.account_name,
                a.account_no,
                item.amount,
                a.clause.title,
                f"{a.period}年{'人才政策' if a.to_person else '惠企政策'}兑现",
            ],
        )
        total += item.amount
    write_row(ws, ["合计", "", "", "", "", "", "", total, "", ""])
    for col, width in zip("ABCDEFGHIJ", (16, 6, 30, 22, 18, 30, 24, 16, 30, 20), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@transaction.atomic
def payment_batch_export(*, actor, batch: PaymentBatch) -> bytes:
    if not permissions.can_handle_payments(actor):
        raise PermissionDenied("只有财政专员可以导出拨付文件")
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state == PaymentBatch.State.CANCELLED:
        raise Conflict("该批次已作废，不能导出拨付文件")
    if batch.state == PaymentBatch.State.DRAFT:
        batch.state, batch.exported_at = PaymentBatch.State.EXPORTED, clock.now()
        batch.save(update_fields=["state", "exported_at"])
        audit.record(actor=actor, action="payment_batch.export", obj=batch)
    return payment_file(batch)


@transaction.atomic
def payment_batch_mark_paid(
    *, actor, batch: PaymentBatch, references: dict[int, str], paid_on: dt.date | None = None
) -> PaymentBatch:
    """Record the bank's references (award id → 流水号) and pay each award: one ledger entry each."""
    if not permissions.can_handle_payments(actor):
        raise PermissionDenied("只有财政专员可以登记拨付")
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != PaymentBatch.State.EXPORTED:
        refusals: dict[str, str] = {
            PaymentBatch.State.DRAFT: "只有已导出的批次可以登记拨付",
            PaymentBatch.State.CANCELLED: "该批次已作废，不能登记拨付",
        }
        raise Conflict(refusals.get(batch.state, "该批次已拨付"))
    paid_on = paid_on or clock.today()
    items = list(batch.items.select_related("award"))
    missing = [i.award_id for i in items if not (references.get(i.award_id) or "").strip()]
    if missing:
        raise ValidationFailed(
            f"有 {len(missing)} 笔缺少银行流水号", fields={"references": "每笔都需要银行流水号"}
        )
    for item in items:
        ref = references[item.award_id].strip()[:80]
        AWARDS.run(
            actor=actor,
            action="pay",
            pk=item.award_id,
            payload={"note": ref, "batch": batch, "paid_on": paid_on},
        )
        item.bank_reference = ref
        item.save(update_fields=["bank_reference"])
    batch.state, batch.paid_on = PaymentBatch.State.PAID, paid_on
    batch.save(update_fields=["state", "paid_on"])
    audit.record(actor=actor, action="payment_batch.paid", obj=batch, summary={"items": len(items)})
    return batch


@transaction.atomic
def payment_batch_cancel(*, actor, batch: PaymentBatch, reason: str) -> PaymentBatch:
    """Cancel a batch the bank has not paid (its file generated or not): each award leaves it and
    waits for another batch, nothing is paid; a paid batch cannot be cancelled (追回 instead)."""
    if not permissions.can_handle_payments(actor):
        raise PermissionDenied("只有财政专员可以作废拨付批次")
    reason = _required(reason, "请填写作废原因")
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state == PaymentBatch.State.PAID:
        raise Conflict("该批次已拨付，不能作废；如需收回资金请办理追回")
    if batch.state == PaymentBatch.State.CANCELLED:
        raise Conflict("该批次已作废")
    items = list(batch.items.filter(withdrawn=False))
    for item in items:
        AWARDS.run(actor=actor, action="unbatch", pk=item.award_id, payload={"batch": batch, "note": reason})
    batch.state, batch.cancelled_at, batch.cancel_reason = (
        PaymentBatch.State.CANCELLED,
        clock.now(),
        reason[:300],
    )
    batch.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    audit.record(
        actor=actor, action="payment_batch.cancel", obj=batch, summary={"items": len(items), "reason": reason}
    )
    return batch


def award_clawback(
    *, actor, award: Award, reason: str, reference: str = "", amount: Decimal | None = None
) -> Award:
    """Recover all or part (`amount`) of a paid award (追回), e.g. false data found later. The money
    is a recorded recovery returned to the treasury, not to the available budget (see above)."""
    note = _required(reason, "请填写追回原因")
    return _run(award, "clawback", actor, note=note, reference=reference, amount=amount)


# ---- reconciliation ---------------------------------------------------------------------------

_EXPECTED = {
    S.DRAFT: set(),
    S.REJECTED: set(),
    S.APPROVED: {"reserve"},
    S.NOTICE: {"reserve"},
    S.CONFIRMED: {"reserve"},
    S.IN_PAYMENT: {"reserve"},
    S.REVOKED: {"reserve", "release"},
    S.PAID: {"reserve", "pay"},  # or with partial clawbacks, see reconcile()
    S.CLAWED_BACK: {"reserve", "pay", "clawback"},
}


def reconcile() -> list[str]:
    """Every discrepancy between awards, payments and the ledger, in words; empty when all agree."""
    problems = []
    kinds: dict[int, set] = {}
    recovered: dict[int, tuple[Decimal, Decimal]] = {}
    for award_id, kind, amount, award_amount_ in LedgerEntry.objects.values_list(
        "award_id", "kind", "amount", "award__amount"
    ):
        kinds.setdefault(award_id, set()).add(kind)
        if kind == LedgerEntry.Kind.CLAWBACK:
            so_far = recovered.get(award_id, (Decimal(0), award_amount_))[0]
            recovered[award_id] = (so_far + amount, award_amount_)
        elif amount != award_amount_:
            problems.append(f"兑现记录 {award_id} 的{kind}金额 {amount} 与兑现金额 {award_amount_} 不符")
    for award in Award.objects.only("pk", "state"):
        have = kinds.get(award.pk, set())
        total, award_amount_ = recovered.get(award.pk, (Decimal(0), Decimal(0)))
        if total > award_amount_ or (award.state == S.CLAWED_BACK and total != award_amount_):
            problems.append(f"兑现记录 {award.pk} 的追回合计 {total} 与兑现金额 {award_amount_} 不符")
        if award.state == S.PAID and have == {"reserve", "pay", "clawback"}:
            continue  # partly recovered
        if have != _EXPECTED[award.state]:
            problems.append(f"兑现记录 {award.pk}（{award.get_state_display()}）的台账为 {sorted(have)}")
    paid_items = (
        PaymentItem.objects.filter(batch__state=PaymentBatch.State.PAID).aggregate(t=Sum("amount"))["t"] or 0
    )
    paid_ledger = LedgerEntry.objects.filter(kind="pay").aggregate(t=Sum("amount"))["t"] or 0
    if paid_items != paid_ledger:
        problems.append(f"已拨付批次合计 {paid_items} 与台账拨付合计 {paid_ledger} 不符")
    for budget in Budget.objects.all():
        if budget_balance(budget)["available"] < 0:
            problems.append(f"{budget} 超支")
    return problems
