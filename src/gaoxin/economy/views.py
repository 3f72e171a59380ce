"""Pages of the economy pillar: the leaders' cockpit, the catalogue, the reviews, the national
evaluation and 营商环境. Thin: parse, call, render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core import clock, officefiles
from gaoxin.core.errors import DomainError, NotFound, ValidationFailed
from gaoxin.core.spreadsheets import xlsx_response

from . import selectors
from .forms import NarrativeForm
from .services import catalogue, review
from .services.catalogue import can_edit_catalogue


@login_required
def cockpit_view(request):
    if not selectors.can_view_economy(request.user):
        raise Http404("未找到该页面")
    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = year if 2000 <= year <= 2100 else today.year
    data = selectors.cockpit(user=request.user, year=year)
    chart = {
        "years": data["years"],
        "series": [{"name": f"{r['name']}（{r['unit']}）", "values": r["trend"]} for r in data["rows"]],
    }
    return render(request, "economy/cockpit.html", {"d": data, "year": year, "chart": chart})


@login_required
def catalogue_view(request):
    if not selectors.can_view_economy(request.user):
        raise Http404("未找到该页面")
    code = request.GET.get("code", "")[:30]
    return render(
        request,
        "economy/catalogue.html",
        {
            "indicators": selectors.indicator_list(user=request.user),
            "snapshots": selectors.snapshot_list(user=request.user, code=code)[:500],
            "code": code,
            "can_edit": catalogue.can_edit_catalogue(request.user),
        },
    )


@login_required
def catalogue_excel_view(request):
    """The catalogue as a file: template with 填表说明, the current catalogue in that layout, the
    import (all rows or none) and the error sheet of a refused file."""
    if not catalogue.can_edit_catalogue(request.user):
        raise Http404("未找到该页面")
    if request.GET.get("errors"):
        content = officefiles.error_sheet(request.user, request.GET["errors"])
        if content is None:
            raise Http404("错误说明表已过期，请重新上传")
        return xlsx_response(content, "indicators-errors.xlsx")
    if request.GET.get("template"):
        return xlsx_response(catalogue.indicators_template(), "indicators-template.xlsx")
    if request.GET.get("download"):
        return xlsx_response(catalogue.indicators_layout(user=request.user), "indicators.xlsx")
    context: dict = {"instructions": [("指标目录", catalogue.indicator_columns())]}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("请选择要上传的 Excel 文件")
        elif upload.size > 10 * 1024 * 1024:
            context["error"] = _("文件不能超过 10MB")
        else:
            try:
                done = catalogue.indicators_import(actor=request.user, content=upload.read())
            except DomainError as exc:
                context |= {"error": exc.message, "rows": exc.fields}
                if getattr(exc, "error_sheet", None):
                    context["error_token"] = officefiles.keep_error_sheet(request.user, exc.error_sheet)
            else:
                messages.success(
                    request,
                    _("已导入 %(rows)s 行，新增 %(new)s 个指标版本")
                    % {"rows": done["rows"], "new": done["new_versions"]},
                )
                return redirect("economy:catalogue")
    return render(request, "economy/catalogue_excel.html", context, status=400 if "error" in context else 200)


def _viewer(request) -> None:
    if not selectors.can_view_economy(request.user):
        raise Http404("未找到该页面")


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("年度须在 2000 至 2100 之间")
    return year


def _review_page(request, year: int, *, bound: NarrativeForm | None = None, status: int = 200):
    run = None
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        run = selectors.review_run(user=request.user, year=year, run_id=int(run_id))
        if request.htmx:  # the generation's progress, polled while it runs
            context = {"run": run, "year": year, "run_kind": run.subject.split(":")[1]}
            return render(request, "economy/_review_run.html", context)
    paragraphs = selectors.narrative_list(user=request.user, year=year)
    forms = []
    for n in paragraphs:
        if bound is not None and bound.prefix == n["section"]:
            forms.append((n, bound))
        else:
            initial = {"section": n["section"], "revision": n["revision"], "text": n["text"]}
            forms.append((n, NarrativeForm(initial=initial, prefix=n["section"])))
    content = review.yearly_review(user=request.user, year=year)
    editions = list(selectors.edition_list(user=request.user, year=year)[:10])
    latest = {}
    for e in reversed(editions):
        latest[e.kind] = e.pk
    context = {
        "year": year,
        "years": list(range(clock.today().year - 10, clock.today().year + 1)),
        "content": content,
        "forms": forms,
        "can_edit": can_edit_catalogue(request.user),
        "editions": editions,
        "latest": set(latest.values()),
        "run": run,
        "run_kind": run.subject.split(":")[1] if run else "",
    }
    return render(request, "economy/review.html", context, status=status)


@login_required
def review_view(request, year: int):
    """The year's review: its figures by section, the office's paragraphs, generation and downloads."""
    _viewer(request)
    return _review_page(request, _year(year))


@login_required
@require_POST
def review_narrative_view(request, year: int):
    _viewer(request)
    year = _year(year)
    form = NarrativeForm(request.POST, prefix=request.POST.get("section", "")[:12])
    if not form.is_valid():
        return _review_page(request, year, bound=form, status=422)
    try:
        review.narrative_save(
            actor=request.user,
            year=year,
            section=form.cleaned_data["section"],
            text=form.cleaned_data["text"],
            revision=form.cleaned_data["revision"],
        )
    except DomainError as exc:
        form.add_error("text", exc.message)
        return _review_page(request, year, bound=form, status=exc.status)
    messages.success(request, "已保存；重新生成报告后写入 DOCX 与 PDF")
    return redirect("economy:review", year=year)


@login_required
@require_POST
def review_generate_view(request, year: int):
    _viewer(request)
    year = _year(year)
    try:
        run = review.review_generate_start(
            actor=request.user, kind=request.POST.get("kind", "")[:8], year=year
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("economy:review", year=year)
    return redirect(reverse("economy:review", args=[year]) + f"?run={run.pk}#generation")


def _year_asked(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _decimal(text: str) -> Decimal | None:
    try:
        return officefiles.cell_decimal(text)
    except ValueError:
        return None


@login_required
def evaluation_view(request):
    """The national evaluation: score, rank, what pulls it down, a what-if (GET fields `a_<code>`), and
    for the statistics office the peers' import and this zone's entered values (POST)."""
    from .services import evaluation as svc

    if not selectors.can_view_economy(request.user):
        raise DjangoPermissionDenied("只有管委会领导和统计部门可以查看综合评价")
    year = _year_asked(request, selectors.evaluation_default_year(user=request.user))
    can_edit = can_edit_catalogue(request.user)
    if request.GET.get("errors"):
        content = officefiles.error_sheet(request.user, request.GET["errors"])
        if content is None:
            raise Http404("错误说明表已过期，请重新上传")
        return xlsx_response(content, "import-errors")
    if request.GET.get("template") == "peers":
        return xlsx_response(svc.peer_template(), "evaluation-peers-template")
    error_token = ""
    if request.method == "POST" and not can_edit:
        raise DjangoPermissionDenied("只有统计部门可以维护综合评价数据")
    if request.method == "POST":
        try:
            system = svc.system_get()
            if request.POST.get("kind") == "peers":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationFailed("请选择要上传的 Excel 文件")
                if upload.size > 10 * 1024 * 1024:
                    raise ValidationFailed("文件不能超过 10MB")
                done = svc.peers_import(actor=request.user, system=system, content=upload.read())
                messages.success(request, f"已导入 {done['rows']} 行，{done['zones']} 个高新区")
            else:
                value = _decimal(request.POST.get("value", ""))
                if value is None:
                    raise ValidationFailed("数值应填写数字")
                svc.own_value_enter(
                    actor=request.user,
                    system=system,
                    year=year,
                    code=request.POST.get("indicator", "")[:10],
                    value=value,
                    source_note=request.POST.get("source", ""),
                )
                messages.success(request, "已保存")
            return redirect(f"{request.path}?year={year}")
        except DomainError as exc:
            messages.error(request, exc.fields.get("file") or exc.message)
            if getattr(exc, "error_sheet", None):
                error_token = officefiles.keep_error_sheet(request.user, exc.error_sheet)
    try:
        result = selectors.evaluation_get(user=request.user, year=year)
    except NotFound as exc:
        return render(
            request, "economy/evaluation.html", {"year": year, "empty": exc.message, "can_edit": can_edit}
        )
    assumed = {}
    for r in result["indicators"]:
        text = request.GET.get(f"a_{r['code']}", "").strip()
        if text:
            value = _decimal(text)
            if value is None:
                messages.error(request, f"{r['code']} {r['name']}：假设值应填写数字")
            else:
                assumed[r["code"]] = value
    what_if = selectors.evaluation_what_if(user=request.user, year=year, values=assumed) if assumed else None
    return render(
        request,
        "economy/evaluation.html",
        {
            "year": year,
            "r": result,
            "what_if": what_if,
            "assumed": {k: str(v) for k, v in assumed.items()},
            "can_edit": can_edit,
            "error_token": error_token,
            "entered": [i for i in result["indicators"] if not i["computed"]],
            "instructions": [(_("同类高新区指标值"), svc.peer_columns())],
        },
    )


@login_required
def business_view(request):
    """营商环境: the 13 special indicator tasks for a year (or 1–M月累计), and the office's entries."""
    from .services.business import indicator_entry_save

    if not selectors.can_view_economy(request.user):
        raise Http404("未找到该页面")
    year = _year_asked(request, clock.today().year)
    try:
        month = int(request.GET.get("month", 0))
    except ValueError:
        month = 0
    month = month if 0 <= month <= 12 else 0
    can_edit = can_edit_catalogue(request.user)
    if request.method == "POST" and not can_edit:
        raise DjangoPermissionDenied("只有统计部门可以填报指标数值")
    if request.method == "POST":
        try:
            value = _decimal(request.POST.get("value", ""))
            if value is None:
                raise ValidationFailed("数值应填写数字")
            indicator_entry_save(
                actor=request.user,
                code=request.POST.get("indicator", "")[:30],
                year=year,
                month=month,
                value=value,
                source_note=request.POST.get("source", ""),
            )
            messages.success(request, "已保存")
            return redirect(f"{request.path}?year={year}&month={month}")
        except DomainError as exc:
            messages.error(request, exc.message)
    tasks = selectors.business_environment(user=request.user, year=year, month=month)
    return render(
        request,
        "economy/evaluation_business.html",
        {
            "year": year,
            "month": month,
            "months": range(13),
            "tasks": tasks,
            "can_edit": can_edit,
            "entered": [f for t in tasks for f in t["figures"] if f["entered"]],
        },
    )


@login_required
def indicator_view(request, code: str):
    """Drill-down from a cockpit figure to the groups behind it (industry, park, department …)."""
    _viewer(request)
    year = _year_asked(request, clock.today().year - 1)
    try:
        data = selectors.indicator_breakdown(
            user=request.user, code=code[:30], year=year, by=request.GET.get("by", "")[:20]
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "economy/indicator.html", {"d": data, "year": year})
