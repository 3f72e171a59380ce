"""Awards from eligibility to payment, budgets and the append-only ledger.

The award lifecycle is one table (state × action → next state, who); every transition locks the
award row, writes an AwardEvent and an audit event. Money moves only as LedgerEntry rows:
approve → reserve; revoke → release; paid → pay; clawback → clawback. Balances are sums."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gaoxin.core import audit
from gaoxin.core.calendar import add_workdays
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.tasks import Progress, tracked_task

from .. import permissions
from ..models import Award, AwardEvent, Budget, Clause, LedgerEntry, Notification, PaymentBatch, PaymentItem
from ..rules import parse_formula, parse_rule
from ..rules.compiler import compile_rule
from ..rules.evaluator import award_amount, explain
from ..rules.facts import enterprises_with_facts, load_facts
from .matching import operating

S = Award.State
CENT = Decimal("0.01")
OFFICER, FINANCE, ENTERPRISE = "officer", "finance", "enterprise"

# (state, action) → (next state, who may)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "approve"): (S.APPROVED, OFFICER),
    (S.DRAFT, "reject"): (S.REJECTED, OFFICER),
    (S.APPROVED, "publish"): (S.NOTICE, OFFICER),
    (S.APPROVED, "revoke"): (S.REVOKED, OFFICER),
    (S.NOTICE, "revoke"): (S.REVOKED, OFFICER),
    (S.NOTICE, "confirm"): (S.CONFIRMED, ENTERPRISE),
    (S.CONFIRMED, "revoke"): (S.REVOKED, OFFICER),
    (S.CONFIRMED, "batch"): (S.IN_PAYMENT, FINANCE),
    (S.IN_PAYMENT, "pay"): (S.PAID, FINANCE),
    (S.PAID, "clawback"): (S.CLAWED_BACK, FINANCE),
}
ACTION_LABELS = {
    "approve": "审核通过",
    "reject": "不予兑现",
    "publish": "公示",
    "revoke": "撤销",
    "confirm": "确认收款账户",
    "batch": "列入拨付批次",
    "pay": "拨付",
    "clawback": "追回",
}


def _allowed(actor, who: str, award: Award) -> bool:
    if who == OFFICER:
        return permissions.can_manage_policies(actor)
    if who == FINANCE:
        return permissions.can_handle_payments(actor)
    return permissions.can_act_for_awards(actor) and actor.enterprise_uscc == award.enterprise.uscc


def _transition(award: Award, action: str, actor, note: str = "") -> Award:
    """Lock, check the table, move; the caller has opened the transaction."""
    award = Award.objects.select_for_update().select_related("enterprise", "clause").get(pk=award.pk)
    step = TRANSITIONS.get((award.state, action))
    if step is None:
        raise Conflict(f"“{award.get_state_display()}”状态下不能{ACTION_LABELS.get(action, action)}")
    to_state, who = step
    if not _allowed(actor, who, award):
        raise PermissionDenied(f"您无权{ACTION_LABELS[action]}")
    AwardEvent.objects.create(
        award=award,
        action=action,
        from_state=award.state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
    )
    award.state = to_state
    return award


def _move(
    budget: Budget, award: Award, kind: str, actor, *, reference: str = "", memo: str = ""
) -> LedgerEntry:
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                budget=budget,
                award=award,
                kind=kind,
                amount=award.amount,
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
    paid = s["pay"] - s["clawback"]
    return {
        "amount": budget.amount,
        "committed": committed,
        "paid": paid,
        "clawed_back": s["clawback"],
        "used": committed + paid,
        "available": budget.amount - committed - paid,
    }


def _budget_for(award: Award, *, lock: bool) -> Budget:
    qs = Budget.objects.select_for_update() if lock else Budget.objects
    try:
        return qs.get(clause_id=award.clause_id, year=award.period)
    except Budget.DoesNotExist:
        raise Conflict(f"“{award.clause.title}”尚未设置 {award.period} 年度预算") from None


# ---- batch: 免申即享 ---------------------------------------------------------------------------


@tracked_task("免申即享批量测算")
def award_batch(run: Progress, clause_id: int, actor_id: int | None = None, as_of: str | None = None) -> dict:
    """Find every eligible enterprise of a clause and create draft awards with computed amounts."""
    from gaoxin.accounts.models import User

    clause = Clause.objects.select_related("policy").get(pk=clause_id)
    actor = User.objects.filter(pk=actor_id).first()
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    node, formula = parse_rule(clause.rule), parse_formula(clause.formula)
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
            basis = {
                "as_of": day.isoformat(),
                "rule": clause.rule,
                "formula": clause.formula,
                "conditions": [
                    {"text": c.text, "values": c.values} for c, _ in explain(node, facts[pk]).conditions
                ],
            }
            rows.append(
                Award(
                    clause=clause,
                    enterprise_id=pk,
                    period=clause.period,
                    amount=amount,
                    basis=basis,
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


def award_batch_start(*, actor, clause: Clause):
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以运行免申即享批次")
    if clause.mode != Clause.Mode.AUTO:
        raise Conflict("只有“免申即享”事项可以批量测算")
    with transaction.atomic():
        run = award_batch.start(user=actor, clause_id=clause.pk, actor_id=actor.pk)
    return run


# ---- review, notice, confirmation ----------------------------------------------------------------


@transaction.atomic
def award_approve(*, actor, award: Award, note: str = "") -> Award:
    """Approve and reserve budget. The budget row is locked first, so concurrent approvals queue up
    and each sees the others' reservations: the budget can never be exceeded."""
    budget = _budget_for(award, lock=True)
    award = _transition(award, "approve", actor, note)
    available = budget_balance(budget)["available"]
    if award.amount > available:
        raise Conflict(f"预算余额不足：可用 {available} 元，本笔需 {award.amount} 元")
    award.save(update_fields=["state"])
    _move(budget, award, LedgerEntry.Kind.RESERVE, actor, memo="审核通过，预留资金")
    audit.record(actor=actor, action="award.approve", obj=award, summary={"amount": str(award.amount)})
    return award


@transaction.atomic
def awards_approve(*, actor, awards) -> int:
    """Approve several awards all or nothing (one short budget refuses the whole selection)."""
    for award in sorted(awards, key=lambda a: a.pk):
        award_approve(actor=actor, award=award)
    return len(awards)


@transaction.atomic
def award_reject(*, actor, award: Award, reason: str) -> Award:
    if not reason.strip():
        raise ValidationFailed("请填写不予兑现的理由", fields={"reason": "必填"})
    award = _transition(award, "reject", actor, reason)
    award.save(update_fields=["state"])
    audit.record(actor=actor, action="award.reject", obj=award, summary={"reason": reason})
    return award


@transaction.atomic
def awards_publish(*, actor, awards, today: dt.date | None = None) -> int:
    """Start the public notice (公示) of approved awards: it ends after the clause's working days."""
    start = today or timezone.localdate()
    count = 0
    for award in awards:
        award = _transition(award, "publish", actor)
        deadline = add_workdays(start, award.clause.notice_days)
        award.notice_from, award.notice_to = start, deadline.deadline
        award.save(update_fields=["state", "notice_from", "notice_to"])
        Notification.objects.get_or_create(
            enterprise=award.enterprise,
            clause=award.clause,
            kind="notice",
            defaults={
                "message": f"“{award.clause.title}”拟兑现 {award.amount} 元，公示至 {deadline.deadline}，请确认收款账户"
            },
        )
        audit.record(
            actor=actor, action="award.publish", obj=award, summary={"notice_to": str(deadline.deadline)}
        )
        count += 1
    return count


@transaction.atomic
def award_revoke(*, actor, award: Award, reason: str) -> Award:
    """Withdraw an approved award (e.g. an objection during 公示): its reservation is released."""
    if not reason.strip():
        raise ValidationFailed("请填写撤销理由", fields={"reason": "必填"})
    budget = _budget_for(award, lock=True)
    award = _transition(award, "revoke", actor, reason)
    award.save(update_fields=["state"])
    _move(budget, award, LedgerEntry.Kind.RELEASE, actor, memo=reason)
    audit.record(actor=actor, action="award.revoke", obj=award, summary={"reason": reason})
    return award


@transaction.atomic
def award_confirm(*, actor, award: Award, bank_name: str, account_name: str, account_no: str) -> Award:
    """The enterprise confirms the award and its bank account (allowed while the notice runs)."""
    account_no = "".join(account_no.split())
    if not (
        bank_name.strip() and account_name.strip() and account_no.isdigit() and 8 <= len(account_no) <= 30
    ):
        raise ValidationFailed(
            "请填写开户银行、账户名称和 8–30 位数字的银行账号", fields={"account_no": "8–30 位数字"}
        )
    award = _transition(award, "confirm", actor)
    if account_name.strip() != award.enterprise.name:
        raise ValidationFailed("账户名称必须与企业名称一致", fields={"account_name": "须为企业名称"})
    award.bank_name, award.account_name, award.account_no = (
        bank_name.strip(),
        account_name.strip(),
        account_no,
    )
    award.confirmed_at = timezone.now()
    award.save(update_fields=["state", "bank_name", "account_name", "account_no", "confirmed_at"])
    audit.record(actor=actor, action="award.confirm", obj=award, summary={"bank": award.bank_name})
    return award


# ---- payment batches --------------------------------------------------------------------------


def payable(today: dt.date | None = None):
    """Confirmed awards whose notice has ended."""
    today = today or timezone.localdate()
    return Award.objects.filter(state=S.CONFIRMED, notice_to__lt=today)


@transaction.atomic
def payment_batch_create(*, actor, awards=None, today: dt.date | None = None) -> PaymentBatch:
    if not permissions.can_handle_payments(actor):
        raise PermissionDenied("只有财政专员可以创建拨付批次")
    today = today or timezone.localdate()
    candidates = payable(today) if awards is None else awards
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
        award = Award.objects.get(pk=pk)
        if award.notice_to is None or award.notice_to >= today:
            raise Conflict(f"{award.enterprise}的公示期尚未结束")
        award = _transition(award, "batch", actor)
        award.save(update_fields=["state"])
        try:
            with transaction.atomic():
                PaymentItem.objects.create(batch=batch, award=award, amount=award.amount)
        except IntegrityError:
            raise Conflict(f"{award.enterprise}的兑现记录已列入其他拨付批次") from None
    audit.record(actor=actor, action="payment_batch.create", obj=batch, summary={"awards": len(ids)})
    return batch


def payment_file(batch: PaymentBatch) -> bytes:
    """The bank payment file (Excel), generated from the batch rows, not from the screen."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "拨付清单"
    ws.append(
        [
            "批次号",
            "序号",
            "收款单位",
            "统一社会信用代码",
            "开户银行",
            "账户名称",
            "银行账号",
            "金额（元）",
            "事项",
            "用途",
        ]
    )
    items = batch.items.select_related("award__enterprise", "award__clause").order_by("id")
    total = Decimal("0")
    for i, item in enumerate(items, 1):
        a = item.award
        ws.append(
            [
                batch.code,
                i,
                a.enterprise.name,
                a.enterprise.uscc,
                a.bank_name,
                a.account_name,
                a.account_no,
                item.amount,
                a.clause.title,
                f"{a.period}年惠企政策兑现",
            ]
        )
        total += item.amount
    ws.append(["合计", "", "", "", "", "", "", total, "", ""])
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
    if batch.state == PaymentBatch.State.DRAFT:
        batch.state, batch.exported_at = PaymentBatch.State.EXPORTED, timezone.now()
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
        raise Conflict(
            "只有已导出的批次可以登记拨付" if batch.state == PaymentBatch.State.DRAFT else "该批次已拨付"
        )
    paid_on = paid_on or timezone.localdate()
    items = list(batch.items.select_related("award"))
    missing = [i.award_id for i in items if not (references.get(i.award_id) or "").strip()]
    if missing:
        raise ValidationFailed(
            f"有 {len(missing)} 笔缺少银行流水号", fields={"references": "每笔都需要银行流水号"}
        )
    for item in items:
        ref = references[item.award_id].strip()[:80]
        budget = _budget_for(item.award, lock=True)
        award = _transition(item.award, "pay", actor, ref)
        award.paid_on = paid_on
        award.save(update_fields=["state", "paid_on"])
        _move(budget, award, LedgerEntry.Kind.PAY, actor, reference=ref, memo=f"拨付批次 {batch.code}")
        item.bank_reference = ref
        item.save(update_fields=["bank_reference"])
    batch.state, batch.paid_on = PaymentBatch.State.PAID, paid_on
    batch.save(update_fields=["state", "paid_on"])
    audit.record(actor=actor, action="payment_batch.paid", obj=batch, summary={"items": len(items)})
    return batch


@transaction.atomic
def award_clawback(*, actor, award: Award, reason: str, reference: str = "") -> Award:
    """Recover a paid award (追回), e.g. false data found later; the money returns to the budget."""
    if not reason.strip():
        raise ValidationFailed("请填写追回原因", fields={"reason": "必填"})
    budget = _budget_for(award, lock=True)
    award = _transition(award, "clawback", actor, reason)
    award.save(update_fields=["state"])
    _move(budget, award, LedgerEntry.Kind.CLAWBACK, actor, reference=reference, memo=reason)
    audit.record(actor=actor, action="award.clawback", obj=award, summary={"reason": reason})
    return award


# ---- reconciliation ---------------------------------------------------------------------------

_EXPECTED = {
    S.DRAFT: set(),
    S.REJECTED: set(),
    S.APPROVED: {"reserve"},
    S.NOTICE: {"reserve"},
    S.CONFIRMED: {"reserve"},
    S.IN_PAYMENT: {"reserve"},
    S.REVOKED: {"reserve", "release"},
    S.PAID: {"reserve", "pay"},
    S.CLAWED_BACK: {"reserve", "pay", "clawback"},
}


def reconcile() -> list[str]:
    """Every discrepancy between awards, payments and the ledger, in words; empty when all agree."""
    problems = []
    kinds: dict[int, set] = {}
    for award_id, kind, amount, award_amount_ in LedgerEntry.objects.values_list(
        "award_id", "kind", "amount", "award__amount"
    ):
        kinds.setdefault(award_id, set()).add(kind)
        if amount != award_amount_:
            problems.append(f"兑现记录 {award_id} 的{kind}金额 {amount} 与兑现金额 {award_amount_} 不符")
    for award in Award.objects.only("pk", "state"):
        have = kinds.get(award.pk, set())
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
