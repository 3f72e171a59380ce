"""Pages of the registry: search and export, the enterprise profile (一企一档), imports, expiries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from gaoxin.core import officefiles
from gaoxin.core.errors import DomainError, NotFound

from .. import excel, gbt, lists, permissions, selectors
from ..selectors import reporting as report_selectors
from .common import not_found, xlsx_file


@login_required
def enterprise_list_view(request):
    template = "enterprises/_rows.html" if request.htmx else "enterprises/list.html"
    context = {"can_import": permissions.can_edit_registry(request.user), "hx_rows": True}
    return lists.ENTERPRISES.respond(request, template, context)


@login_required
def enterprise_detail_view(request, uscc: str):
    try:
        enterprise = selectors.enterprise_get(user=request.user, uscc=uscc)
        trend = report_selectors.enterprise_trend(user=request.user, uscc=uscc)
    except NotFound as exc:
        raise not_found(exc) from exc
    reports = report_selectors.report_list(user=request.user, uscc=uscc).order_by("-year", "-month")[:13]
    return render(
        request,
        "enterprises/detail.html",
        {
            "e": enterprise,
            "gbt": gbt.describe(enterprise.gbt_code),
            "qualifications": enterprise.qualifications.all(),
            "expiring": set(
                selectors.expiring_qualifications(user=request.user)
                .filter(enterprise=enterprise)
                .values_list("id", flat=True)
            ),
            "ip_years": enterprise.ip_years.all()[:10],
            "events": enterprise.class_events.all()[:20],
            "reports": reports,
            "trend": trend,
            "can_report": permissions.can_report_for(request.user, enterprise.uscc),
        },
    )


@login_required
def import_view(request):
    if not permissions.can_edit_registry(request.user) and not request.user.enterprise_uscc:
        raise DjangoPermissionDenied("您无权导入")
    errors = {}
    error_token = ""
    if request.GET.get("errors"):
        content = officefiles.error_sheet(request.user, request.GET["errors"])
        if content is None:
            raise Http404("错误说明表已过期，请重新上传")
        return xlsx_file("import-errors", content)
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind")
        if upload is None:
            messages.error(request, "请选择要上传的 Excel 文件")
        elif upload.size > 10 * 1024 * 1024:
            messages.error(request, "文件不能超过 10MB")
        else:
            try:
                if kind == "enterprises":
                    n = excel.enterprises_import(actor=request.user, content=upload.read())
                else:
                    n = excel.reports_import(actor=request.user, content=upload.read())
                messages.success(request, f"已导入 {n} 行")
                return redirect(request.path)
            except DomainError as exc:
                if set(exc.fields) == {"file"}:  # the file itself is refused: its reason in full
                    messages.error(request, exc.fields["file"])
                else:
                    messages.error(request, exc.message.split("：")[0])
                    errors = exc.fields
                if getattr(exc, "error_sheet", None):
                    error_token = officefiles.keep_error_sheet(request.user, exc.error_sheet)
    if request.GET.get("template") == "reports":
        return xlsx_file("report-template", excel.report_template())
    if request.GET.get("template") == "enterprises":
        return xlsx_file("enterprise-template", excel.enterprise_template())
    return render(
        request,
        "enterprises/import.html",
        {
            "errors": errors,
            "error_token": error_token,
            "can_import_enterprises": permissions.can_edit_registry(request.user),
            "instructions": [("企业报表", excel.report_columns())]
            + (
                [("企业名录", excel.enterprise_columns())]
                if permissions.can_edit_registry(request.user)
                else []
            ),
        },
    )


@login_required
def expiring_view(request):
    rows = selectors.expiring_qualifications(user=request.user)
    return render(request, "enterprises/expiring.html", {"rows": rows})
