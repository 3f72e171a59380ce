"""Demo service hall: the zone's hall and a hall of the city (全城通办), their windows, the items of
the self-service kiosk, a working day of queue tickets lived through the services (taken, called,
served, some linked to the case taken at the window, some rated) and a few appointments."""

from __future__ import annotations

import datetime as dt

from gaoxin.accounts.models import Department, User
from gaoxin.accounts.services import citizen_create
from gaoxin.core import calendar, clock
from gaoxin.core.identifiers import make_id_card
from gaoxin.govservices.services import hall, kiosk
from gaoxin.govservices.services.cases import case_act

from .govservices import _submit
from .people import DEMO_PASSWORD

KIOSK_ITEMS = ("GX0100000001", "GX0100000015", "GX0100000025", "GX0100000028")
SOCIAL_ITEMS = ("GX0100000025", "GX0100000026", "GX0100000027", "GX0100000028")
VISITORS = ("ent", "ent2", "ent3", "ent4", "ent5", "citizen")


def build(ctx: dict) -> None:
    u = {x.username: x for x in User.objects.filter(username__in=["admin", "clerk", "clerk2", *VISITORS])}
    admin = u["admin"]
    approval = Department.objects.get(code="approval")
    social = Department.objects.filter(code="social").first() or approval
    zone_hall = hall.hall_save(actor=admin, code="gxq", name="高新区政务服务中心", district="高新区")
    city_hall = hall.hall_save(
        actor=admin, code="city", name="市民服务中心", district="市辖区", in_zone=False, slot_capacity=6
    )
    for number in ("1", "2", "3", "4", "5", "6"):
        hall.window_save(actor=admin, hall=zone_hall, number=number, department=approval)
    hall.window_save(
        actor=admin, hall=zone_hall, number="7", department=social, kind="special", items=SOCIAL_ITEMS
    )
    for number in ("1", "2"):
        hall.window_save(actor=admin, hall=city_hall, number=number, department=approval)
    for code in KIOSK_ITEMS:
        kiosk.item_kiosk_set(actor=admin, code=code)
    # A person who uses the kiosk: an ID card number and a phone for the one-time code.
    citizen_create(
        username="citizen_kiosk",
        password=DEMO_PASSWORD,
        full_name="韦自助",
        id_card=make_id_card("450203", dt.date(1988, 5, 17), "031"),
        phone="13907720000",
    )
    day = ctx["as_of"] - dt.timedelta(days=1)
    while not calendar.is_workday(day)[0]:
        day -= dt.timedelta(days=1)
    served = _hall_day(u, ctx, day)
    _appointments(u, ctx)
    hall.window_sit(actor=u["clerk"], hall_code="gxq", number="1")
    hall.window_sit(actor=u["clerk2"], hall_code="gxq", number="2")
    ctx["log"](f"政务服务大厅 2 个、窗口 9 个；{day} 叫号 {served} 个；自助办理事项 {len(KIOSK_ITEMS)} 项")


def _hall_day(u, ctx, day: dt.date) -> int:
    """Visitors arrive through the day; two windows serve them first come, first served. Every third
    visit is a 企业设立登记 taken at the window and finished on the spot, its case linked to the
    ticket; about one in twenty does not answer the call (过号)."""
    rng = ctx["rng"]
    clerks = [u["clerk"], u["clerk2"]]
    arrivals = []
    at = dt.datetime.combine(day, dt.time(9))
    while at.time() < dt.time(16, 30):
        if dt.time(12) <= at.time() < dt.time(13, 30):
            at = dt.datetime.combine(day, dt.time(13, 30))
        arrivals.append(at)
        at += dt.timedelta(minutes=rng.randint(3, 12))
    tickets = []
    for i, at in enumerate(arrivals):
        who = u[VISITORS[i % len(VISITORS)]]
        code = "GX0100000001" if who.username != "citizen" else "GX0100000025"
        with clock.frozen(at):
            tickets.append((hall.ticket_take(actor=who, hall_code="gxq", item_code=code), who))
    free = [dt.datetime.combine(day, dt.time(9))] * len(clerks)
    for (ticket, who), arrived in zip(tickets, arrivals, strict=True):
        w = min(range(len(clerks)), key=lambda k: free[k])
        clerk = clerks[w]
        called = max(arrived, free[w]) + dt.timedelta(minutes=rng.randint(0, 2))
        with clock.frozen(called):
            hall.window_sit(actor=clerk, hall_code="gxq", number=str(w + 1))
            hall.ticket_act(actor=clerk, pk=ticket.pk, action="call")
        if rng.random() < 0.05:
            with clock.frozen(called + dt.timedelta(minutes=3)):
                hall.ticket_act(actor=clerk, pk=ticket.pk, action="no_show")
            free[w] = called + dt.timedelta(minutes=3)
            continue
        finished = called + dt.timedelta(minutes=rng.randint(4, 18))
        with clock.frozen(finished):
            number = ""
            if ticket.seq % 3 == 0 and who.username != "citizen":
                number = _submit(clerk, "GX0100000001", applicant=who.username)
                case_act(actor=clerk, number=number, action="accept_instant")
            hall.ticket_act(actor=clerk, pk=ticket.pk, action="finish", case=number)
            if rng.random() < 0.6:
                hall.ticket_rate(actor=clerk, pk=ticket.pk, level=rng.choice([5, 5, 5, 4, 4, 3]))
        free[w] = finished
    return len(tickets)


def _appointments(u, ctx) -> None:
    day = ctx["as_of"] + dt.timedelta(days=1)
    while not calendar.is_workday(day)[0]:
        day += dt.timedelta(days=1)
    with clock.frozen(dt.datetime.combine(ctx["as_of"], dt.time(8))):
        for i, name in enumerate(("ent", "ent2", "ent3", "citizen")):
            code = "GX0100000004" if name != "citizen" else "GX0100000026"
            hall.appointment_book(
                actor=u[name],
                hall_code="gxq",
                item_code=code,
                day=day,
                slot=f"{9 + i // 2:02d}:{30 * (i % 2):02d}",
            )
        extra = hall.appointment_book(
            actor=u["ent4"], hall_code="city", item_code="GX0100000019", day=day, slot="10:00"
        )
        hall.appointment_cancel(actor=u["ent4"], pk=extra.pk)
