"""The talent zone with 人才公寓 and 限价房: a published scoring rule and rent by tier, a purchase rule,
three flats, and six talents in the zone — one certified C and one certified D through issued
人才认定 cases, four not certified — all made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gaoxin.core.identifiers import make_id_card
from gaoxin.talent.models import Degree, Title
from gaoxin.talent.services import flats, registry
from tests.talent.builders import OTHER_ID_CARD, START, issued_case, talent_zone

TIER_POINTS = {"A": 40, "B": 30, "C": 20, "D": 10}
RENT_SHARES = {"A": 0, "B": 0, "C": 50, "D": 80}


def flats_zone() -> dict:
    tz = talent_zone()
    office = tz["p"]["office"]
    second = registry.talent_register(
        actor=office,
        id_card=OTHER_ID_CARD,
        name="李硕士",
        employer_uscc=tz["b"].uscc,
        start_on=START,
        degree=Degree.MASTER,
        title=Title.INTERMEDIATE,
        annual_salary=Decimal("160000"),
    )
    registry.certification_from_case(
        actor=office, case_number=issued_case(tz["p"], "citizen", "C"), tier_code="C"
    )
    registry.certification_from_case(
        actor=office, case_number=issued_case(tz["p"], "citizen2", "D"), tier_code="D"
    )
    others = [
        registry.talent_register(
            actor=office,
            id_card=make_id_card("110105", dt.date(1990, 1, 1 + i), f"{i + 10:03d}"),
            name=f"王{'一二三四'[i]}",
            employer_uscc=tz["a"].uscc,
            start_on=START,
            degree=Degree.BACHELOR,
        )
        for i in range(4)
    ]
    rule = flats.flat_rule_publish(
        actor=office,
        tier_points=TIER_POINTS,
        month_points=Decimal("1"),
        max_months=24,
        member_points=Decimal("5"),
        max_members=3,
        rent_shares=RENT_SHARES,
        lease_years=3,
    )
    flat_list = [
        flats.flat_register(
            actor=office,
            building="人才公寓1号楼",
            code=f"{101 + i}",
            area=Decimal("60"),
            market_rent=Decimal("2000.50"),
            bedrooms=1 + i,
        )
        for i in range(3)
    ]
    purchase = flats.purchase_rule_publish(actor=office, tiers=["A", "B", "C", "D"], min_years=1)
    tz.update(
        talents=[tz["talent"], second, *others],
        second=second,
        rule=rule,
        flats=flat_list,
        purchase_rule=purchase,
    )
    return tz
