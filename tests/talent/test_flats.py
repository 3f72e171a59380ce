"""人才公寓 and 限价房: the waiting list's order against a hand computation (generated applications, ties
broken by application time), allocation with a lease and rent by tier, two officers allocating one flat
at once, move-out when the talent leaves the zone, 限价房 eligibility with its reasons, who sees what."""

import datetime as dt
import json
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from gaoxin.core import clock
from gaoxin.core.audit import AuditEvent
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.talent import flat_selectors
from gaoxin.talent.models import Flat, FlatApplication, FlatLease, PurchaseApplication, TalentEvent
from gaoxin.talent.services import flats
from tests.factories import department, staff_user
from tests.govservices.helpers import client_for
from tests.talent.flat_builders import RENT_SHARES, TIER_POINTS, flats_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def fz(db):
    return flats_zone()


def post(c: Client, url: str, body: dict):
    return c.post(url, json.dumps(body), content_type="application/json")


def queued(fz, talent, *, family_size=1, at=None, on=None) -> FlatApplication:
    office = fz["p"]["office"]
    with clock.frozen(at or clock.now()):
        app = flats.flat_apply(actor=office, talent_id=talent.pk, family_size=family_size)
    with clock.frozen(on or clock.today()):
        return flats.flat_act(actor=office, application_id=app.pk, action="queue")


# ---- the order of the waiting list ---------------------------------------------------------------


def hand_months(since: dt.date, as_of: dt.date) -> int:
    """Count month by month: the k-th month is complete once the date reaches since's day k months on."""
    k = 0
    while True:
        y, m = divmod(since.month - 1 + k + 1, 12)
        if (since.year + y, m + 1, since.day) <= (as_of.year, as_of.month, as_of.day):
            k += 1
        else:
            return k


def test_hand_months_agree_on_month_ends():
    from gaoxin.talent.scoring import full_months

    for since, as_of, n in [
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28), 0),
        (dt.date(2025, 1, 31), dt.date(2025, 3, 1), 1),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31), 0),
        (dt.date(2025, 3, 1), dt.date(2025, 4, 1), 1),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 11),
        (dt.date(2025, 5, 5), dt.date(2025, 5, 4), 0),
    ]:
        assert full_months(since, as_of) == hand_months(since, as_of) == n


@pytest.mark.parametrize("seed", range(4))
def test_the_waiting_list_is_ranked_as_computed_by_hand(fz, seed):
    rng = random.Random(seed)
    office, talents = fz["p"]["office"], fz["talents"]
    tiers = {fz["talent"].pk: "C", fz["second"].pk: "D"}
    as_of = clock.today() + dt.timedelta(days=rng.randrange(1, 60))
    base = clock.now() - dt.timedelta(days=900)
    moments = [base + dt.timedelta(days=rng.randrange(0, 700)) for _ in range(3)]  # few: ties on time
    expected = []
    for talent in rng.sample(talents, rng.randrange(3, len(talents) + 1)):
        at = rng.choice(moments)
        on = (at + dt.timedelta(days=rng.randrange(0, 150))).date()
        family = rng.randrange(1, 7)
        app = queued(fz, talent, family_size=family, at=at, on=on)
        months = min(hand_months(on, as_of), 24)
        total = TIER_POINTS.get(tiers.get(talent.pk, ""), 0) + months * 1 + min(family - 1, 3) * 5
        expected.append((-total, app.applied_at, app.pk, total))
    expected.sort()
    ranked = flat_selectors.waiting_list(as_of=as_of)
    assert [(r.application.pk, r.score.total) for r in ranked] == [
        (pk, Decimal(t)) for _, _, pk, t in expected
    ]
    assert [r.rank for r in ranked] == list(range(1, len(expected) + 1))
    # ties exist in the generated lists and go to the earlier application, then the lower number
    for a, b in zip(ranked, ranked[1:], strict=False):
        if a.score.total == b.score.total:
            assert (a.application.applied_at, a.application.pk) < (b.application.applied_at, b.application.pk)
    assert office  # the office made every application


def test_the_public_list_shows_the_rule_and_each_breakdown_with_masked_names(fz):
    queued(fz, fz["talent"], family_size=3, on=clock.today() - dt.timedelta(days=70))
    r = Client().get("/api/v1/talent/waiting-list")
    assert r.status_code == 200
    body = r.json()
    assert body["rule"]["version"] == 1 and body["rule"]["tier_points"] == TIER_POINTS
    (row,) = body["items"]
    assert row["name"] == "张**" and "张博士" not in r.content.decode()
    assert row["tier"] == "C" and Decimal(row["tier_points"]) == 20
    assert row["months"] == 2 and Decimal(row["family_points"]) == 10 and Decimal(row["total"]) == 32
    page = Client().get("/talent/flats/waiting-list/")
    assert (
        page.status_code == 200 and "张**" in page.content.decode() and "张博士" not in page.content.decode()
    )


def test_a_new_rule_version_ranks_and_the_old_one_stays_published(fz):
    office = fz["p"]["office"]
    a = queued(fz, fz["talent"], family_size=1)
    b = queued(fz, fz["talents"][2], family_size=4)
    assert [r.application.pk for r in flat_selectors.waiting_list()] == [a.pk, b.pk]  # 20 > 15
    flats.flat_rule_publish(
        actor=office, tier_points={"C": 5}, month_points=Decimal("1"), member_points=Decimal("10")
    )
    assert [r.application.pk for r in flat_selectors.waiting_list()] == [b.pk, a.pk]  # 30 > 5
    assert [r["version"] for r in Client().get("/api/v1/talent/flat-rules").json()] == [2, 1]
    with pytest.raises(ValidationFailed, match="不存在"):
        flats.flat_rule_publish(actor=office, tier_points={"Z": 1}, month_points=1, member_points=1)
    with pytest.raises(PermissionDenied):
        flats.flat_rule_publish(actor=fz["p"]["finance"], tier_points={}, month_points=1, member_points=1)


# ---- allocation, leases and rent ------------------------------------------------------------------


def test_allocation_makes_a_lease_with_the_rent_of_the_tier_and_lets_the_flat(fz):
    office = fz["p"]["office"]
    cases = [(fz["talent"], "C"), (fz["second"], "D"), (fz["talents"][2], "")]
    for (talent, tier), flat in zip(cases, fz["flats"], strict=True):
        app = queued(fz, talent)
        flats.flat_act(actor=office, application_id=app.pk, action="allocate", flat_id=flat.pk, reason="按序")
        lease = FlatLease.objects.get(application=app)
        share = RENT_SHARES.get(tier, 100)
        assert lease.tier == tier and lease.rent_share == share
        assert lease.monthly_rent == (Decimal("2000.50") * share / 100).quantize(Decimal("0.01"))
        assert lease.end == lease.start.replace(year=lease.start.year + 3) - dt.timedelta(days=1)
        assert Flat.objects.get(pk=flat.pk).state == "let"
    assert [lease.monthly_rent for lease in FlatLease.objects.order_by("pk")] == [
        Decimal("1000.25"),
        Decimal("1600.40"),
        Decimal("2000.50"),
    ]
    assert AuditEvent.objects.filter(action="talent_flat_application.allocate").count() == 3


def test_allocating_out_of_order_needs_a_reason_and_a_let_flat_is_409(fz):
    office = fz["p"]["office"]
    first = queued(fz, fz["talent"])
    second = queued(fz, fz["talents"][2])
    with pytest.raises(ValidationFailed, match="理由"):
        flats.flat_act(actor=office, application_id=second.pk, action="allocate", flat_id=fz["flats"][0].pk)
    flats.flat_act(actor=office, application_id=first.pk, action="allocate", flat_id=fz["flats"][0].pk)
    with pytest.raises(Conflict, match="已配租"):
        flats.flat_act(actor=office, application_id=second.pk, action="allocate", flat_id=fz["flats"][0].pk)
    assert FlatApplication.objects.get(pk=second.pk).state == "queued"
    with pytest.raises(Conflict, match="不能「配租」"):
        flats.flat_act(actor=office, application_id=first.pk, action="allocate", flat_id=fz["flats"][1].pk)


def _at_once(jobs: list[tuple]) -> list[int]:
    """POST each (user, url, body) from its own client; on PostgreSQL at the same moment from threads
    with their own connections (the row locks decide), on SQLite, which serialises writers, in turn."""
    results: list[int] = []
    sequential = connection.vendor != "postgresql"
    barrier = threading.Barrier(len(jobs))

    def run(user, url, body):
        c = client_for(user)
        try:
            if not sequential:
                barrier.wait(timeout=10)
            results.append(post(c, url, body).status_code)
        finally:
            if not sequential:
                connections.close_all()

    if sequential:
        for job in jobs:
            run(*job)
    else:
        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return sorted(results)


def _allocate_url(app) -> str:
    return f"/api/v1/talent/flat-applications/{app.pk}/actions/allocate"


@pytest.mark.django_db(transaction=True)
def test_two_officers_allocating_one_flat_at_once_one_wins():
    fz = flats_zone()
    other = staff_user("office2", department("rcb2", "人才工作局二处"), ["policy_officer"])
    apps = [queued(fz, fz["talent"]), queued(fz, fz["talents"][2])]
    flat = fz["flats"][0]
    body = {"flat_id": flat.pk, "reason": "同时配租"}
    results = _at_once(
        [(fz["p"]["office"], _allocate_url(apps[0]), body), (other, _allocate_url(apps[1]), body)]
    )
    assert results == [200, 409]
    assert FlatLease.objects.filter(flat=flat, state="active").count() == 1
    assert sorted(FlatApplication.objects.values_list("state", flat=True)) == ["allocated", "queued"]
    assert AuditEvent.objects.filter(action="talent_flat_application.allocate").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_allocating_one_application_two_flats_one_wins():
    fz = flats_zone()
    other = staff_user("office2", department("rcb2", "人才工作局二处"), ["policy_officer"])
    app = queued(fz, fz["talent"])
    results = _at_once(
        [
            (fz["p"]["office"], _allocate_url(app), {"flat_id": fz["flats"][0].pk}),
            (other, _allocate_url(app), {"flat_id": fz["flats"][1].pk}),
        ]
    )
    assert results == [200, 409]
    assert FlatLease.objects.filter(state="active").count() == 1
    assert Flat.objects.filter(state="let").count() == 1


# ---- moving in and out; leaving the zone -----------------------------------------------------------


def _moved_in(fz, talent, flat):
    office = fz["p"]["office"]
    app = queued(fz, talent)
    flats.flat_act(actor=office, application_id=app.pk, action="allocate", flat_id=flat.pk, reason="按序")
    return flats.flat_act(actor=office, application_id=app.pk, action="move_in")


def test_leaving_the_zone_ends_the_lease_frees_the_flat_and_closes_a_queued_application(fz):
    office, flat = fz["p"]["office"], fz["flats"][0]
    app = _moved_in(fz, fz["talent"], flat)
    waiting = queued(fz, fz["second"])
    c = client_for(office)
    r = post(c, f"/api/v1/talent/talents/{fz['talent'].pk}/actions/leave", {})
    assert r.status_code == 200, r.content
    app.refresh_from_db()
    lease = FlatLease.objects.get(application=app)
    assert app.state == "moved_out" and lease.state == "ended" and lease.ended_on == clock.today()
    assert Flat.objects.get(pk=flat.pk).state == "vacant"
    assert FlatApplication.objects.get(pk=waiting.pk).state == "queued"  # someone else's stays
    assert TalentEvent.objects.filter(talent=fz["talent"], action="flat_leave_zone").count() == 1
    assert AuditEvent.objects.filter(action="talent_flat_application.leave_zone").count() == 1
    # the freed flat goes to the next in line
    flats.flat_act(actor=office, application_id=waiting.pk, action="allocate", flat_id=flat.pk)
    assert Flat.objects.get(pk=flat.pk).state == "let"

    r = post(c, f"/api/v1/talent/talents/{fz['second'].pk}/actions/leave", {})
    assert r.status_code == 200
    assert FlatApplication.objects.get(pk=waiting.pk).state == "moved_out"
    lone = queued(fz, fz["talents"][2])
    post(c, f"/api/v1/talent/talents/{fz['talents'][2].pk}/actions/leave", {})
    assert FlatApplication.objects.get(pk=lone.pk).state == "withdrawn"


def test_leave_zone_is_not_an_action_anyone_calls(fz):
    app = queued(fz, fz["talent"])
    r = post(
        client_for(fz["p"]["office"]), f"/api/v1/talent/flat-applications/{app.pk}/actions/leave_zone", {}
    )
    assert r.status_code == 404
    assert (
        "leave_zone"
        not in client_for(fz["p"]["office"])
        .get(f"/api/v1/talent/flat-applications/{app.pk}")
        .json()["actions"]
    )


def test_the_talent_applies_withdraws_and_moves_out_but_does_not_allocate(fz):
    citizen = client_for(fz["p"]["citizen"])
    r = post(citizen, "/api/v1/talent/flat-applications", {"talent_id": fz["talent"].pk, "family_size": 2})
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    assert r.json()["actions"] == ["withdraw"]
    r = post(citizen, "/api/v1/talent/flat-applications", {"talent_id": fz["second"].pk, "family_size": 2})
    assert r.status_code == 404  # another person's record
    r = post(citizen, "/api/v1/talent/flat-applications", {"talent_id": fz["talent"].pk, "family_size": 2})
    assert r.status_code == 409
    office = fz["p"]["office"]
    flats.flat_act(actor=office, application_id=app_id, action="queue")
    r = post(
        citizen, f"/api/v1/talent/flat-applications/{app_id}/actions/allocate", {"flat_id": fz["flats"][0].pk}
    )
    assert r.status_code == 403
    flats.flat_act(actor=office, application_id=app_id, action="allocate", flat_id=fz["flats"][0].pk)
    r = post(citizen, f"/api/v1/talent/flat-applications/{app_id}/actions/move_out", {"reason": "自行购房"})
    assert r.status_code == 200 and r.json()["state"] == "moved_out"
    assert r.json()["lease"]["state"] == "ended"
    assert Flat.objects.get(pk=fz["flats"][0].pk).state == "vacant"


def test_a_stale_revision_loses_and_a_reject_needs_a_reason(fz):
    office = fz["p"]["office"]
    app = flats.flat_apply(actor=office, talent_id=fz["talent"].pk, family_size=1)
    with pytest.raises(ValidationFailed, match="理由"):
        flats.flat_act(actor=office, application_id=app.pk, action="reject")
    flats.flat_act(actor=office, application_id=app.pk, action="queue", revision=0)
    with pytest.raises(Conflict, match="刷新"):
        flats.flat_act(actor=office, application_id=app.pk, action="withdraw", revision=0)


# ---- who sees what ---------------------------------------------------------------------------------


def test_a_person_sees_their_own_an_enterprise_its_employees_the_office_all(fz):
    mine = queued(fz, fz["talent"])  # employed by enterprise A
    theirs = queued(fz, fz["second"])  # employed by enterprise B
    seen = {
        who: {
            a["id"] for a in client_for(fz["p"][who]).get("/api/v1/talent/flat-applications").json()["items"]
        }
        for who in ("citizen", "citizen2", "ent", "ent2", "office", "finance")
    }
    assert seen == {
        "citizen": {mine.pk},
        "citizen2": {theirs.pk},
        "ent": {mine.pk},
        "ent2": {theirs.pk},
        "office": {mine.pk, theirs.pk},
        "finance": set(),
    }
    assert client_for(fz["p"]["ent2"]).get(f"/api/v1/talent/flat-applications/{mine.pk}").status_code == 404
    assert Client().get("/api/v1/talent/flat-applications").status_code in (401, 403)


# ---- 限价房 ----------------------------------------------------------------------------------------


def test_purchase_eligibility_lists_the_eligible_with_every_condition(fz):
    rows = client_for(fz["p"]["office"]).get("/api/v1/talent/purchase-eligibility?all=true").json()["items"]
    by_id = {r["talent_id"]: r for r in rows}
    assert by_id[fz["talent"].pk]["eligible"] and by_id[fz["second"].pk]["eligible"]
    uncertified = by_id[fz["talents"][2].pk]
    assert not uncertified["eligible"]
    (unmet,) = [c for c in uncertified["conditions"] if not c["met"]]
    assert unmet["key"] == "tier" and "未认定" in unmet["text"]
    eligible = client_for(fz["p"]["office"]).get("/api/v1/talent/purchase-eligibility").json()["items"]
    assert {r["talent_id"] for r in eligible} == {fz["talent"].pk, fz["second"].pk}


def test_a_purchase_case_is_judged_by_the_rule_with_its_reasons(fz):
    office = fz["p"]["office"]
    citizen = client_for(fz["p"]["citizen"])
    r = post(citizen, "/api/v1/talent/purchases", {"talent_id": fz["talent"].pk, "declared_no_home": False})
    assert r.status_code == 422 and "须承诺本人及家庭在本市无住房" in r.json()["message"]
    r = post(citizen, "/api/v1/talent/purchases", {"talent_id": fz["talent"].pk, "declared_no_home": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "submitted" and body["rule_version"] == 1
    assert all(c["met"] for c in body["conditions"]) and {c["key"] for c in body["conditions"]} >= {
        "tier",
        "years",
    }
    r = post(citizen, "/api/v1/talent/purchases", {"talent_id": fz["talent"].pk, "declared_no_home": True})
    assert r.status_code == 422 and "已有审核中或已确认" in r.json()["message"]
    assert post(citizen, f"/api/v1/talent/purchases/{body['id']}/actions/approve", {}).status_code == 403
    app = flats.purchase_act(actor=office, purchase_id=body["id"], action="approve")
    assert app.state == "approved"
    assert AuditEvent.objects.filter(action__startswith="talent_purchase.").count() == 2

    flats.purchase_rule_publish(actor=office, tiers=["A", "B", "C", "D"], min_years=5)
    with pytest.raises(ValidationFailed) as exc:
        flats.purchase_apply(actor=office, talent_id=fz["second"].pk, declared_no_home=True)
    assert "在区工作须满5年（累计1年" in exc.value.message


def test_a_purchase_approved_after_the_talent_left_is_refused_with_the_reason(fz):
    office = fz["p"]["office"]
    app = flats.purchase_apply(actor=office, talent_id=fz["second"].pk, declared_no_home=True)
    post(client_for(office), f"/api/v1/talent/talents/{fz['second'].pk}/actions/leave", {})
    with pytest.raises(Conflict, match="已离开园区"):
        flats.purchase_act(actor=office, purchase_id=app.pk, action="approve")
    assert PurchaseApplication.objects.get(pk=app.pk).state == "submitted"
    flats.purchase_act(actor=office, purchase_id=app.pk, action="reject", reason="已离开园区")
    assert PurchaseApplication.objects.get(pk=app.pk).state == "rejected"


# ---- pages -----------------------------------------------------------------------------------------


def test_the_pages_show_the_office_the_flats_and_the_talent_their_application_and_lease(fz):
    office = client_for(fz["p"]["office"])
    app = queued(fz, fz["talent"], family_size=2)
    for url in ("/talent/flats/", "/talent/flats/applications/", "/talent/flats/purchases/?all=1"):
        r = office.get(url)
        assert r.status_code == 200, url
    page = office.get(f"/talent/flats/applications/{app.pk}/").content.decode()
    assert "人才公寓1号楼 101" in page and 'value="allocate"' in page
    r = office.post(
        f"/talent/flats/applications/{app.pk}/", {"action": "allocate", "flat_id": fz["flats"][0].pk}
    )
    assert r.status_code == 302
    citizen = client_for(fz["p"]["citizen"])
    mine = citizen.get(f"/talent/flats/applications/{app.pk}/").content.decode()
    assert "1,000.25" in mine and "租赁合同" in mine and 'value="allocate"' not in mine
    assert citizen.get("/talent/flats/").status_code == 404  # the flats' register is the office's
    assert client_for(fz["p"]["citizen2"]).get(f"/talent/flats/applications/{app.pk}/").status_code == 404
    r = citizen.post("/talent/flats/purchases/", {"declared_no_home": "on"})
    assert r.status_code == 302 and PurchaseApplication.objects.filter(talent=fz["talent"]).count() == 1
    assert fz["talent"].name in citizen.get("/talent/flats/purchases/").content.decode()
