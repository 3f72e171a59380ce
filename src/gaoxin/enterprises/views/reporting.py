"""Pages of enterprise data reporting: the report list, one report's form and workflow, and the
statisticians' views (totals, completeness, who has not reported, anomalies)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.accounts.permissions import is_enterprise_user
from gaoxin.core import clock
from gaoxin.core.amounts import WAN, chart
from gaoxin.core.errors import DomainError, NotFound

from .. import lists, permissions
from ..indicators import INDICATORS
from ..models import Report
from ..selectors import reporting as selectors
from ..services import reporting as services
from .common import not_found, period, xlsx


@login_required
def report_list_view(request):
    user = request.user
    if request.method == "POST":
        uscc = (
            user.enterprise_uscc if is_enterprise_user(user) else request.POST.get("uscc", "").strip().upper()
        )
        try:
            report = services.report_open(
                actor=user,
                uscc=uscc,
                year=int(request.POST.get("year", 0)),
                month=int(request.POST.get("month", -1)),
            )
            return redirect("enterprises:report", report_id=report.id)
        except (ValueError, DomainError) as exc:
            messages.error(request, getattr(exc, "message", "请选择报告期"))
    today = clock.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return lists.REPORTS.respond(
        request,
        "enterprises/reports.html",
        {
            "pending": selectors.pending_review(user=user)[:20],
            "default_year": last.year,
            "default_month": last.month,
            "years": range(today.year, 2015, -1),
            "months": range(1, 13),
            "on_behalf": permissions.is_statistician(user),
            "today": today,
        },
    )


def _rows(report: Report, posted: dict | None, errors: dict, anomalies: dict) -> list[dict]:
    previous, last_year, _later = services.neighbours(report)
    rows = []
    for name in report.form.fields:
        ind = INDICATORS[name]
        value = posted.get(name, "") if posted is not None else getattr(report, name)
        rows.append(
            {
                "name": name,
                "label": ind.label,
                "unit": ind.unit,
                "value": "" if value is None else value,
                "required": name in report.form.required,
                "cumulative": ind.cumulative,
                "previous": (previous or {}).get(name),
                "last_year": (last_year or {}).get(name),
                "error": errors.get(name, ""),
                "anomaly": anomalies.get(name, "") or errors.get(f"explanations.{name}", ""),
                "watch": ind.watch_change,
                "explanation": (posted or {}).get(f"explain_{name}", report.explanations.get(name, ""))
                if posted is not None
                else report.explanations.get(name, ""),
            }
        )
    return rows


@login_required
def report_view(request, report_id: int):
    user = request.user
    try:
        report = selectors.report_get(user=user, report_id=report_id)
    except NotFound as exc:
        raise not_found(exc) from exc
    posted, field_errors = None, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        values = {name: request.POST.get(name, "") for name in report.form.fields}
        explanations = {name: request.POST.get(f"explain_{name}", "") for name in report.form.fields}
        reason = request.POST.get("reason", "")
        try:
            if action == "save":
                services.report_save(
                    actor=user, report_id=report.id, values=values, explanations=explanations
                )
                messages.success(request, "已保存草稿")
            elif action == "submit":
                services.report_submit(
                    actor=user, report_id=report.id, values=values, explanations=explanations
                )
                messages.success(request, "已报送，等待统计员审核")
            elif action == "return":
                services.report_return(actor=user, report_id=report.id, reason=reason)
                messages.success(request, "已退回企业修改")
            elif action == "accept":
                services.report_accept(actor=user, report_id=report.id)
                messages.success(request, "已审核通过")
            elif action == "revise":
                services.report_revise(actor=user, report_id=report.id, reason=reason)
                messages.success(request, "已开启更正，原审核数据已留存")
            else:
                messages.error(request, "未知的操作")
            return redirect("enterprises:report", report_id=report.id)
        except DomainError as exc:
            messages.error(request, exc.message)
            field_errors = exc.fields
            if action in ("save", "submit"):
                posted = {**values, **{f"explain_{k}": v for k, v in explanations.items()}}
        report = selectors.report_get(user=user, report_id=report_id)
    errors, anomalies = services.report_checks(report)
    if posted is not None:
        errors = {}
    errors.update(field_errors)
    return render(
        request,
        "enterprises/report.html",
        {
            "r": report,
            "rows": _rows(report, posted, errors, anomalies if posted is None else {}),
            "actions": [(t.action, t.title) for t in services.REPORTS.available(user=user, obj=report)],
            "editable": report.state in services.EDITABLE
            and permissions.can_report_for(user, report.enterprise.uscc),
            "events": services.REPORTS.titled(report.events.select_related("actor")),
            "revisions": report.revisions.all(),
            "reason_error": field_errors.get("reason", ""),
        },
    )


def _statistics_allowed(request):
    if not permissions.can_view_statistics(request.user):
        raise not_found(NotFound("未找到该页面"))


@login_required
def statistics_view(request):
    _statistics_allowed(request)
    year, month = period(request)
    by = request.GET.get("by", "industry")
    data = selectors.totals(user=request.user, year=year, month=month, by=by)
    if request.GET.get("export") == "xlsx":
        headers = [
            data["label"],
            _("报表数"),
            _("应报企业"),
            _("报送率%"),
            _("营业收入累计（万元）"),
            _("同比%（可比口径）"),
            _("同比可比企业"),
            _("本月营业收入（万元）"),
            _("本月可计算企业"),
            _("环比%（可比口径）"),
            _("工业总产值累计（万元）"),
            _("同比%"),
            _("利润总额累计（万元）"),
            _("应交税金累计（万元）"),
            _("研发经费累计（万元）"),
            _("从业人员"),
        ]
        rows = (
            [
                r["name"],
                r["reports"],
                r["expected"],
                r["rate"],
                WAN.of(r["revenue"]),
                r["growth"]["revenue"],
                r["comparable"],
                WAN.of(r["month"].get("revenue")),
                r["month_reports"],
                r["month_growth"].get("revenue"),
                WAN.of(r["output_value"]),
                r["growth"]["output_value"],
                WAN.of(r["profit"]),
                WAN.of(r["tax"]),
                WAN.of(r["rd_expense"]),
                r["employees"],
            ]
            for r in data["rows"]
        )
        return xlsx(f"totals-{year}-{month:02d}-{by}", _("汇总"), headers, rows)
    return render(
        request,
        "enterprises/statistics.html",
        {
            "year": year,
            "month": month,
            "by": by,
            "data": data,
            "charts": _charts(data, selectors.zone_months(user=request.user, year=year, month=month)),
            "completeness": selectors.completeness(user=request.user, year=year, month=month),
            "latest": selectors.latest_received_period(user=request.user)
            if not data["zone"]["reports"]
            else None,
            "years": range(clock.today().year, 2015, -1),
            "months": range(1, 13),
            "dims": [("industry", _("按产业")), ("park", _("按园区")), ("size", _("按规模"))],
        },
    )


def _charts(data: dict, months: list[dict]) -> dict:
    return {
        "group": chart(
            categories=[r["name"] for r in data["rows"]],
            series=[(_("营业收入累计"), [r["revenue"] for r in data["rows"]])],
            horizontal=True,
        ),
        "month": chart(
            categories=[m["period"] for m in months],
            series=[
                (_("营业收入"), [m["revenue"] for m in months]),
                (_("工业总产值"), [m["output_value"] for m in months]),
            ],
            kind="line",
        ),
    }


@login_required
def not_reported_view(request):
    _statistics_allowed(request)
    year, month = period(request)
    rows = selectors.not_reported(user=request.user, year=year, month=month)
    if request.GET.get("export") == "xlsx":
        headers = ["统一社会信用代码", "企业名称", "园区", "联络专员", "状态", "逾期"]
        return xlsx(
            f"not-reported-{year}-{month:02d}",
            "未报送",
            headers,
            (
                [
                    r["enterprise"].uscc,
                    r["enterprise"].name,
                    str(r["enterprise"].park or ""),
                    str(r["enterprise"].officer or ""),
                    r["state"],
                    "是" if r["overdue"] else "",
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "enterprises/not_reported.html",
        {
            "year": year,
            "month": month,
            "rows": rows,
            "years": range(clock.today().year, 2015, -1),
            "months": range(1, 13),
        },
    )


@login_required
def anomalies_view(request):
    _statistics_allowed(request)
    year, month = period(request)
    rows = selectors.anomalies(user=request.user, year=year, month=month)
    return render(
        request,
        "enterprises/anomalies.html",
        {
            "year": year,
            "month": month,
            "rows": rows,
            "labels": {k: i.label for k, i in INDICATORS.items()},
            "years": range(clock.today().year, 2015, -1),
            "months": range(1, 13),
        },
    )
