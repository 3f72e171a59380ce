"""The demo's talent subsidies are computed from its records: three citizens certified through cases,
their income tax, one leaving the zone in June; four person clauses on one shared fund."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.demo import generator
from gaoxin.policies.models import Award, Budget, LedgerEntry
from gaoxin.policies.services import money
from gaoxin.talent.models import Certification

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = dt.date(2026, 6, 30)


def test_the_demo_pays_talents_by_the_clauses_formulas_from_one_fund():
    generator.build(seed=2020, count=400, as_of=AS_OF, log=lambda m: None)
    assert Certification.objects.filter(state="certified").count() == 3
    living = {a.person_name: a.amount for a in Award.objects.filter(clause__code="talent-living")}
    # certified in January: B tier 5000 a month, C tier 3000, January to June; the one who left on
    # 15 June is paid for June too
    assert sorted(living.values()) == [Decimal("18000.00"), Decimal("18000.00"), Decimal("30000.00")]
    # the one who left gets neither the settling-in allowance nor the tax reward
    assert Award.objects.filter(clause__code="talent-settle").count() == 2
    assert Award.objects.filter(clause__code="talent-iit").count() == 2
    assert Award.objects.filter(clause__code="talent-leader").count() <= 1
    fund = Budget.objects.get(clause__code="talent-settle", year=2026)
    assert not Budget.objects.filter(clause__code="talent-living").exists()
    reserved = sum(e.amount for e in LedgerEntry.objects.filter(budget=fund, kind="reserve"))
    assert reserved == sum(a.amount for a in Award.objects.exclude(person_id_card=""))
    assert Award.objects.filter(state="confirmed").exclude(person_id_card="").count() == 1
    assert money.reconcile() == []
