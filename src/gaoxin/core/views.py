"""Pages of the core: health, the working-day calendar, task progress, the audit log."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import audit, auditlist, calendar, clock, selectors, services, workflow
from .errors import DomainError
from .forms import CalendarDayForm, CalendarLoadForm, CalendarYearQuery
from .models import CalendarDay


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the health check reports the failure instead of raising it
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": exc.__class__.__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": connection.vendor})


def run_service(request, form, call, success: str) -> bool:
    """Run a service for a valid form; put a DomainError's message on the form. True on success."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        for name, msg in exc.fields.items():
            if name in form.fields:
                form.add_error(name, msg)
        return False
    messages.success(request, success)
    return True


def _calendar_url(year: int, day: dt.date | None = None) -> str:
    url = f"{reverse('calendar')}?year={year}"
    return f"{url}#d-{day.isoformat()}" if day else url


@login_required
def calendar_admin(request):
    """The working-day calendar as a year of month grids; ?day= opens one day's override form."""
    if not request.user.has_perm("core.manage_calendar"):
        raise DjangoPermissionDenied("只有系统管理员可以维护工作日历")
    today = clock.today()
    query = CalendarYearQuery(request.GET)
    query.is_valid()
    day = query.cleaned_data.get("day")
    year = day.year if day else (query.cleaned_data.get("year") or today.year)
    day_form = load_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "set":
            day_form = CalendarDayForm(request.POST, prefix="day")
            if run_service(
                request,
                day_form,
                lambda d: services.calendar_day_set(
                    actor=request.user, date=d["date"], kind=d["kind"], note=d["note"]
                ),
                _("已保存工作日调整"),
            ):
                return redirect(
                    _calendar_url(day_form.cleaned_data["date"].year, day_form.cleaned_data["date"])
                )
            posted = day_form.cleaned_data.get("date")
            if posted and calendar.FIRST_YEAR <= posted.year <= calendar.LAST_YEAR:
                day, year = posted, posted.year
        elif action == "load":
            load_form = CalendarLoadForm(request.POST, request.FILES, prefix="load")
            if run_service(
                request,
                load_form,
                lambda d: services.calendar_year_load(
                    actor=request.user, text=d["file"].read().decode("utf-8", "replace")
                ),
                _("已载入年度节假日安排"),
            ):
                return redirect(_calendar_url(year))
        elif action == "delete":
            target = CalendarYearQuery({"day": request.POST.get("date", "")})
            if target.is_valid() and target.cleaned_data["day"]:
                date = target.cleaned_data["day"]
                services.calendar_day_delete(actor=request.user, date=date)
                messages.success(request, _("已撤销该日的人工调整"))
                return redirect(_calendar_url(date.year, date))
            query.add_error("day", target.errors.get("day", [_("日期应为 YYYY-MM-DD 格式的有效日期")])[0])
        else:
            query.add_error(None, _("未知的操作"))
    overview = calendar.year_overview(year)
    selected = overview.by_date.get(day) if day else None
    if selected and day_form is None:
        other = CalendarDay.Kind.HOLIDAY if selected.working else CalendarDay.Kind.WORKDAY
        initial = {"date": day, "kind": other, "note": selected.note if selected.by_staff else ""}
        day_form = CalendarDayForm(prefix="day", initial=initial)
    context = {
        "today": today,
        "overview": overview,
        "selected": selected,
        "query_errors": [e for errors in query.errors.values() for e in errors],
        "years": sorted({*range(today.year - 3, today.year + 2), year}),
        "missing": calendar.missing_years(today),
        "day_form": day_form,
        "load_form": load_form or CalendarLoadForm(prefix="load"),
    }
    failed = bool(context["query_errors"]) or any(f is not None and f.errors for f in (day_form, load_form))
    return render(request, "core/calendar.html", context, status=400 if failed else 200)


@login_required
def task_run_page(request, run_id: int):
    try:
        run = selectors.task_run_get(user=request.user, run_id=run_id)
    except DomainError as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    template = "core/_task_progress.html" if request.htmx else "core/task_run.html"
    return render(request, template, {"run": run})


@login_required
def audit_log(request):
    if not request.user.has_perm("core.view_audit"):
        raise DjangoPermissionDenied("无权查看审计日志")
    if request.method == "POST":
        run = audit.verify_chain.start(user=request.user)
        return redirect("task_run", run_id=run.pk)
    qs = selectors.audit_event_list(user=request.user)
    spec = auditlist.listing(qs)
    if request.GET.get("export") == "xlsx":
        response = spec.export(request.GET, qs, "审计日志")
        if response is not None:
            return response
    page = spec.apply(request, qs)
    sentences = [auditlist.sentence(e, request.user) for e in page.rows]
    context = {"page": page, "sentences": sentences, "spec": spec}
    return render(request, "core/audit.html", context, status=400 if page.errors else 200)


@login_required
def workflow_diagrams(request):
    """Every state machine of the platform, drawn from its own transition table."""
    if not request.user.has_perm("core.view_workflows"):
        raise DjangoPermissionDenied("只有工作人员可以查看业务流程")
    diagrams = [m.diagram() for m in workflow.machines()]
    return render(request, "core/workflows.html", {"diagrams": diagrams})
