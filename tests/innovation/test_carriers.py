"""Carriers and their tenants: graduation counts per year against a hand computation, the tenant
workflow (409 wrong state or stale screen, 403 wrong role, 404 another enterprise's), audit and
timeline of every step, a digital park's online registrations counted apart, and tenancy."""

import pytest

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEvent
from gaoxin.innovation import selectors
from gaoxin.innovation.models import Incubation, IncubationEvent
from gaoxin.innovation.services import carriers
from tests.govservices.helpers import client_for
from tests.innovation.builders import day, tenants

pytestmark = pytest.mark.django_db

# (carrier, entered, how it ends, on): the hand computation below reads this table
STAYS = [
    ("A", "2018-03-01", "graduate", "2020-05-01"),
    ("A", "2018-06-01", "graduate", "2020-11-30"),
    ("A", "2019-01-10", "exit", "2020-02-01"),
    ("A", "2019-02-01", "graduate", "2021-01-05"),
    ("B", "2019-01-01", "graduate", "2021-12-31"),
    ("B", "2020-01-01", "", ""),
    ("B", "2020-12-31", "exit", "2020-12-31"),
]


def _history(iz):
    office = iz["p"]["office"]
    b = carriers.carrier_create(actor=office, kind="maker_space", name="示例众创空间")
    by = {"A": iz["incubator"], "B": b}
    for (carrier, entered, action, on), e in zip(STAYS, tenants(len(STAYS)), strict=True):
        inc = carriers.incubation_admit(
            actor=office, carrier=by[carrier], enterprise_uscc=e.uscc, entered_on=day(entered)
        )
        if action:
            carriers.incubation_act(
                actor=office, incubation_id=inc.pk, action=action, on=day(on), reason="迁出园区"
            )
    return by


def test_graduations_per_year_match_a_hand_computation(iz):
    by = _history(iz)
    leader = iz["p"]["leader"]
    assert selectors.graduations_by_year(user=leader) == [
        {"year": 2020, "graduated": 2, "exited": 2},
        {"year": 2021, "graduated": 2, "exited": 0},
    ]
    assert selectors.graduations_by_year(user=leader, carrier=by["A"]) == [
        {"year": 2020, "graduated": 2, "exited": 1},
        {"year": 2021, "graduated": 1, "exited": 0},
    ]
    total = selectors.innovation_stats(user=leader, period=(2020, None))["total"]
    # entered in 2020: two in B; in a carrier on 31 December: A's fourth, B's first two (the one that
    # left on 31 December is out)
    assert (total["new_incubated"], total["graduated"], total["exited"], total["incubating"]) == (2, 2, 2, 3)
    half = selectors.innovation_stats(user=leader, period=(2020, 6), by="carrier")
    assert half["total"]["graduated"] == 1 and half["total"]["exited"] == 1
    assert [(r["name"], r["graduated"]) for r in half["rows"]] == [("示例孵化器", 1), ("示例众创空间", 0)]


def test_the_tenant_workflow_refuses_wrong_state_stale_screen_and_wrong_role(iz):
    p = iz["p"]
    inc = carriers.incubation_admit(
        actor=p["office"], carrier=iz["incubator"], enterprise_uscc=iz["a"].uscc, entered_on=day("2024-01-01")
    )
    assert inc.due_on == day("2027-01-01")
    with pytest.raises(PermissionDenied):  # the tenant itself sees it but may not graduate itself
        carriers.incubation_act(actor=p["ent"], incubation_id=inc.pk, action="graduate")
    with pytest.raises(NotFound):  # another enterprise does not learn it exists
        carriers.incubation_act(actor=p["ent2"], incubation_id=inc.pk, action="graduate")
    with pytest.raises(ValidationFailed):  # an exit needs its reason
        carriers.incubation_act(actor=p["office"], incubation_id=inc.pk, action="exit")
    carriers.incubation_act(actor=p["office"], incubation_id=inc.pk, action="extend", months=6, revision=0)
    inc.refresh_from_db()
    assert (inc.state, inc.period_months, inc.due_on, inc.revision) == (
        "incubating",
        42,
        day("2027-07-01"),
        1,
    )
    with pytest.raises(Conflict):  # a screen that still shows revision 0
        carriers.incubation_act(actor=p["office"], incubation_id=inc.pk, action="graduate", revision=0)
    carriers.incubation_act(actor=p["office"], incubation_id=inc.pk, action="graduate", on=day("2026-06-30"))
    with pytest.raises(Conflict):  # graduated already
        carriers.incubation_act(actor=p["office"], incubation_id=inc.pk, action="exit", reason="x")
    inc.refresh_from_db()
    assert (inc.state, inc.left_on) == ("graduated", day("2026-06-30"))
    assert list(IncubationEvent.objects.filter(incubation=inc).values_list("action", flat=True)) == [
        "admit",
        "extend",
        "graduate",
    ]
    audits = AuditEvent.objects.filter(object_id=str(inc.pk), action__startswith="incubation.")
    assert sorted(audits.values_list("action", flat=True)) == [
        "incubation.admit",
        "incubation.extend",
        "incubation.graduate",
    ]
    # moving in again after graduating is a new stay; twice at once is refused
    carriers.incubation_admit(actor=p["office"], carrier=iz["incubator"], enterprise_uscc=iz["a"].uscc)
    with pytest.raises(Conflict):
        carriers.incubation_admit(actor=p["office"], carrier=iz["incubator"], enterprise_uscc=iz["a"].uscc)


def test_the_api_answers_409_403_and_404(iz):
    p = iz["p"]
    inc = carriers.incubation_admit(actor=p["office"], carrier=iz["incubator"], enterprise_uscc=iz["a"].uscc)
    url = f"/api/v1/innovation/incubations/{inc.pk}/actions/graduate"
    assert client_for(p["ent"]).post(url, {}, content_type="application/json").status_code == 403
    assert client_for(p["ent2"]).post(url, {}, content_type="application/json").status_code == 404
    office = client_for(p["office"])
    r = office.post(url, {"revision": 0}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "graduated", r.content
    assert office.post(url, {}, content_type="application/json").status_code == 409
    r = office.post(
        f"/api/v1/innovation/incubations/{inc.pk}/actions/extend",
        {"months": 3},
        content_type="application/json",
    )
    assert r.status_code == 409


def test_a_digital_parks_online_registrations_are_counted_apart(iz):
    office = iz["p"]["office"]
    park = carriers.carrier_create(actor=office, kind="digital_park", name="示例数字经济产业园")
    rows = [
        {"name": f"工作室{i}", "registered_on": day("2020-03-01"), "studio": i % 3 == 0} for i in range(30)
    ]
    assert carriers.online_registrations_add(actor=office, carrier=park, rows=rows) == 30
    for e in tenants(4):
        carriers.incubation_admit(
            actor=office, carrier=park, enterprise_uscc=e.uscc, entered_on=day("2020-05-01")
        )
    counts = selectors.online_counts(user=office, carrier=park)
    assert counts == {"online": 30, "studios": 10, "companies": 20, "on_site": 4}
    total = selectors.innovation_stats(user=office, period=(2020, None))["total"]
    assert (total["online"], total["incubating"]) == (30, 4)
    assert selectors.innovation_stats(user=office, period=(2019, None))["total"]["online"] == 0
    with pytest.raises(Conflict):  # the same names again: nothing is written
        carriers.online_registrations_add(actor=office, carrier=park, rows=rows[:1])
    with pytest.raises(Conflict):  # only a digital park takes online registrations
        carriers.online_registrations_add(actor=office, carrier=iz["incubator"], rows=rows[:1])


def test_an_enterprise_sees_its_own_stays_and_the_carriers_it_is_in(iz):
    p = iz["p"]
    other = tenants(1)[0]
    carriers.incubation_admit(actor=p["office"], carrier=iz["incubator"], enterprise_uscc=iz["a"].uscc)
    carriers.incubation_admit(actor=p["office"], carrier=iz["incubator"], enterprise_uscc=other.uscc)
    mine = selectors.incubations_of(user=p["ent"], carrier=iz["incubator"])
    assert [i.enterprise.uscc for i in mine] == [iz["a"].uscc]
    # ent2 runs the incubator: it sees the carrier, not the tenants' stays
    assert selectors.carrier_get(user=p["ent2"], carrier_id=iz["incubator"].pk)
    assert not selectors.incubations_of(user=p["ent2"], carrier=iz["incubator"]).exists()
    assert Incubation.objects.visible_to(p["finance"]).count() == 0
    assert Incubation.objects.visible_to(p["leader"]).count() == 2
    r = client_for(p["ent"]).get(f"/innovation/carriers/{iz['incubator'].pk}/")
    assert (
        r.status_code == 200
        and "示例科技有限公司" in r.content.decode()
        and "在孵企业0" not in r.content.decode()
    )
    assert client_for(p["finance"]).get(f"/innovation/carriers/{iz['incubator'].pk}/").status_code == 404


def test_the_office_admits_and_graduates_on_the_carrier_page(iz):
    p = iz["p"]
    c = client_for(p["office"])
    url = f"/innovation/carriers/{iz['incubator'].pk}/"
    r = c.post(
        url,
        {"form": "admit", "enterprise_uscc": iz["a"].uscc, "entered_on": "2023-04-01", "period_months": "24"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    inc = Incubation.objects.get(enterprise=iz["a"])
    assert inc.due_on == day("2025-04-01")
    page = c.get(url).content.decode()
    assert "示例科技有限公司" in page and 'value="graduate"' in page
    r = c.post(
        url, {"form": "act", "incubation": inc.pk, "revision": 0, "action": "graduate", "on": "2025-03-31"}
    )
    assert r.status_code == 302
    inc.refresh_from_db()
    assert inc.state == "graduated"
    page = c.get(url).content.decode()
    assert "2025" in page and "已毕业" in page
    # a stale form is refused with a message, nothing changes
    r = c.post(
        url,
        {"form": "act", "incubation": inc.pk, "revision": 0, "action": "exit", "reason": "x"},
        follow=True,
    )
    assert "不能" in r.content.decode() or "刷新" in r.content.decode()
