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
    assert FinancingNeed.objects.aggregate(t=Sum("granted"))["t"] == Decimal("544000000")
    assert Award.objects.filter(state="draft").exists()  # a batch waiting for review
    assert money.reconcile() == []
    digital = Clause.objects.get(code="innov-digital")
    assert ServiceItem.objects.get(code=digital.service_code).current.department == digital.department
