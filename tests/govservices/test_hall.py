"""The service hall: windows, appointments per slot, queue tickets and calling through the API and the
pages, the race of two windows on one ticket, the waiting-time figures against a hand computation,
and 全城通办 intake recorded on the case."""

import datetime as dt
import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gaoxin.core import clock
from gaoxin.core.errors import Conflict
from gaoxin.core.models import AuditEvent
from gaoxin.govservices.models import Appointment, Case, Rating, Ticket, TicketEvent
from gaoxin.govservices.selectors_hall import p90, wait_stats
from gaoxin.govservices.services import hall
from tests.factories import staff_user
from tests.govservices.helpers import client_for

MONDAY = dt.datetime(2026, 3, 2, 9, 0)  # a working day


def _post(c: Client, url: str, body: dict | None = None):
    return c.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def hz(gz):
    admin = gz["p"]["admin"]
    approval = gz["d"]["approval"]
    zone_hall = hall.hall_save(
        actor=admin, code="gxq", name="高新区政务服务中心", district="高新区", slot_capacity=2
    )
    city = hall.hall_save(actor=admin, code="city", name="市民服务中心", district="市辖区", in_zone=False)
    hall.window_save(actor=admin, hall=zone_hall, number="1", department=approval)
    hall.window_save(actor=admin, hall=zone_hall, number="2", department=approval)
    hall.window_save(
        actor=admin, hall=zone_hall, number="9", department=approval, kind="special", items=["000000000003"]
    )
    hall.window_save(actor=admin, hall=city, number="1", department=approval)
    gz["p"]["clerk2"] = staff_user("clerk2", approval, ["window_clerk"])
    gz["hall"], gz["city"] = zone_hall, city
    return gz


def test_a_visit_through_the_api_take_call_recall_finish_with_the_case_and_rate(hz):
    p = hz["p"]
    ent, clerk = client_for(p["ent"]), client_for(p["clerk"])
    with clock.frozen(MONDAY):
        r = _post(ent, "/api/v1/tickets", {"hall": "gxq", "item": "000000000001"})
        assert r.status_code == 201, r.content
        ticket = r.json()
        assert ticket["number"] == "A001" and ticket["state"] == "waiting"
        assert (
            _post(ent, "/api/v1/tickets", {"hall": "gxq", "item": "000000000002"}).json()["number"] == "A002"
        )
        # Calling needs a seat at a window.
        assert _post(clerk, "/api/v1/tickets/call-next").status_code == 409
        assert _post(clerk, "/api/v1/halls/gxq/seat", {"window": "1"}).status_code == 200
        clock.travel(dt.timedelta(minutes=7))
        called = _post(clerk, "/api/v1/tickets/call-next").json()
        assert (called["number"], called["state"], called["window"]) == ("A001", "called", "1")
        tid = called["id"]
        assert _post(clerk, f"/api/v1/tickets/{tid}/actions/recall").json()["recalls"] == 1
        # The clerk takes the case at the window: the case records the hall.
        r = clerk.post(
            "/api/v1/cases",
            {
                "payload": json.dumps(
                    {"item": "000000000001", "data": {"project": "示例"}, "applicant": "ent"}
                )
            },
        )
        number = r.json()["number"]
        assert Case.objects.get(number=number).hall == hz["hall"]
        clock.travel(dt.timedelta(minutes=12))
        done = _post(clerk, f"/api/v1/tickets/{tid}/actions/finish", {"case": number}).json()
        assert (done["state"], done["case"]) == ("done", number)
        # 一次一评 on the window's device, once.
        r = _post(clerk, f"/api/v1/tickets/{tid}/rating", {"level": 5})
        assert r.status_code == 200 and r.json()["rated"]
        assert _post(clerk, f"/api/v1/tickets/{tid}/rating", {"level": 1}).status_code == 409
    rating = Rating.objects.get(kind="visit")
    assert (rating.window, rating.level) == (hz["d"]["approval"], 5)
    assert list(TicketEvent.objects.filter(ticket_id=tid).values_list("action", flat=True)) == [
        "call",
        "recall",
        "finish",
    ]
    assert {
        "ticket.take",
        "ticket.call",
        "ticket.recall",
        "ticket.finish",
        "ticket.rate",
        "window.sit",
    } <= set(AuditEvent.objects.values_list("action", flat=True))
    # Another enterprise sees nothing of it; the owner sees it.
    assert client_for(p["ent2"]).get(f"/api/v1/tickets/{tid}").status_code == 404
    assert ent.get(f"/api/v1/tickets/{tid}").status_code == 200


def test_a_special_window_calls_only_its_items_and_a_general_window_any(hz):
    p = hz["p"]
    with clock.frozen(MONDAY):
        food = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        permit = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000003")
        hall.window_sit(actor=p["clerk"], hall_code="gxq", number="9")
        assert hall.ticket_call_next(actor=p["clerk"]).pk == permit.pk
        with pytest.raises(Conflict, match="专项窗口"):
            hall.ticket_act(actor=p["clerk"], pk=food.pk, action="call")
        hall.window_sit(actor=p["clerk2"], hall_code="gxq", number="2")
        assert hall.ticket_call_next(actor=p["clerk2"]).pk == food.pk
        with pytest.raises(Conflict, match="没有等候"):
            hall.ticket_call_next(actor=p["clerk2"])


def test_appointments_fill_a_slot_refuse_a_holiday_and_check_in_for_a_number(hz):
    p = hz["p"]
    ent = client_for(p["ent"])
    with clock.frozen(MONDAY - dt.timedelta(hours=2)):  # 07:00, before the hall opens
        book = {"hall": "gxq", "item": "000000000002", "day": "2026-03-02", "slot": "09:30"}
        r = _post(ent, "/api/v1/appointments", book)
        assert r.status_code == 201, r.content
        appt = r.json()["id"]
        assert _post(ent, "/api/v1/appointments", book).status_code == 409  # the same item twice
        hall.appointment_book(
            actor=p["citizen"], hall_code="gxq", item_code="000000000002", day=MONDAY.date(), slot="09:30"
        )
        r = _post(client_for(p["ent2"]), "/api/v1/appointments", book)
        assert r.status_code == 409 and "约满" in r.json()["message"]
        slots = {s["slot"]: s["free"] for s in ent.get("/api/v1/halls/gxq/slots?day=2026-03-02").json()}
        assert slots["09:30"] == 0 and slots["09:00"] == 2 and "12:00" not in slots
        r = _post(ent, "/api/v1/appointments", {**book, "day": "2026-03-07"})  # a Saturday
        assert r.status_code == 422 and "工作日" in r.json()["message"]
        r = _post(ent, "/api/v1/appointments", {**book, "slot": "12:30"})  # lunch break
        assert r.status_code == 422
    with clock.frozen(MONDAY + dt.timedelta(minutes=20)):
        walk_in = hall.ticket_take(actor=p["ent2"], hall_code="gxq", item_code="000000000002")
        r = _post(ent, "/api/v1/tickets", {"appointment": appt})
        assert r.status_code == 201 and r.json()["number"] == "Y002"
        assert Appointment.objects.get(pk=appt).state == "checked_in"
        # An appointment goes before the walk-in who came first.
        hall.window_sit(actor=p["clerk"], hall_code="gxq", number="1")
        assert hall.ticket_call_next(actor=p["clerk"]).number == "Y002"
        assert hall.ticket_call_next(actor=p["clerk"]).pk == walk_in.pk
        # The citizen cancels; a cancelled appointment gives no number.
        mine = Appointment.objects.get(person=p["citizen"])
        assert (
            _post(client_for(p["citizen"]), f"/api/v1/appointments/{mine.pk}/cancel").json()["state"]
            == "cancelled"
        )
        assert _post(client_for(p["citizen"]), "/api/v1/tickets", {"appointment": mine.pk}).status_code == 409
        # Someone else's appointment does not exist for them.
        assert _post(client_for(p["ent2"]), f"/api/v1/appointments/{appt}/cancel").status_code == 404


def test_no_show_and_the_holder_cancels_a_waiting_number(hz):
    p = hz["p"]
    with clock.frozen(MONDAY):
        first = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        second = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        hall.window_sit(actor=p["clerk"], hall_code="gxq", number="1")
        hall.ticket_call_next(actor=p["clerk"])
        assert hall.ticket_act(actor=p["clerk"], pk=first.pk, action="no_show").state == "no_show"
        # Only the window that called it acts on it.
        hall.window_sit(actor=p["clerk2"], hall_code="gxq", number="2")
        assert hall.ticket_act(actor=p["ent"], pk=second.pk, action="cancel").state == "cancelled"
        third = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        r = _post(client_for(p["ent"]), f"/api/v1/tickets/{third.pk}/actions/call")
        assert r.status_code == 403 and "受理员" in r.json()["message"]
        # A number passed over (过号) is not served afterwards.
        r = _post(client_for(p["clerk2"]), f"/api/v1/tickets/{first.pk}/actions/finish")
        assert r.status_code == 409


def _race(users, pk, sequential: bool) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(len(users))

    def run(user):
        try:
            if not sequential:
                barrier.wait(timeout=10)
            hall.ticket_act(actor=user, pk=pk, action="call")
            results.append("ok")
        except Conflict as exc:
            results.append(exc.message)
        finally:
            if not sequential:
                connections.close_all()

    if sequential:
        for u in users:
            run(u)
    else:
        threads = [threading.Thread(target=run, args=(u,)) for u in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_windows_calling_one_ticket_one_wins_the_other_is_told_which_window_has_it(gz):
    from tests.factories import staff_user as make_staff

    p = gz["p"]
    hall_ = hall.hall_save(actor=p["admin"], code="gxq", name="高新区政务服务中心", district="高新区")
    for n in ("1", "2"):
        hall.window_save(actor=p["admin"], hall=hall_, number=n, department=gz["d"]["approval"])
    clerk2 = make_staff("clerk2", gz["d"]["approval"], ["window_clerk"])
    hall.window_sit(actor=p["clerk"], hall_code="gxq", number="1")
    hall.window_sit(actor=clerk2, hall_code="gxq", number="2")
    ticket = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
    results = _race([p["clerk"], clerk2], ticket.pk, sequential=connection.vendor != "postgresql")
    assert sorted(results)[-1] == "ok" and results.count("ok") == 1
    lost = next(r for r in results if r != "ok")
    ticket.refresh_from_db()
    assert lost == f"A001 号已被{ticket.window}叫号，请叫下一号"
    assert TicketEvent.objects.filter(ticket=ticket, action="call").count() == 1


def test_two_windows_at_once_through_http_one_409(hz):
    """The same race as two requests to the API, one after the other (the lock decides the order)."""
    p = hz["p"]
    with clock.frozen(MONDAY):
        ticket = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        a, b = client_for(p["clerk"]), client_for(p["clerk2"])
        _post(a, "/api/v1/halls/gxq/seat", {"window": "1"})
        _post(b, "/api/v1/halls/gxq/seat", {"window": "2"})
        assert _post(b, "/api/v1/halls/gxq/seat", {"window": "1"}).status_code == 409  # seat taken
        assert _post(a, f"/api/v1/tickets/{ticket.pk}/actions/call").status_code == 200
        r = _post(b, f"/api/v1/tickets/{ticket.pk}/actions/call")
        assert r.status_code == 409 and r.json()["message"] == "A001 号已被1号窗口叫号，请叫下一号"


def test_waiting_and_service_times_match_a_hand_computation(hz):
    """Five visits on one day at two windows, with the minutes chosen by hand:
    waits 2, 5, 8, 10, 30 (the last a 过号); service 4, 6, 10, 20 (the 过号 has none).
    Average wait 11.0, p90 (nearest rank: ceil(0.9·5) = 5th) 30; average service 10.0, p90 (4th) 20.
    Window 1: waits 2, 8, 30 → 13.3, p90 30; service 4, 10 → 7.0, p90 10."""
    p = hz["p"]
    plan = [  # (issued, wait, service or None for 过号, window's clerk)
        (0, 2, 4, "clerk"),
        (1, 5, 6, "clerk2"),
        (2, 8, 10, "clerk"),
        (3, 10, 20, "clerk2"),
        (4, 30, None, "clerk"),
    ]
    with clock.frozen(MONDAY):
        hall.window_sit(actor=p["clerk"], hall_code="gxq", number="1")
        hall.window_sit(actor=p["clerk2"], hall_code="gxq", number="2")
        tickets = []
        for issued, *_ in plan:
            with clock.frozen(MONDAY + dt.timedelta(minutes=issued)):
                tickets.append(hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002"))
        for t, (issued, wait, service, who) in zip(tickets, plan, strict=True):
            called = MONDAY + dt.timedelta(minutes=issued + wait)
            with clock.frozen(called):
                hall.ticket_act(actor=p[who], pk=t.pk, action="call")
            with clock.frozen(called + dt.timedelta(minutes=service or 1)):
                hall.ticket_act(actor=p[who], pk=t.pk, action="finish" if service else "no_show")
    day = MONDAY.date()
    rows = wait_stats(user=p["clerk"], hall=hz["hall"], start=day, end=day, by="day")
    assert rows == [
        {
            "key": "2026-03-02",
            "label": "2026-03-02",
            "wait": {"count": 5, "average": 11.0, "p90": 30.0},
            "service": {"count": 4, "average": 10.0, "p90": 20.0},
        }
    ]
    by_window = {
        r["key"]: r for r in wait_stats(user=p["clerk"], hall=hz["hall"], start=day, end=day, by="window")
    }
    assert by_window["1"]["wait"] == {"count": 3, "average": 13.3, "p90": 30.0}
    assert by_window["1"]["service"] == {"count": 2, "average": 7.0, "p90": 10.0}
    assert by_window["2"]["wait"] == {"count": 2, "average": 7.5, "p90": 10.0}
    r = client_for(p["clerk"]).get(
        "/api/v1/halls/gxq/wait-statistics?start=2026-03-02&end=2026-03-02&by=item"
    )
    assert r.status_code == 200 and r.json()[0]["wait"]["p90"] == 30.0
    assert client_for(p["ent"]).get("/api/v1/halls/gxq/wait-statistics").status_code == 403
    page = client_for(p["clerk"]).get("/services/hall/gxq/statistics/?start=2026-03-02&end=2026-03-02")
    assert page.status_code == 200 and "13.3" not in page.content.decode() and "11.0" in page.content.decode()


def test_p90_is_the_nearest_rank():
    assert p90([1.0]) == 1.0
    assert p90([float(i) for i in range(1, 11)]) == 9.0
    assert p90([float(i) for i in range(1, 12)]) == 10.0


def test_a_case_taken_at_a_hall_of_the_city_is_recorded_as_全城通办(hz):
    p = hz["p"]
    with clock.frozen(MONDAY):
        hall.window_sit(actor=p["clerk"], hall_code="city", number="1")
        r = client_for(p["clerk"]).post(
            "/api/v1/cases",
            {
                "payload": json.dumps(
                    {"item": "000000000001", "data": {"project": "示例"}, "applicant": "ent"}
                )
            },
        )
    case = Case.objects.get(number=r.json()["number"])
    assert case.channel == "window" and case.hall == hz["city"] and not case.hall.in_zone
    event = case.events.get(action="submit")
    assert event.details["hall"] == "市民服务中心" and event.details["city_wide"] is True


def test_the_hall_screen_shows_numbers_and_windows_only_and_is_public(hz):
    p = hz["p"]
    with clock.frozen(MONDAY):
        t = hall.ticket_take(actor=p["ent"], hall_code="gxq", item_code="000000000002")
        hall.ticket_take(actor=p["citizen"], hall_code="gxq", item_code="000000000002")
        hall.window_sit(actor=p["clerk"], hall_code="gxq", number="2")
        hall.ticket_act(actor=p["clerk"], pk=t.pk, action="call")
        anon = Client()
        data = anon.get("/services/hall/gxq/screen.json").json()
        assert data["calling"] == [{"number": "A001", "window": "2"}] and data["waiting"] == 1
        assert anon.get("/api/v1/halls/gxq/screen").json()["calling"] == data["calling"]
        page = anon.get("/services/hall/gxq/screen/").content.decode()
        assert "A001" in page and "hall-screen.js" in page and "示例科技" not in page
        assert "https://" not in page and "http://" not in page
        assert anon.get("/services/hall/nowhere/screen.json").status_code == 404


def test_the_hall_pages_for_the_applicant_and_the_clerk(hz):
    p = hz["p"]
    ent, clerk = client_for(p["ent"]), client_for(p["clerk"])
    with clock.frozen(MONDAY):
        page = ent.get("/services/hall/?hall=gxq").content.decode()
        assert "现场取号" in page and "预约办事" in page
        r = ent.post("/services/hall/do/take/", {"hall": "gxq", "item": "000000000002"})
        assert r.status_code == 302
        assert "A001" in ent.get("/services/hall/?hall=gxq").content.decode()
        assert clerk.post("/services/hall/do/seat/", {"hall": "gxq", "window": "1"}).status_code == 302
        assert "A001" in clerk.get("/services/hall/?hall=gxq").content.decode()
        assert clerk.post("/services/hall/do/call_next/").status_code == 302
        t = Ticket.objects.get()
        assert t.state == "called"
        page = clerk.get("/services/hall/?hall=gxq").content.decode()
        assert "正在办理：A001" in page
        r = clerk.post(f"/services/hall/tickets/{t.pk}/act/finish/", {"revision": t.revision})
        assert r.status_code == 302
        assert (
            clerk.post("/services/hall/do/rate/", {"ticket": t.pk, "level": 4, "hall": "gxq"}).status_code
            == 302
        )
        # A stale page (an old revision) loses with 409, and the page says why.
        r = clerk.post(f"/services/hall/tickets/{t.pk}/act/recall/", {"revision": 0})
        assert r.status_code == 409
        assert client_for(p["ent2"]).post(f"/services/hall/tickets/{t.pk}/act/recall/").status_code == 404
    t.refresh_from_db()
    assert t.state == "done" and t.rating.level == 4
