"""Pages of the service hall: the applicant's appointments and tickets, the clerk's window (叫号), the
hall screen (large type, polling a small JSON answer) and the waiting-time statistics."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import is_applicant
from gaoxin.core import clock
from gaoxin.core.errors import DomainError, NotFound

from . import forms, selectors
from . import permissions as perms
from . import selectors_hall as sel
from .models import Rating
from .services import hall as svc
from .services.common import scrub, text
from .services.hall import TICKETS

BY_CHOICES = (("day", "按日"), ("window", "按窗口"), ("item", "按事项"))


def _date(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return default


def _hall_or_404(code: str):
    try:
        return sel.hall_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def hall_view(request, *, error: DomainError | None = None, status: int = 200):
    """The applicant books a slot and takes a number; the clerk sits at a window and calls."""
    user = request.user
    halls = list(sel.hall_list())
    hall = next((h for h in halls if h.code == request.GET.get("hall")), halls[0] if halls else None)
    today = clock.today()
    day = _date(request.GET.get("day"), today)
    context = {
        "halls": halls,
        "hall": hall,
        "error": error,
        "day": day,
        "today": today,
        "levels": Rating.Level.choices,
        "figures": perms.reads_hall_figures(user),
        "manages": perms.manages_halls(user),
        "clerk": perms.is_clerk(user),
    }
    if hall is not None:
        context["windows"] = sel.window_list(hall=hall)
        context["slots"] = svc.slot_availability(hall=hall, day=day)
    if is_applicant(user):
        context["applicant"] = True
        context["items"] = selectors.item_list()[:300]
        context["appointments"] = sel.appointment_list(user=user).filter(day__gte=today)[:20]
        context["tickets"] = sel.ticket_list(user=user, day=today)
    if perms.is_clerk(user):
        seat = sel.seat_of(user)
        context["seat"] = seat
        if seat is not None:
            context["queue"] = sel.queue_for(window=seat)[:20]
            current = sel.ticket_list(user=user, day=today).filter(window=seat, state="called").first()
            if current is not None:
                current.actions = TICKETS.available(user=user, obj=current)
            context["current"] = current
            context["done"] = sel.ticket_list(user=user, day=today).filter(
                window=seat, state="done", rating__isnull=True
            )[:10]
    return render(request, "govservices/hall/hall.html", context, status=status)


def _done(request, message: str, hall_code: str = ""):
    messages.success(request, message)
    url = redirect("govservices:hall").url
    return redirect(f"{url}?hall={hall_code}" if hall_code else url)


@login_required
@require_POST
def hall_post_view(request, action: str):
    """One endpoint per form of the hall page: seat, book, cancel, take, call_next, rate."""
    p, user = request.POST, request.user
    hall_code = text(p.get("hall", ""), 20)
    try:
        if action == "seat":
            svc.window_sit(actor=user, hall_code=hall_code, number=text(p.get("window", ""), 10))
            return _done(request, "已登录窗口", hall_code)
        if action == "leave":
            svc.window_leave(actor=user)
            return _done(request, "已退出窗口", hall_code)
        if action == "book":
            appt = svc.appointment_book(
                actor=user,
                hall_code=hall_code,
                item_code=text(p.get("item", ""), 12),
                day=_date(p.get("day"), dt.date.min),
                slot=text(p.get("slot", ""), 5),
            )
            return _done(request, f"已预约 {appt.day} {appt.slot:%H:%M}", hall_code)
        if action == "cancel":
            svc.appointment_cancel(actor=user, pk=int(p.get("appointment", "0") or 0))
            return _done(request, "预约已取消", hall_code)
        if action == "take":
            appt = p.get("appointment", "")
            t = svc.ticket_take(
                actor=user,
                hall_code=hall_code,
                item_code=text(p.get("item", ""), 12),
                appointment_id=int(appt) if appt.isdigit() else None,
            )
            return _done(request, f"取号成功：{t.number}，请留意叫号屏", t.hall.code)
        if action == "call_next":
            t = svc.ticket_call_next(actor=user)
            return _done(request, f"正在叫号：{t.number}", t.hall.code)
        if action == "rate":
            svc.ticket_rate(
                actor=user,
                pk=int(p.get("ticket", "0") or 0),
                level=int(p.get("level", "0") or 0),
                comment=scrub(p.get("comment", "")),
            )
            return _done(request, "感谢评价", hall_code)
    except ValueError:
        return hall_view(request, error=DomainError("请求格式不正确"), status=400)
    except DomainError as exc:
        return hall_view(request, error=exc, status=exc.status)
    raise Http404("未找到该页面")


@login_required
@require_POST
def ticket_act_view(request, ticket_id: int, action: str):
    revision = request.POST.get("revision", "")
    try:
        t = svc.ticket_act(
            actor=request.user,
            pk=ticket_id,
            action=text(action, 20),
            case=text(request.POST.get("case", ""), 20),
            revision=int(revision) if revision.isdigit() else None,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return hall_view(request, error=exc, status=exc.status)
    return _done(request, f"{t.number}：{t.get_state_display()}", t.hall.code)


def screen_view(request, hall_code: str):
    """The hall's calling screen: public, numbers and windows only; refreshed by hall-screen.js."""
    hall = _hall_or_404(hall_code)
    return render(
        request, "govservices/hall/screen.html", {"hall": hall, "screen": sel.hall_screen(hall=hall)}
    )


def screen_json(request, hall_code: str):
    return JsonResponse(sel.hall_screen(hall=_hall_or_404(hall_code)))


@login_required
def wait_stats_view(request, hall_code: str):
    if not perms.reads_hall_figures(request.user):
        raise Http404("未找到该页面")
    hall = _hall_or_404(hall_code)
    end = _date(request.GET.get("end"), clock.today())
    start = _date(request.GET.get("start"), end - dt.timedelta(days=30))
    by = request.GET.get("by", "day")
    by = by if by in dict(BY_CHOICES) else "day"
    if start > end or (end - start).days > 366:
        start = end - dt.timedelta(days=30)
    rows = sel.wait_stats(user=request.user, hall=hall, start=start, end=end, by=by)
    return render(
        request,
        "govservices/hall/stats.html",
        {"hall": hall, "rows": rows, "start": start, "end": end, "by": by, "by_choices": BY_CHOICES},
    )


def _hall_initial(hall) -> dict:
    fields = ("name", "district", "in_zone", "slot_minutes", "slot_capacity", "order", "revision")
    return {f: getattr(hall, f) for f in fields}


def _window_initial(window) -> dict:
    return {
        "kind": window.kind,
        "department": window.department.code,
        "items": "\n".join(sorted(i.code for i in window.items.all())),
        "active": window.active,
        "revision": window.revision,
    }


@login_required
def hall_manage_view(request):
    """The halls and their windows, each with its form: a new hall, a hall's settings, a new window,
    a window's kind, department, items and open or closed. One form is posted at a time (its prefix
    names it); a refusal shows on that form, opened, with the page's other forms as they were."""
    user = request.user
    if not perms.manages_halls(user):
        raise Http404("未找到该页面")
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    data = request.POST if posted else None

    def bound(prefix: str):
        return data if posted == prefix else None

    halls = list(sel.hall_list())
    new_hall = forms.HallForm(bound("new"), prefix="new")
    for h in halls:
        h.form = forms.HallForm(bound(f"h{h.pk}"), prefix=f"h{h.pk}", edit=True, initial=_hall_initial(h))
        h.new_window = forms.WindowForm(bound(f"n{h.pk}"), prefix=f"n{h.pk}")
        h.all_windows = list(sel.window_list(hall=h, closed=True))
        for w in h.all_windows:
            w.form = forms.WindowForm(
                bound(f"w{w.pk}"), prefix=f"w{w.pk}", edit=True, initial=_window_initial(w)
            )
    status = 200
    if posted:
        target = _posted_form(user, posted, new_hall, halls)
        if target is None:
            return HttpResponseBadRequest("请求格式不正确")
        form, save, hall = target
        if form.is_valid():
            try:
                message = save(form.cleaned_data)
                messages.success(request, message)
                url = redirect("govservices:hall_manage").url
                return redirect(f"{url}#hall-{hall.code}" if hall else url)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
        else:
            status = 422
        form.opened = True
    return render(
        request,
        "govservices/hall/manage.html",
        {"halls": halls, "new_hall": new_hall, "posted": posted},
        status=status,
    )


def _posted_form(user, posted: str, new_hall, halls):
    """The form a POST names, with what saving it does; None when it names none."""

    def save_hall(hall=None):
        def save(d):
            h = svc.hall_save(
                actor=user,
                code=hall.code if hall else d["code"],
                name=d["name"],
                district=d["district"],
                in_zone=d["in_zone"],
                slot_minutes=d["slot_minutes"],
                slot_capacity=d["slot_capacity"],
                order=d["order"],
                revision=d["revision"] if hall else None,
                new=hall is None,
            )
            return f"已保存大厅：{h.name}"

        return save

    def save_window(hall, window=None):
        def save(d):
            w = svc.window_save(
                actor=user,
                hall=hall,
                number=window.number if window else d["number"],
                department=d["department"],
                kind=d["kind"],
                items=d["items"],
                active=d["active"],
                revision=d["revision"] if window else None,
                new=window is None,
            )
            return f"已保存{hall.name}{w}"

        return save

    if posted == "new":
        return new_hall, save_hall(), None
    for h in halls:
        if posted == f"h{h.pk}":
            return h.form, save_hall(h), h
        if posted == f"n{h.pk}":
            return h.new_window, save_window(h), h
        for w in h.all_windows:
            if posted == f"w{w.pk}":
                return w.form, save_window(h, w), h
    return None
