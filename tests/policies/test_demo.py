"""The demo zone reproduces the 2020 figures of the source documents, and its ledger reconciles."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from gaoxin.demo import generator
from gaoxin.govservices.models import ServiceItem
from gaoxin.policies.models import Award, Clause, FinancingNeed, LedgerEntry, Relief
from gaoxin.policies.services import money

pytestmark = pytest.mark.django_db


def test_demo_adds_up_to_the_2020_figures():
    generator.build(seed=7, count=300, log=lambda m: None)
    paid = LedgerEntry.objects.filter(kind="pay", budget__year=2020).aggregate(t=Sum("amount"))["t"]
    assert paid == Decimal("365000000")
    relief = Relief.objects.aggregate(rent=Sum("rent_relief"), fee=Sum("fee_relief"))
    assert relief == {"rent": Decimal("26678000"), "fee": Decimal("1628000")}
    loans = FinancingNeed.objects.aggregate(declared=Sum("recommended"), granted=Sum("granted"))
    assert loans["declared"] == Decimal("544000000")  # 为企业申报“复工贷”5.44亿元
    assert 0 < loans["granted"] < loans["declared"]  # what the banks granted follows their answers
    for need in FinancingNeed.objects.all():  # each need's record obeys the loan service's rules
        assert need.approved is None or 0 < need.approved <= need.recommended
        assert (need.state == "granted") == (need.granted is not None)
        assert need.granted is None or (need.granted <= need.approved and need.granted_on.year == 2020)
    assert Award.objects.filter(state="draft").exists()  # a batch waiting for review
    assert money.reconcile() == []
    digital = Clause.objects.get(code="innov-digital")
    assert ServiceItem.objects.get(code=digital.service_code).current.department == digital.department
