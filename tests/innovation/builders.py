"""A zone for the innovation pillar: the science office (a policy officer), a leader, a finance officer,
two enterprises with their users and an incubator run by the first, built through the real services."""

from __future__ import annotations

import datetime as dt

from gaoxin.innovation.services import carriers
from tests.enterprises import factories as ef
from tests.factories import department, enterprise_user, staff_user

USCC_A = "91350100M000100Y43"


def innovation_zone() -> dict:
    sci = department("kjj", "科技和工业信息化局")
    people = {
        "office": staff_user("office", sci, ["policy_officer"]),
        "leader": staff_user("leader", department("office", "党政办公室"), ["leader"]),
        "stats": staff_user("stats", department("tjj", "统计局"), ["statistician"]),
        "finance": staff_user("finance", department("czj", "财政局"), ["finance_officer"]),
    }
    ent_a = ef.enterprise(USCC_A, "示例科技有限公司")
    ent_b = ef.enterprise(ef.other_uscc(2), "另一家公司")
    people["ent"] = enterprise_user("ent", ent_a.uscc, ent_a.name)
    people["ent2"] = enterprise_user("ent2", ent_b.uscc, ent_b.name)
    incubator = carriers.carrier_create(
        actor=people["office"],
        kind="incubator",
        name="示例孵化器",
        level="national",
        operator_uscc=ent_b.uscc,
    )
    return {"p": people, "a": ent_a, "b": ent_b, "sci": sci, "incubator": incubator}


def tenants(n: int) -> list:
    """`n` more registry enterprises to move into carriers."""
    return [ef.enterprise(ef.other_uscc(100 + i), f"在孵企业{i}") for i in range(n)]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
