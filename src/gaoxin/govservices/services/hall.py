"""The service hall: halls and windows, a clerk's seat at a window, appointments for a time slot,
queue tickets (取号) and the ticket machine (叫号, 重呼, 过号, 办结), the 一次一评 of a visit.

A ticket runs on core.workflow: of two windows calling one ticket, the row lock lets exactly one win;
the other gets 409 saying which window has it."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import has_role, is_applicant, verified_uscc
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, calendar, clock
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.notify import notify
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions as perms
from ..models import Appointment, Hall, ServiceItem, Ticket, TicketEvent, Window
from ..selectors_hall import appointment_get, hall_get, seat_of, ticket_list
from .common import text
from .ratings import rating_submit

T = Ticket.State
BOOKING_DAYS = 14  # appointments up to two weeks ahead
# The hall's opening hours: a morning and an afternoon session, cut into slots of the hall's length.
SESSIONS = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17)))


def _may_manage(user) -> None:
    if not perms.manages_halls(user):
        raise PermissionDenied("大厅与窗口由系统管理员维护")


HALL_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,20}$")


def _locked_for_edit(model, found, *, revision: int | None, new: bool, exists: str, stale: str):
    """The row to write, locked: None for a new one. Creating a code that exists is a 409, and so is
    an edit whose revision is not the row's (someone saved in between)."""
    if found is None:
        if revision is not None:
            raise NotFound(f"未找到该{model._meta.verbose_name}")
        return None
    if new:
        raise Conflict(exists)
    row = model.objects.select_for_update().get(pk=found.pk)
    if revision is not None and row.revision != revision:
        raise Conflict(stale)
    row.revision += 1
    return row


def _insert(row) -> None:
    """Insert a new row; two managers creating the same code at once: one wins, the other gets 409."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise Conflict(f"{row}已存在，请刷新后再试") from exc


@transaction.atomic
def hall_save(
    *,
    actor,
    code: str,
    name: str,
    district: str,
    in_zone: bool = True,
    slot_minutes: int = 30,
    slot_capacity: int = 4,
    order: int | None = None,
    revision: int | None = None,
    new: bool = False,
) -> Hall:
    """Create or edit a hall (keyed by its code). `new` refuses an existing code; a `revision` makes
    it an edit of the row as the caller saw it."""
    _may_manage(actor)
    code, name, district = text(code, 20).strip(), text(name, 60).strip(), text(district, 30).strip()
    if not HALL_CODE.fullmatch(code):
        raise ValidationFailed("大厅代码只能由字母、数字、下划线和连字符组成", fields={"code": "格式不正确"})
    if not name:
        raise ValidationFailed("请填写大厅名称", fields={"name": "必填"})
    if not district:
        raise ValidationFailed("请填写所在区县", fields={"district": "必填"})
    if not 10 <= slot_minutes <= 120:
        raise ValidationFailed("预约时段应为 10 至 120 分钟", fields={"slot_minutes": "超出范围"})
    if not 1 <= slot_capacity <= 200:
        raise ValidationFailed("每时段可预约人数应为 1 至 200", fields={"slot_capacity": "超出范围"})
    if order is not None and not 0 <= order <= 9999:
        raise ValidationFailed("排序应为 0 至 9999", fields={"order": "超出范围"})
    hall = _locked_for_edit(
        Hall,
        Hall.objects.filter(code=code).first(),
        revision=revision,
        new=new,
        exists=f"大厅代码 {code} 已存在",
        stale="该大厅已被他人修改，请刷新后再保存",
    )
    created = hall is None
    hall = hall or Hall(code=code)
    hall.name, hall.district, hall.in_zone = name, district, bool(in_zone)
    hall.slot_minutes, hall.slot_capacity = slot_minutes, slot_capacity
    if order is not None:
        hall.order = order
    if created:
        _insert(hall)
    else:
        hall.save()
    audit.record(
        actor=actor,
        action="hall.save",
        obj=hall,
        summary={"code": hall.code, "created": created, "revision": hall.revision},
    )
    return hall


@transaction.atomic
def window_save(
    *,
    actor,
    hall: Hall,
    number: str,
    department: Department | str,
    kind: str = "general",
    items=(),
    active: bool = True,
    revision: int | None = None,
    new: bool = False,
) -> Window:
    """A 综合窗口 takes any item (无差别全科受理); a 专项窗口 the items named (at least one). Closing a
    window ends the seat of the clerk at it; a window with a number being served cannot be closed."""
    _may_manage(actor)
    number = text(number, 10).strip()
    if not number:
        raise ValidationFailed("请填写窗口号", fields={"number": "必填"})
    if kind not in Window.Kind.values:
        raise ValidationFailed("窗口类型应为综合窗口或专项窗口", fields={"kind": "取值不在允许范围内"})
    if isinstance(department, str):
        code = text(department, 40).strip()
        department = Department.objects.filter(code=code).first()  # type: ignore[assignment]
        if department is None:
            raise ValidationFailed(f"未找到部门代码「{code}」", fields={"department": "部门不存在"})
    assert isinstance(department, Department)
    if not department.active:
        raise ValidationFailed(f"部门「{department}」已停用", fields={"department": "部门已停用"})
    codes = list(dict.fromkeys(text(c, 12).strip() for c in items if str(c).strip()))
    found = list(ServiceItem.objects.filter(code__in=codes))
    if len(found) != len(codes):
        missing = sorted(set(codes) - {i.code for i in found})
        raise ValidationFailed(
            f"事项目录中没有这些事项编码：{'、'.join(missing[:10])}", fields={"items": "事项不存在"}
        )
    if kind == Window.Kind.SPECIAL and not found:
        raise ValidationFailed("专项窗口须至少指定一个可受理事项", fields={"items": "必填"})
    window = _locked_for_edit(
        Window,
        Window.objects.filter(hall=hall, number=number).first(),
        revision=revision,
        new=new,
        exists=f"{hall.name}已有 {number} 号窗口",
        stale="该窗口已被他人修改，请刷新后再保存",
    )
    created = window is None
    window = window or Window(hall=hall, number=number)
    if not active and window.pk and Ticket.objects.filter(window=window, state=T.CALLED).exists():
        raise Conflict(f"{window}正在办理叫到的号，办结或过号后方可关闭")
    window.kind, window.department, window.active = kind, department, bool(active)
    if not window.active:
        window.clerk = None
    if created:
        _insert(window)
    else:
        window.save()
    window.items.set(found if kind == Window.Kind.SPECIAL else [])
    audit.record(
        actor=actor,
        action="window.save",
        obj=window,
        summary={
            "hall": hall.code,
            "number": window.number,
            "kind": kind,
            "items": [i.code for i in found] if kind == Window.Kind.SPECIAL else [],
            "active": window.active,
            "created": created,
        },
    )
    return window


@transaction.atomic
def window_sit(*, actor, hall_code: str, number: str) -> Window:
    """The clerk takes a seat at a window (leaving the one it held): its calls and the cases it takes
    are that window's."""
    if not perms.is_clerk(actor):
        raise PermissionDenied("只有窗口受理员可以登录窗口")
    hall = hall_get(code=hall_code)
    window = (
        Window.objects.select_for_update().filter(hall=hall, number=text(number, 10), active=True).first()
    )
    if window is None:
        raise NotFound("未找到该窗口")
    if window.clerk_id and window.clerk_id != actor.pk:
        raise Conflict(f"{window}已由其他受理员登录，请选择其他窗口")
    Window.objects.filter(clerk_id=actor.pk).exclude(pk=window.pk).update(clerk=None)
    window.clerk = actor
    window.save(update_fields=["clerk"])
    audit.record(actor=actor, action="window.sit", obj=window, summary={"hall": hall.code, "number": number})
    return window


@transaction.atomic
def window_leave(*, actor) -> None:
    window = seat_of(actor)
    if window is not None:
        Window.objects.filter(pk=window.pk).update(clerk=None)
        audit.record(actor=actor, action="window.leave", obj=window, summary={"number": window.number})


# ---- appointments ------------------------------------------------------------------------------------


def slots(hall: Hall) -> list[dt.time]:
    out = []
    for start, end in SESSIONS:
        at = dt.datetime.combine(dt.date.min, start)
        while (at + dt.timedelta(minutes=hall.slot_minutes)).time() <= end:
            out.append(at.time())
            at += dt.timedelta(minutes=hall.slot_minutes)
    return out


def slot_start(day: dt.date, slot: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, slot, tzinfo=clock.now().tzinfo)


def _published_item(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=text(code, 12), current__isnull=False).first()
    if item is None:
        raise NotFound("未找到该事项，或事项尚未发布")
    return item


def _slot_of(value) -> dt.time:
    try:
        return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed("预约时段格式应为 HH:MM", fields={"slot": "格式不正确"}) from exc


def appointment_book(*, actor, hall_code: str, item_code: str, day: dt.date, slot) -> Appointment:
    """Book a slot on a working day within two weeks. The hall row is locked while the slot is
    counted, so two bookings of the last place cannot both succeed."""
    if not is_applicant(actor):
        raise PermissionDenied("预约须以企业或个人账户登录")
    slot = _slot_of(slot)
    today = clock.today()
    with transaction.atomic():
        hall = Hall.objects.select_for_update().filter(code=text(hall_code, 20)).first()
        if hall is None:
            raise NotFound("未找到该政务服务大厅")
        item = _published_item(item_code)
        if slot not in slots(hall):
            raise ValidationFailed("请选择大厅开放时间内的预约时段", fields={"slot": "不是可预约时段"})
        if not today <= day <= today + dt.timedelta(days=BOOKING_DAYS):
            raise ValidationFailed(
                f"只能预约今天起 {BOOKING_DAYS} 天内的时段", fields={"day": "超出可预约范围"}
            )
        if slot_start(day, slot) <= clock.now():
            raise ValidationFailed("该时段已过，请选择其他时段", fields={"slot": "时段已过"})
        if not calendar.is_workday(day)[0]:
            raise ValidationFailed(f"{day} 不是工作日，大厅不办公", fields={"day": "非工作日"})
        booked = Appointment.objects.filter(hall=hall, day=day, state=Appointment.State.BOOKED)
        if booked.filter(person=actor, item=item).exists():
            raise Conflict("您当天已预约该事项，无需重复预约")
        if booked.filter(slot=slot).count() >= hall.slot_capacity:
            raise Conflict(f"{day} {slot:%H:%M} 时段已约满，请选择其他时段")
        appt = Appointment.objects.create(
            hall=hall,
            item=item,
            person=actor,
            enterprise_uscc=verified_uscc(actor),
            day=day,
            slot=slot,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="appointment.book",
            obj=appt,
            summary={"hall": hall.code, "item": item.code, "day": day.isoformat(), "slot": f"{slot:%H:%M}"},
        )
        notify(
            recipient=actor,
            kind="other",
            subject=f"已预约{hall.name} {day} {slot:%H:%M}，办理「{item.name}」，请按时到大厅取号",
            obj=appt,
        )
    return appt


@transaction.atomic
def appointment_cancel(*, actor, pk: int, reason: str = "") -> Appointment:
    found = appointment_get(user=actor, pk=pk)
    appt = Appointment.objects.select_for_update().get(pk=found.pk)
    if appt.person_id != actor.pk and not perms.is_clerk(actor):
        raise PermissionDenied("只有预约人或窗口受理员可以取消预约")
    if appt.state != Appointment.State.BOOKED:
        raise Conflict(f"预约当前为「{appt.get_state_display()}」，不能取消")
    appt.state = Appointment.State.CANCELLED
    appt.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="appointment.cancel",
        obj=appt,
        summary={"day": appt.day.isoformat(), "reason": text(reason, 200)},
    )
    return appt


# ---- tickets -----------------------------------------------------------------------------------------


def ticket_take(
    *, actor, hall_code: str = "", item_code: str = "", appointment_id: int | None = None
) -> Ticket:
    """取号: for an appointment of today (its item, number Y…), or walk-in for an item (number A…),
    by the applicant itself or by a clerk at the reception for a visitor. Numbers start at 1 each
    day in each hall; the hall row is locked while the next one is drawn."""
    appt = appointment_get(user=actor, pk=appointment_id) if appointment_id else None
    if not (is_applicant(actor) or perms.is_clerk(actor)):
        raise PermissionDenied("取号须以办事人账户或由窗口受理员办理")
    today, now = clock.today(), clock.now()
    with transaction.atomic():
        code = appt.hall.code if appt else hall_code
        hall = Hall.objects.select_for_update().filter(code=text(code, 20)).first()
        if hall is None:
            raise NotFound("未找到该政务服务大厅")
        person = None
        if appt is not None:
            appt = Appointment.objects.select_for_update().select_related("item", "person").get(pk=appt.pk)
            if appt.state != Appointment.State.BOOKED:
                raise Conflict(f"预约当前为「{appt.get_state_display()}」，不能取号")
            if appt.day != today:
                raise Conflict(f"该预约为 {appt.day}，请于当天到大厅取号")
            item, person = appt.item, appt.person
            appt.state = Appointment.State.CHECKED_IN
            appt.save(update_fields=["state"])
        else:
            item = _published_item(item_code)
            person = actor if is_applicant(actor) else None
        seq = (Ticket.objects.filter(hall=hall, day=today).aggregate(m=Max("seq"))["m"] or 0) + 1
        ticket = Ticket.objects.create(
            hall=hall,
            day=today,
            seq=seq,
            number=f"{'Y' if appt else 'A'}{seq:03d}",
            item=item,
            appointment=appt,
            person=person,
            enterprise_uscc=verified_uscc(person) if person else "",
            issued_at=now,
        )
        audit.record(
            actor=actor,
            action="ticket.take",
            obj=ticket,
            summary={"hall": hall.code, "number": ticket.number, "item": item.code},
        )
    return ticket


def _seat_for(user, ticket: Ticket) -> Window:
    window = seat_of(user)
    if window is None:
        raise Conflict("请先登录您所在的窗口")
    if window.hall_id != ticket.hall_id:
        raise Conflict(f"该号不属于{window.hall.name}")
    return window


def _call(ticket, user, payload, on):
    window = _seat_for(user, ticket)
    if not window.serves(ticket.item_id):
        raise Conflict(f"{window}为专项窗口，不受理「{ticket.item.name}」")
    ticket.window, ticket.called_at = window, clock.now()
    return {"window": window.number}


def _recall(ticket, user, payload, on):
    ticket.recalls += 1
    return {"recalls": ticket.recalls}


def _finish(ticket, user, payload, on):
    from ..selectors import case_get

    ticket.finished_at = clock.now()
    number = text(payload.get("case") or "", 20).strip()
    if number:
        ticket.case = case_get(user=user, number=number)
    return {"case": number or None}


def _cancel(ticket, user, payload, on):
    return {}


TRANSITIONS = [
    Transition("call", "叫号", (T.WAITING,), T.CALLED, ("window",), _call),
    Transition("recall", "重呼", (T.CALLED,), None, ("caller",), _recall),
    Transition("no_show", "过号", (T.CALLED,), T.NO_SHOW, ("caller",)),
    Transition("finish", "办结", (T.CALLED,), T.DONE, ("caller",), _finish),
    Transition("cancel", "取消", (T.WAITING,), T.CANCELLED, ("holder", "window")),
]


def _may(role: str, user, ticket: Ticket) -> bool:
    if role == "window":  # a clerk seated at a window of the ticket's hall
        return perms.is_clerk(user) and seat_of(user) is not None
    if role == "caller":  # the window that called it
        window = seat_of(user)
        return window is not None and window.pk == ticket.window_id
    if role == "holder":
        return ticket.person_id == user.pk
    return False


def _visible(user, ticket: Ticket) -> bool:
    return ticket_list(user=user).filter(pk=ticket.pk).exists()


def _write_event(step: Step) -> None:
    TicketEvent.objects.create(
        ticket=step.obj,
        at=clock.now(),
        actor=step.actor,
        action=step.transition.action,
        label=step.transition.label,
        from_state=step.before,
        to_state=step.obj.state,
        window=step.obj.window,
    )


TICKETS = Machine(
    name="ticket",
    model=Ticket,
    transitions=TRANSITIONS,
    role_names={
        "window": gettext_lazy("已登录窗口的受理员"),
        "caller": gettext_lazy("叫号窗口的受理员"),
        "holder": gettext_lazy("取号人"),
    },
    may=_may,
    visible=_visible,
    write_event=_write_event,
    summary=lambda t: {"number": t.number, "hall": t.hall_id},
    select_related=("item", "window", "hall"),
    revision_field="revision",
    not_found="未找到该排队号，或您无权查看",
    stale="该号已被其他窗口处理，请刷新后再操作",
    wrong_state="该号当前为「{state}」，不能「{action}」",
)


def ticket_act(*, actor, pk: int, action: str, case: str = "", revision: int | None = None) -> Ticket:
    try:
        return TICKETS.run(actor=actor, action=action, pk=pk, payload={"case": case}, revision=revision)
    except Conflict:
        if action == "call":
            taken = Ticket.objects.filter(pk=pk, state=T.CALLED).select_related("window").first()
            if taken is not None and taken.window is not None:
                raise Conflict(f"{taken.number} 号已被{taken.window}叫号，请叫下一号") from None
        raise


def ticket_call_next(*, actor, item_code: str = "") -> Ticket:
    """Call the next waiting ticket this window may serve (of one item, when named). A ticket another
    window called a moment before is passed over for the next one."""
    from ..selectors_hall import queue_for

    window = seat_of(actor)
    if window is None or not perms.is_clerk(actor):
        raise Conflict("请先登录您所在的窗口")
    queue = queue_for(window=window)
    if item_code:
        queue = queue.filter(item__code=text(item_code, 12))
    for candidate in queue[:10]:
        try:
            return TICKETS.run(actor=actor, action="call", pk=candidate.pk)
        except Conflict:
            continue
    raise Conflict("当前没有等候本窗口的号")


def ticket_rate(*, actor, pk: int, level: int, comment: str = "") -> Ticket:
    """一次一评 of a visit whose ticket is done, through the ratings service: on the window's device
    (recorded by the clerk) or by the visitor online. A visit is rated once."""
    from ..selectors_hall import ticket_get

    found = ticket_get(user=actor, pk=pk)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=found.pk)
        if ticket.state != T.DONE or ticket.window is None:
            raise Conflict("办结后方可评价本次服务")
        if ticket.rating_id:
            raise Conflict("本次服务已评价，不能重复评价")
        at_window = has_role(actor, Role.WINDOW_CLERK)
        if not at_window and ticket.person_id != actor.pk:
            raise PermissionDenied("只有办事人可以评价本次服务")
        rating = rating_submit(
            actor=actor,
            level=level,
            comment=comment,
            window=ticket.window.department.code,
            channel="window" if at_window else "online",
        )
        ticket.rating = rating
        ticket.save(update_fields=["rating"])
        audit.record(actor=actor, action="ticket.rate", obj=ticket, summary={"rating": rating.pk})
    return ticket


def slot_availability(*, hall: Hall, day: dt.date) -> list[dict]:
    """Each slot of the day with the places left; a day the hall is closed has none."""
    if not calendar.is_workday(day)[0]:
        return []
    booked = dict(
        Appointment.objects.filter(hall=hall, day=day, state=Appointment.State.BOOKED)
        .values_list("slot")
        .annotate(n=Count("id"))
        .values_list("slot", "n")
    )
    now = clock.now()
    return [
        {"slot": f"{s:%H:%M}", "free": max(0, hall.slot_capacity - booked.get(s, 0))}
        for s in slots(hall)
        if slot_start(day, s) > now
    ]
