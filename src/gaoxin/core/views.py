"""Pages of the core: health, the working-day calendar, task progress, the audit log."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import audit, auditlist, calendar, clock, selectors, services, workflow
from .errors import DomainError
from .forms import CalendarDayForm, CalendarLoadForm
from .models import CalendarDay, CalendarYear


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


@login_required
def calendar_admin(request):
    if not request.user.has_perm("core.manage_calendar"):
        raise DjangoPermissionDenied("只有系统管理员可以维护工作日历")
    today = clock.today()
    day_form = CalendarDayForm(prefix="day")
    load_form = CalendarLoadForm(prefix="load")
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
                "已保存工作日调整",
            ):
                return redirect("calendar")
        elif action == "load":
            load_form = CalendarLoadForm(request.POST, request.FILES, prefix="load")
            if run_service(
                request,
                load_form,
                lambda d: services.calendar_year_load(
                    actor=request.user, text=d["file"].read().decode("utf-8", "replace")
                ),
                "已载入年度节假日安排",
            ):
                return redirect("calendar")
        elif action == "delete":
            try:
                services.calendar_day_delete(
                    actor=request.user, date=dt.date.fromisoformat(request.POST.get("date", ""))
                )
                messages.success(request, "已删除该调整")
            except ValueError:
                messages.error(request, "日期格式不正确")
            return redirect("calendar")
    years = []
    for year in range(today.year - 1, today.year + 2):
        yd = calendar.year_days(year)
        years.append({"year": year, "certain": yd.certain, "workdays": len(yd.workdays)})
    context = {
        "missing": calendar.missing_years(today),
        "years": years,
        "overrides": CalendarDay.objects.filter(date__year__gte=today.year - 1),
        "loaded": CalendarYear.objects.all(),
        "day_form": day_form,
        "load_form": load_form,
    }
    return render(request, "core/calendar.html", context)


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
