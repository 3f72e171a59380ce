"""Clawback of part of an award; recovered money is a recorded recovery, not available budget again."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from gaoxin.core import clock
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.policies.models import Award, Budget, LedgerEntry
from gaoxin.policies.services import money
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(officer, finance, hte_firm, hte_user, rd_clause):
    award = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("150000"))
    money.award_approve(actor=officer, award=award)
    with clock.frozen(dt.date(2026, 6, 1)):
        money.awards_publish(actor=officer, awards=[award])
    money.award_confirm(
        actor=hte_user,
        award=award,
        bank_name="工商银行",
        account_name=hte_firm.name,
        account_no="6222000011112222",
    )
    Award.objects.filter(pk=award.pk).update(notice_to=dt.date(2020, 1, 1))
    batch = money.payment_batch_create(actor=finance)
    money.payment_batch_export(actor=finance, batch=batch)
    money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "ICBC001"})
    award.refresh_from_db()
    assert award.state == "paid"
    return award


def test_part_of_an_award_is_recovered_and_does_not_refill_the_budget(finance, paid):
    budget = Budget.objects.get()
    before = money.budget_balance(budget)["available"]
    money.award_clawback(
        actor=finance, award=paid, reason="研发费用部分不实", reference="退1", amount=Decimal("50000")
    )
    paid.refresh_from_db()
    assert paid.state == "paid" and money.clawed_back(paid) == Decimal("50000")
    bal = money.budget_balance(budget)
    assert (bal["recovered"], bal["net_paid"], bal["available"]) == (
        Decimal("50000"),
        Decimal("100000"),
        before,
    )
    assert money.reconcile() == []

    with pytest.raises(ValidationFailed, match="不能超过尚未追回的 100000"):
        money.award_clawback(actor=finance, award=paid, reason="再追", amount=Decimal("100000.01"))
    for bad in (Decimal("0"), Decimal("-5"), Decimal("0.001")):
        with pytest.raises(ValidationFailed):
            money.award_clawback(actor=finance, award=paid, reason="再追", amount=bad)

    money.award_clawback(actor=finance, award=paid, reason="其余部分", reference="退2")  # the rest
    paid.refresh_from_db()
    assert paid.state == "clawed_back" and money.clawed_back(paid) == Decimal("150000")
    entries = LedgerEntry.objects.filter(kind="clawback").order_by("id")
    assert [(e.amount, e.reference) for e in entries] == [
        (Decimal("50000"), "退1"),
        (Decimal("100000"), "退2"),
    ]
    bal = money.budget_balance(budget)
    assert (bal["recovered"], bal["net_paid"], bal["available"]) == (Decimal("150000"), Decimal("0"), before)
    assert money.reconcile() == []
    with pytest.raises(Conflict):
        money.award_clawback(actor=finance, award=paid, reason="又追")


def test_partial_clawback_over_the_api_and_the_page(client, finance, paid):
    client.login(username=finance.username, password=DEFAULT_PASSWORD)
    r = client.post(
        f"/api/v1/awards/{paid.pk}/clawback",
        json.dumps({"reason": "部分不实", "amount": "20000.50"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "paid", r.content
    r = client.post(
        f"/api/v1/awards/{paid.pk}/clawback",
        json.dumps({"reason": "超额", "amount": "999999"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "不能超过" in r.json()["message"]
    page = client.get(f"/policies/awards/{paid.pk}/").content.decode()
    assert "20,000.50" in page and "缴回财政" in page
    client.post(f"/policies/awards/{paid.pk}/", {"action": "clawback", "reason": "其余", "amount": ""})
    paid.refresh_from_db()
    assert paid.state == "clawed_back" and money.clawed_back(paid) == Decimal("150000")
