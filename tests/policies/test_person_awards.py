"""Awards to persons on the same budgets as enterprises' awards: a clause may share another's budget,
and concurrent approvals of a talent's subsidy and an enterprise's award never draw it twice."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client

from gaoxin.core.errors import ValidationFailed
from gaoxin.policies.models import Award, Budget, LedgerEntry
from gaoxin.policies.services import catalogue, money

pytestmark = pytest.mark.django_db

ID_CARD = "11010519491231002X"


def _person_clause(officer, policy, rd_clause, code="talent-award"):
    return catalogue.clause_create(
        actor=officer,
        policy=policy,
        code=code,
        title="创新领军人才奖",
        period=2026,
        rule="person.certified && person.tier_rank <= 2 && enterprise.hte",
        formula="200000",
        beneficiary="person",
        budget_source=rd_clause,
    )


def test_an_award_has_exactly_one_beneficiary_and_a_person_one_award_per_clause_and_year(
    officer, policy, rd_clause, hte_firm
):
    clause = _person_clause(officer, policy, rd_clause)
    Award.objects.create(clause=clause, person_id_card=ID_CARD, person_name="张博士", period=2026, amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            clause=clause, person_id_card=ID_CARD, person_name="张博士", period=2026, amount=2
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # both an enterprise and a person
        Award.objects.create(
            clause=clause, enterprise=hte_firm, person_id_card="110105194912310038", period=2026, amount=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # nobody
        Award.objects.create(clause=clause, period=2026, amount=1)


def test_a_shared_budget_is_drawn_by_both_kinds_of_award(officer, policy, rd_clause, hte_firm):
    clause = _person_clause(officer, policy, rd_clause)
    person = Award.objects.create(
        clause=clause, person_id_card=ID_CARD, person_name="张博士", period=2026, amount=Decimal("300000")
    )
    firm = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("100000"))
    money.award_approve(actor=officer, award=person)
    money.award_approve(actor=officer, award=firm)
    budget = Budget.objects.get(clause=rd_clause, year=2026)
    assert money.budget_balance(budget)["available"] == Decimal("600000.00")
    assert not Budget.objects.filter(clause=clause).exists()
    assert set(LedgerEntry.objects.values_list("budget_id", flat=True)) == {budget.pk}
    assert money.reconcile() == []


def test_a_shared_budget_cannot_itself_share_another(officer, policy, rd_clause):
    clause = _person_clause(officer, policy, rd_clause)
    with pytest.raises(ValidationFailed, match="共用"):
        catalogue.clause_update(actor=officer, clause=rd_clause, budget_source=clause)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_a_talent_subsidy_and_an_enterprise_award_never_overspend(
    officer, policy, rd_clause, hte_firm
):
    """Two approval requests at once on one budget that holds only one of them. On PostgreSQL each
    request runs in its own thread and connection, and the budget row lock makes exactly one win;
    SQLite has one writer, so the same requests run one after the other with the same outcome."""
    catalogue.budget_set(actor=officer, clause=rd_clause, year=2026, amount=Decimal("10000"))
    clause = _person_clause(officer, policy, rd_clause)
    awards = [
        Award.objects.create(
            clause=clause, person_id_card=ID_CARD, person_name="张博士", period=2026, amount=Decimal("8000")
        ),
        Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("8000")),
    ]
    statuses: list[int] = []

    def approve(award):
        client = Client()
        client.force_login(officer)
        try:
            statuses.append(client.post(f"/api/v1/awards/{award.pk}/approve").status_code)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(awards))
        threads = [threading.Thread(target=lambda a=a: (barrier.wait(), approve(a))) for a in awards]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for a in awards:
            approve(a)
    assert sorted(statuses) == [200, 409]
    budget = Budget.objects.get(clause=rd_clause, year=2026)
    assert money.budget_balance(budget)["available"] == Decimal("2000.00")
    assert LedgerEntry.objects.filter(kind="reserve").count() == 1
    assert sorted(Award.objects.values_list("state", flat=True)) == ["approved", "draft"]
    assert money.reconcile() == []
