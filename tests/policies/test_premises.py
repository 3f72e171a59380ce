"""Rent relief per lease and totals per scheme; policy loans from recommendation to grant."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.policies.models import Building, Lease, Relief, ReliefScheme, Unit
from gaoxin.policies.services import premises

from . import factories as f

pytestmark = pytest.mark.django_db


def test_relief_totals_by_scheme(officer, finance):
    scheme = ReliefScheme.objects.create(name="免三减半三", period_from=dt.date(2020, 2, 1))
    unit = Unit.objects.create(building=Building.objects.create(name="标准厂房"), code="1", area=500)
    for kind, rent in (("sme", 20000), ("individual", 3000), ("other", 40000)):
        Lease.objects.create(
            unit=unit,
            tenant_name=kind,
            tenant_kind=kind,
            monthly_rent=rent,
            monthly_fee=rent / 10,
            start=dt.date(2019, 1, 1),
            end=dt.date(2022, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        premises.relief_compute(actor=finance, scheme=scheme)
    assert premises.relief_compute(actor=officer, scheme=scheme) == 3
    totals = premises.relief_totals(scheme)
    # 免三减半三: SME and individual 3 free + 3 half (4.5 months), others half for 3 (1.5 months)
    assert (totals["rent"], totals["fee"]) == (Decimal("163500"), Decimal("16350"))  # 90000 + 13500 + 60000
    assert premises.relief_approve(actor=finance, scheme=scheme) == 3
    assert set(Relief.objects.values_list("state", flat=True)) == {"approved"}
    with pytest.raises(Conflict):
        premises.relief_approve(actor=finance, scheme=scheme)


def test_loan_amounts_only_shrink_along_the_way(officer, policy):
    ent = f.enterprise()
    with pytest.raises(ValidationFailed):
        premises.financing_recommend(
            actor=officer,
            policy=policy,
            enterprise=ent,
            bank="柳州银行",
            requested=Decimal("100"),
            recommended=Decimal("200"),
        )
    need = premises.financing_recommend(
        actor=officer,
        policy=policy,
        enterprise=ent,
        bank="柳州银行",
        requested=Decimal("3000000"),
        recommended=Decimal("3000000"),
    )
    with pytest.raises(Conflict):
        premises.financing_update(
            actor=officer, need=need, granted=Decimal("1"), granted_on=dt.date(2020, 3, 1)
        )
    with pytest.raises(ValidationFailed):
        premises.financing_update(actor=officer, need=need, approved=Decimal("4000000"))
    premises.financing_update(actor=officer, need=need, approved=Decimal("2500000"))
    need = premises.financing_update(
        actor=officer, need=need, granted=Decimal("2500000"), granted_on=dt.date(2020, 3, 1)
    )
    assert need.state == "granted"
    totals = premises.loan_totals(policy)
    assert (totals["recommended"], totals["approved"], totals["granted"]) == (3000000, 2500000, 2500000)
