"""免申即享 from batch to payment, clawback, budgets that never overspend, a ledger that reconciles."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from gaoxin.core import clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.policies.models import Award, Budget, LedgerEntry, PaymentBatch
from gaoxin.policies.services import catalogue, money
from tests.factories import enterprise_user

from . import factories as f

pytestmark = pytest.mark.django_db


def _pass_notice(*awards):
    Award.objects.filter(pk__in=[a.pk for a in awards]).update(notice_to=dt.date(2020, 1, 1))


def test_batch_through_notice_confirmation_payment_and_clawback(
    officer, finance, hte_firm, hte_user, rd_clause
):
    other = f.enterprise(size="small")  # no qualification: not eligible
    run = money.award_batch.run_now(clause_id=rd_clause.pk, actor_id=officer.pk)
    assert run.status == "succeeded", run.error
    assert run.result["新生成待审核"] == 1 and run.done == 1
    award = Award.objects.get(clause=rd_clause)
    assert award.enterprise == hte_firm and award.amount == Decimal("150000.00")  # 200000 capped
    assert award.basis["conditions"][0]["text"] == "enterprise.hte"
    assert not Award.objects.filter(enterprise=other).exists()

    # a rerun creates nothing twice (unique clause × enterprise × period)
    assert money.award_batch.run_now(clause_id=rd_clause.pk, actor_id=officer.pk).result["新生成待审核"] == 0

    with pytest.raises(PermissionDenied):
        money.award_approve(actor=finance, award=award)
    award = money.award_approve(actor=officer, award=award)
    budget = Budget.objects.get(clause=rd_clause)
    assert money.budget_balance(budget)["available"] == Decimal("850000.00")

    with clock.frozen(dt.date(2026, 6, 1)):
        money.awards_publish(actor=officer, awards=[award])
    award.refresh_from_db()
    assert award.state == "notice" and award.notice_to > dt.date(2026, 6, 5)  # 5 working days

    stranger = enterprise_user("ent9", f.enterprise().uscc, "别家")
    with pytest.raises(PermissionDenied):
        money.award_confirm(
            actor=stranger,
            award=award,
            bank_name="x",
            account_name=hte_firm.name,
            account_no="62220000111122223333",
        )
    with pytest.raises(ValidationFailed):
        money.award_confirm(
            actor=hte_user,
            award=award,
            bank_name="工商银行",
            account_name="别的名字",
            account_no="62220000111122223333",
        )
    money.award_confirm(
        actor=hte_user,
        award=award,
        bank_name="工商银行南宁分行",
        account_name=hte_firm.name,
        account_no="6222 0000 1111 2222 333",
    )

    with pytest.raises(Conflict), clock.frozen(dt.date(2026, 6, 2)):  # notice still running
        money.payment_batch_create(actor=finance)
    _pass_notice(award)
    batch = money.payment_batch_create(actor=finance)
    with pytest.raises(Conflict):  # never twice in a batch
        money.payment_batch_create(actor=finance, awards=[award])
    with pytest.raises(Conflict):
        money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "B1"})
    content = money.payment_batch_export(actor=finance, batch=batch)
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(content)).active
    assert ws.cell(2, 3).value == hte_firm.name and ws.cell(2, 7).value == "6222000011112222333"
    assert Decimal(str(ws.cell(2, 8).value)) == Decimal("150000")

    with pytest.raises(ValidationFailed):
        money.payment_batch_mark_paid(actor=finance, batch=batch, references={})
    money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "ICBC20260701001"})
    with pytest.raises(Conflict):  # a payment is never made twice
        money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "again"})
    award.refresh_from_db()
    assert award.state == "paid"
    bal = money.budget_balance(budget)
    assert (bal["paid"], bal["committed"], bal["available"]) == (
        Decimal("150000"),
        Decimal("0"),
        Decimal("850000"),
    )
    assert money.reconcile() == []

    with pytest.raises(ValidationFailed):
        money.award_clawback(actor=finance, award=award, reason=" ")
    money.award_clawback(actor=finance, award=award, reason="研发费用虚报，经审计核减", reference="退款001")
    bal = money.budget_balance(budget)
    # recovered money is a recorded recovery (returned to the treasury), not available budget again
    assert (bal["paid"], bal["available"], bal["recovered"], bal["net_paid"]) == (
        Decimal("150000"),
        Decimal("850000"),
        Decimal("150000"),
        Decimal("0"),
    )
    assert [e.kind for e in LedgerEntry.objects.order_by("id")] == ["reserve", "pay", "clawback"]
    assert money.reconcile() == []


def test_ledger_entries_are_immutable(officer, hte_firm, rd_clause):
    award = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("100"))
    money.award_approve(actor=officer, award=award)
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("1")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_revoke_releases_and_reject_needs_reason(officer, hte_firm, rd_clause):
    award = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("100000"))
    money.award_approve(actor=officer, award=award)
    money.award_revoke(actor=officer, award=award, reason="公示期间收到异议，核查属实")
    assert money.budget_balance(Budget.objects.get())["available"] == Decimal("1000000")
    assert money.reconcile() == []
    with pytest.raises(Conflict):
        money.award_approve(actor=officer, award=award)
    draft = Award.objects.create(
        clause=rd_clause, enterprise=f.enterprise(), period=2026, amount=Decimal("5")
    )
    with pytest.raises(ValidationFailed):
        money.award_reject(actor=officer, award=draft, reason="")


def test_budget_is_never_exceeded(officer, rd_clause):
    catalogue.budget_set(actor=officer, clause=rd_clause, year=2026, amount=Decimal("250000"))
    awards = [
        Award.objects.create(
            clause=rd_clause, enterprise=f.enterprise(), period=2026, amount=Decimal("100000")
        )
        for _ in range(3)
    ]
    money.award_approve(actor=officer, award=awards[0])
    money.award_approve(actor=officer, award=awards[1])
    with pytest.raises(Conflict, match="预算余额不足"):
        money.award_approve(actor=officer, award=awards[2])
    with pytest.raises(Conflict):  # nor lowered below what is used
        catalogue.budget_set(actor=officer, clause=rd_clause, year=2026, amount=Decimal("150000"))
    assert Award.objects.get(pk=awards[2].pk).state == "draft"


def test_one_award_per_clause_enterprise_period(hte_firm, rd_clause):
    from django.db import IntegrityError, transaction

    Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("2"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_cannot_overspend(officer, rd_clause):
    """Eight approvals race for a budget that holds three. On PostgreSQL each thread has its own
    connection and the budget row lock serialises them; SQLite has one writer, so the same
    approvals run one after another and must stop at the same point."""
    catalogue.budget_set(actor=officer, clause=rd_clause, year=2026, amount=Decimal("300000"))
    awards = [
        Award.objects.create(
            clause=rd_clause, enterprise=f.enterprise(), period=2026, amount=Decimal("100000")
        )
        for _ in range(8)
    ]
    outcomes = []

    def approve(award):
        try:
            money.award_approve(actor=officer, award=award)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(awards))

        def worker(a):
            barrier.wait()
            approve(a)

        threads = [threading.Thread(target=worker, args=(a,)) for a in awards]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for a in awards:
            approve(a)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    budget = Budget.objects.get(clause=rd_clause, year=2026)
    assert money.budget_balance(budget)["available"] == Decimal("0")
    assert LedgerEntry.objects.filter(kind="reserve").count() == 3
    assert money.reconcile() == []


def test_payment_batch_requires_finance(officer, rd_clause):
    with pytest.raises(PermissionDenied):
        money.payment_batch_create(actor=officer)
    assert not PaymentBatch.objects.exists()


def test_database_refuses_to_change_a_ledger_row_on_postgresql(officer, hte_firm, rd_clause):
    from django.db import DatabaseError, connection, transaction

    award = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("100"))
    money.award_approve(actor=officer, award=award)
    if connection.vendor != "postgresql":
        assert LedgerEntry.objects.get().amount == Decimal("100")  # the model guard is tested above
        return
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.update(amount=Decimal("1"))
    assert LedgerEntry.objects.get().amount == Decimal("100")


@pytest.mark.django_db(transaction=True)
def test_exported_batch_completed_twice_at_once_pays_once(officer, finance, hte_firm, hte_user, rd_clause):
    """A batch whose file was generated but not yet marked paid (the bank file went out, then the
    server stopped) can be completed later; two officers completing it at the same moment pay each
    award once: one wins, the other is told the batch is paid (409)."""
    money.award_batch.run_now(clause_id=rd_clause.pk, actor_id=officer.pk)
    award = money.award_approve(actor=officer, award=Award.objects.get(clause=rd_clause))
    with clock.frozen(dt.date(2026, 6, 1)):
        money.awards_publish(actor=officer, awards=[award])
    money.award_confirm(
        actor=hte_user,
        award=award,
        bank_name="工商银行",
        account_name=hte_firm.name,
        account_no="62220000111122223333",
    )
    _pass_notice(award)
    batch = money.payment_batch_create(actor=finance)
    money.payment_batch_export(actor=finance, batch=batch)  # the file exists; nothing is paid yet
    assert not LedgerEntry.objects.filter(kind="pay").exists()

    outcomes = []

    def complete(ref):
        try:
            money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: ref})
            outcomes.append("paid")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=lambda r=r: (barrier.wait(), complete(r))) for r in ("ICBC-1", "ICBC-2")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        complete("ICBC-1")
        complete("ICBC-2")
    assert sorted(outcomes) == ["paid", "该批次已拨付"]
    assert LedgerEntry.objects.filter(kind="pay", award=award).count() == 1
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.PAID
    assert money.reconcile() == []


def _exported_batch(officer, finance, hte_firm, hte_user, rd_clause):
    money.award_batch.run_now(clause_id=rd_clause.pk, actor_id=officer.pk)
    award = money.award_approve(actor=officer, award=Award.objects.get(clause=rd_clause))
    with clock.frozen(dt.date(2026, 6, 1)):
        money.awards_publish(actor=officer, awards=[award])
    money.award_confirm(
        actor=hte_user,
        award=award,
        bank_name="工商银行",
        account_name=hte_firm.name,
        account_no="62220000111122223333",
    )
    _pass_notice(award)
    batch = money.payment_batch_create(actor=finance)
    money.payment_batch_export(actor=finance, batch=batch)
    return award, batch


def test_an_exported_batch_the_bank_did_not_pay_is_cancelled_and_its_award_paid_once_later(
    officer, finance, hte_firm, hte_user, rd_clause
):
    """拨付文件已生成、银行退回：作废批次，兑现记录回到待拨付，列入新批次后只拨付一次。"""
    award, batch = _exported_batch(officer, finance, hte_firm, hte_user, rd_clause)
    with pytest.raises(ValidationFailed, match="作废原因"):
        money.payment_batch_cancel(actor=finance, batch=batch, reason="  ")
    with pytest.raises(PermissionDenied):
        money.payment_batch_cancel(actor=officer, batch=batch, reason="退票")
    money.payment_batch_cancel(actor=finance, batch=batch, reason="银行退票：账号有误")
    award.refresh_from_db()
    batch.refresh_from_db()
    assert (batch.state, award.state) == (PaymentBatch.State.CANCELLED, Award.State.CONFIRMED)
    assert award.events.filter(action="unbatch").count() == 1
    for again in (
        lambda: money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "X"}),
        lambda: money.payment_batch_export(actor=finance, batch=batch),
        lambda: money.payment_batch_cancel(actor=finance, batch=batch, reason="再次"),
    ):
        with pytest.raises(Conflict, match="已作废"):
            again()
    second = money.payment_batch_create(actor=finance)
    money.payment_batch_export(actor=finance, batch=second)
    money.payment_batch_mark_paid(actor=finance, batch=second, references={award.pk: "ICBC-9"})
    with pytest.raises(Conflict, match="已拨付"):
        money.payment_batch_cancel(actor=finance, batch=second, reason="太迟")
    assert LedgerEntry.objects.filter(kind="pay", award=award).count() == 1
    assert money.reconcile() == []


@pytest.mark.django_db(transaction=True)
def test_cancelling_and_paying_one_batch_at_once_one_wins(officer, finance, hte_firm, hte_user, rd_clause):
    award, batch = _exported_batch(officer, finance, hte_firm, hte_user, rd_clause)
    outcomes = []

    def attempt(kind):
        try:
            if kind == "pay":
                money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "ICBC-1"})
            else:
                money.payment_batch_cancel(actor=finance, batch=batch, reason="退票")
            outcomes.append(kind)
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=lambda k=k: (barrier.wait(), attempt(k))) for k in ("pay", "cancel")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        attempt("pay")
        attempt("cancel")
    assert len(outcomes) == 2 and sum(o in ("pay", "cancel") for o in outcomes) == 1, outcomes
    batch.refresh_from_db()
    award.refresh_from_db()
    paid = LedgerEntry.objects.filter(kind="pay", award=award).count()
    if "pay" in outcomes:
        assert (batch.state, award.state, paid) == ("paid", "paid", 1)
    else:
        assert (batch.state, award.state, paid) == ("cancelled", "confirmed", 0)
    assert money.reconcile() == []
