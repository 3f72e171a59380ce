"""API of the service hall: halls and windows, slots and appointments, queue tickets and calling,
the hall screen and the waiting-time statistics."""

import datetime as dt
from typing import Literal

from ninja import Query, Router, Status
from ninja.pagination import paginate

from gaoxin.core import clock
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import Date, QuerySchema, Schema

from . import permissions as perms
from . import selectors_hall as sel
from .models import Window
from .schemas import (
    AppointmentIn,
    CallNextIn,
    HallCancelIn,
    HallEditIn,
    HallIn,
    SeatIn,
    TicketActionIn,
    TicketIn,
    VisitRatingIn,
    WindowEditIn,
    WindowIn,
)
from .services import hall as svc
from .services.common import text

router = Router(tags=["政务服务"])


class WindowOut(Schema):
    number: str
    kind: str
    kind_name: str
    department: str
    department_name: str
    any_item: bool
    items: list[str]
    active: bool
    seated: bool
    revision: int

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_department_name(obj):
        return str(obj.department)

    @staticmethod
    def resolve_any_item(obj):
        return obj.kind == Window.Kind.GENERAL

    @staticmethod
    def resolve_items(obj):
        return sorted(i.code for i in obj.items.all())

    @staticmethod
    def resolve_department(obj):
        return obj.department.code

    @staticmethod
    def resolve_seated(obj):
        return obj.clerk_id is not None


class HallOut(Schema):
    code: str
    name: str
    district: str
    in_zone: bool
    slot_minutes: int
    slot_capacity: int
    order: int
    revision: int
    windows: list[WindowOut]

    @staticmethod
    def resolve_windows(obj):
        return list(sel.window_list(hall=obj))


class SlotOut(Schema):
    slot: str
    free: int


class AppointmentOut(Schema):
    id: int
    hall: str
    item: str
    item_name: str
    day: dt.date
    slot: str
    state: str

    @staticmethod
    def resolve_hall(obj):
        return obj.hall.code

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_slot(obj):
        return f"{obj.slot:%H:%M}"


class TicketOut(Schema):
    id: int
    hall: str
    day: dt.date
    number: str
    item: str
    item_name: str
    state: str
    window: str | None
    issued_at: dt.datetime
    called_at: dt.datetime | None
    finished_at: dt.datetime | None
    recalls: int
    case: str | None
    rated: bool
    revision: int

    @staticmethod
    def resolve_hall(obj):
        return obj.hall.code

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_window(obj):
        return obj.window.number if obj.window_id else None

    @staticmethod
    def resolve_case(obj):
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_rated(obj):
        return obj.rating_id is not None


class CallingOut(Schema):
    number: str
    window: str


class ScreenOut(Schema):
    hall: str
    day: str
    at: str
    calling: list[CallingOut]
    waiting: int


class Figures(Schema):
    count: int
    average: float | None
    p90: float | None


class WaitRowOut(Schema):
    key: str
    label: str
    wait: Figures
    service: Figures


class WaitQuery(QuerySchema):
    start: Date | None = None
    end: Date | None = None
    by: Literal["day", "window", "item"] = "day"


@router.get("/halls", response=list[HallOut], summary="政务服务大厅及其窗口（全城通办：市内各大厅）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000, count=False)
def hall_list(request):
    return sel.hall_list()


def _managed_hall(user, hall_code: str):
    if not perms.manages_halls(user):
        raise PermissionDenied("大厅与窗口由系统管理员维护")
    return sel.hall_get(code=hall_code)


@router.post("/halls", response={201: HallOut}, summary="新建政务服务大厅（系统管理员）")
def hall_create(request, payload: HallIn):
    hall = svc.hall_save(actor=request.user, new=True, **payload.dict())
    return Status(201, sel.hall_get(code=hall.code))


@router.put(
    "/halls/{hall_code}",
    response=HallOut,
    summary="修改政务服务大厅（系统管理员；修订号不符时 409）",
)
def hall_update(request, hall_code: str, payload: HallEditIn):
    hall = _managed_hall(request.user, hall_code)
    svc.hall_save(actor=request.user, code=hall.code, **payload.dict())
    return sel.hall_get(code=hall.code)


@router.get(
    "/halls/{hall_code}/windows",
    response=list[WindowOut],
    summary="大厅的全部窗口，含已关闭的（系统管理员）",
)
@paginate(Page, limit=50, max_limit=200, max_offset=100_000, count=False)
def window_list(request, hall_code: str):
    return sel.window_list(hall=_managed_hall(request.user, hall_code), closed=True)


@router.post("/halls/{hall_code}/windows", response={201: WindowOut}, summary="新设窗口（系统管理员）")
def window_create(request, hall_code: str, payload: WindowIn):
    hall = _managed_hall(request.user, hall_code)
    window = svc.window_save(actor=request.user, hall=hall, new=True, **payload.dict())
    return Status(201, sel.window_get(hall=hall, number=window.number))


@router.put(
    "/halls/{hall_code}/windows/{number}",
    response=WindowOut,
    summary="修改窗口：类型、部门、可受理事项、启用或关闭（系统管理员；修订号不符时 409）",
)
def window_update(request, hall_code: str, number: str, payload: WindowEditIn):
    hall = _managed_hall(request.user, hall_code)
    window = sel.window_get(hall=hall, number=number)
    svc.window_save(actor=request.user, hall=hall, number=window.number, **payload.dict())
    return sel.window_get(hall=hall, number=window.number)


@router.get(
    "/halls/{hall_code}/screen",
    response=ScreenOut,
    auth=None,
    summary="大厅叫号屏（号码与窗口，不含个人信息）",
)
def hall_screen(request, hall_code: str):
    return sel.hall_screen(hall=sel.hall_get(code=hall_code))


@router.get("/halls/{hall_code}/slots", response=list[SlotOut], summary="某日各预约时段的余量")
def hall_slots(request, hall_code: str, day: Date):
    return svc.slot_availability(hall=sel.hall_get(code=hall_code), day=day)


@router.post("/halls/{hall_code}/seat", response=WindowOut, summary="受理员登录窗口")
def hall_seat(request, hall_code: str, payload: SeatIn):
    return svc.window_sit(actor=request.user, hall_code=text(hall_code, 20), number=payload.window)


@router.get(
    "/halls/{hall_code}/wait-statistics",
    response=list[WaitRowOut],
    summary="等候与办理用时（平均、90 分位，分钟）",
)
def hall_wait_statistics(request, hall_code: str, q: Query[WaitQuery]):
    if not perms.reads_hall_figures(request.user):
        raise PermissionDenied("等候时间统计供窗口受理员、领导和系统管理员查看")
    end = q.end or clock.today()
    start = q.start or end - dt.timedelta(days=30)
    if start > end or (end - start).days > 366:
        raise ValidationFailed("统计区间应在一年以内，且开始不晚于结束", fields={"start": "区间不正确"})
    return sel.wait_stats(user=request.user, hall=sel.hall_get(code=hall_code), start=start, end=end, by=q.by)


@router.get("/appointments", response=list[AppointmentOut], summary="预约（按用户权限范围）")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000, count=False)
def appointment_list(request):
    return sel.appointment_list(user=request.user).order_by("-day", "-slot", "-id")


@router.post("/appointments", response={201: AppointmentOut}, summary="预约大厅办事时段")
def appointment_book(request, payload: AppointmentIn):
    appt = svc.appointment_book(
        actor=request.user, hall_code=payload.hall, item_code=payload.item, day=payload.day, slot=payload.slot
    )
    return Status(201, sel.appointment_get(user=request.user, pk=appt.pk))


@router.get("/appointments/{appointment_id}", response=AppointmentOut, summary="一个预约")
def appointment_get(request, appointment_id: int):
    return sel.appointment_get(user=request.user, pk=appointment_id)


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut, summary="取消预约")
def appointment_cancel(request, appointment_id: int, payload: HallCancelIn):
    svc.appointment_cancel(actor=request.user, pk=appointment_id, reason=payload.reason)
    return sel.appointment_get(user=request.user, pk=appointment_id)


@router.get("/tickets", response=list[TicketOut], summary="今日排队号（按用户权限范围）")
@paginate(Page, limit=50, max_limit=200, max_offset=100_000, count=False)
def ticket_list(request, day: Date | None = None):
    return sel.ticket_list(user=request.user, day=day or clock.today()).order_by("seq")


@router.post("/tickets", response={201: TicketOut}, summary="取号（现场或按预约）")
def ticket_take(request, payload: TicketIn):
    if not payload.appointment and not (payload.hall and payload.item):
        raise ValidationFailed("请指明预约，或大厅和事项", fields={"item": "必填"})
    ticket = svc.ticket_take(
        actor=request.user,
        hall_code=payload.hall or "",
        item_code=payload.item or "",
        appointment_id=payload.appointment,
    )
    return Status(201, sel.ticket_get(user=request.user, pk=ticket.pk))


@router.post("/tickets/call-next", response=TicketOut, summary="叫下一号（本窗口可受理的最早一号，预约优先）")
def ticket_call_next(request, payload: CallNextIn):
    ticket = svc.ticket_call_next(actor=request.user, item_code=payload.item or "")
    return sel.ticket_get(user=request.user, pk=ticket.pk)


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="一个排队号")
def ticket_get(request, ticket_id: int):
    return sel.ticket_get(user=request.user, pk=ticket_id)


@router.post(
    "/tickets/{ticket_id}/actions/{action}",
    response=TicketOut,
    summary="叫号操作（call 叫号、recall 重呼、no_show 过号、finish 办结、cancel 取消）",
)
def ticket_act(request, ticket_id: int, action: str, payload: TicketActionIn):
    svc.ticket_act(
        actor=request.user,
        pk=ticket_id,
        action=text(action, 20),
        case=payload.case or "",
        revision=payload.revision,
    )
    return sel.ticket_get(user=request.user, pk=ticket_id)


@router.post("/tickets/{ticket_id}/rating", response=TicketOut, summary="一次一评：评价本次窗口服务")
def ticket_rate(request, ticket_id: int, payload: VisitRatingIn):
    svc.ticket_rate(actor=request.user, pk=ticket_id, level=payload.level, comment=payload.comment)
    return sel.ticket_get(user=request.user, pk=ticket_id)
