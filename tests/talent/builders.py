"""A zone with a talent office, two enterprises, a registered talent and the published 人才认定 item,
built through the real services; a certification case walked through the case engine."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from gaoxin.talent.models import Degree, Title
from gaoxin.talent.services import registry
from tests.enterprises import factories as ef
from tests.factories import citizen_user, department, enterprise_user, staff_user
from tests.govservices.builders import zone
from tests.govservices.helpers import act, client_for, pdf

ID_CARD = "11010519491231002X"
OTHER_ID_CARD = "110105194912310038"
START = dt.date(2025, 1, 1)
USCC_A = "91350100M000100Y43"


def talent_zone() -> dict:
    depts, people, _items = zone()
    ent_a = ef.enterprise(USCC_A, "示例科技有限公司")
    ent_b = ef.enterprise(ef.other_uscc(2), "另一家公司")
    people["office"] = staff_user("office", department("rcb", "人才工作局"), ["policy_officer"])
    people["finance"] = staff_user("finance", department("czj", "财政局"), ["finance_officer"])
    people["ent"] = enterprise_user("ent", ent_a.uscc, ent_a.name)
    people["ent2"] = enterprise_user("ent2", ent_b.uscc, ent_b.name)
    people["citizen"] = citizen_user("citizen", ID_CARD)
    people["citizen2"] = citizen_user("citizen2", OTHER_ID_CARD)
    registry.tiers_install_defaults(actor=people["office"])
    registry.certification_item_publish(actor=people["office"], department=depts["approval"])
    talent = registry.talent_register(
        actor=people["office"],
        id_card=ID_CARD.lower(),
        name="张博士",
        employer_uscc=ent_a.uscc,
        start_on=START,
        degree=Degree.DOCTOR,
        title=Title.DEPUTY_SENIOR,
        annual_salary=Decimal("350000"),
    )
    return {"d": depts, "p": people, "a": ent_a, "b": ent_b, "talent": talent}


def apply(people, who="citizen", tier="C"):
    body = {
        "payload": json.dumps({"item": registry.ITEM_CODE, "data": {"tier": tier}}),
        "file_1": pdf(),
        "file_2": pdf(),
    }
    return client_for(people[who]).post("/api/v1/cases", body)


def issued_case(people, who="citizen", tier="C") -> str:
    r = apply(people, who, tier)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    for user, action, extra in (
        ("clerk", "accept", {}),
        ("reviewer", "review", {"verdict": "agree"}),
        ("approver", "approve", {}),
        ("approver", "issue", {}),
    ):
        r = act(client_for(people[user]), number, action, **extra)
        assert r.status_code == 200, (action, r.content)
    return number
