"""Pages of the investment pillar. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.core import clock, officefiles
from gaoxin.core.errors import DomainError, NotFound, PermissionDenied
from gaoxin.core.spreadsheets import xlsx_response

from . import permissions, selectors
from .models import Carrier, Commitment, Project
from .services import carriers, chains, kpis, pipeline, target_import


def page(view):
    """Staff only; NotFound → 404, PermissionDenied → 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_view_planning(request.user):
            raise Http404("未找到该页面")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


def _act(request, call, success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _decimal(text) -> Decimal | None:
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and 0 <= value < Decimal("1e12") else None


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def _int(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


@page
def projects_view(request):
    user = request.user
    if request.method == "POST":
        link_id = _int(request.POST.get("link"))
        link = selectors.link_get(user=user, pk=link_id) if link_id else None
        amount = _decimal(request.POST.get("intended_investment"))
        if amount is None:
            messages.error(request, "请填写意向投资（万元）")
        else:
            _act(
                request,
                lambda: pipeline.lead_create(
                    actor=user,
                    name=request.POST.get("name", "")[:120],
                    company=request.POST.get("company", "")[:120],
                    source=request.POST.get("source", ""),
                    intended_investment=amount,
                    link=link,
                    contact_name=request.POST.get("contact_name", "")[:40],
                    contact_phone=request.POST.get("contact_phone", "")[:30],
                ),
                _("已登记招商线索"),
            )
        return redirect("investment:projects")
    stage = request.GET.get("stage", "")
    stage = stage if stage in Project.Stage.values else ""
    q = request.GET.get("q", "")[:60]
    pending = request.GET.get("pending") == "1"
    qs = selectors.project_list(user=user, stage=stage, q=q, pending=True if pending else None)
    paged = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "investment/projects.html",
        {
            "page": paged,
            "stages": Project.Stage.choices,
            "sources": Project.Source.choices,
            "stage": stage,
            "q": q,
            "pending": pending,
            "can_manage": permissions.can_manage(user),
            "links": selectors.link_list(user=user),
            "is_bureau": permissions.is_bureau_or_leader(user),
        },
    )


MOVE_FIELDS = ("note", "agreement_no", "uscc", "permit_no", "contact_name")


@page
def project_view(request, project_id: int):
    user = request.user
    project = selectors.project_get(user=user, pk=project_id)
    if request.method == "POST":
        kind = request.POST.get("form", "move")
        pid = project.pk
        if kind == "move":
            fields = {f: request.POST.get(f, "").strip()[:300] for f in MOVE_FIELDS}
            fields["signed_amount"] = _decimal(request.POST.get("signed_amount"))
            fields["signed_on"] = _date(request.POST.get("signed_on", ""))
            fields["on"] = _date(request.POST.get("on", ""))
            action = request.POST.get("action", "")[:20]
            t = pipeline.PROJECTS.transition_for(action)
            label = str(t.label) if t else action
            _act(
                request,
                lambda: pipeline.project_move(
                    actor=user,
                    project_id=pid,
                    action=action,
                    revision=_int(request.POST.get("revision")),
                    **fields,
                ),
                _("已%(action)s") % {"action": label},
            )
        elif kind == "evidence":
            _act(
                request,
                lambda: pipeline.evidence_add(
                    actor=user,
                    project_id=pid,
                    stage=request.POST.get("stage", ""),
                    title=request.POST.get("title", "")[:120],
                    doc_no=request.POST.get("doc_no", "")[:60],
                ),
                _("已添加佐证材料"),
            )
        elif kind == "commitment":
            due = _date(request.POST.get("due_on", ""))
            if due is None:
                messages.error(request, "请填写承诺期限")
            else:
                _act(
                    request,
                    lambda: pipeline.commitment_set(
                        actor=user,
                        project_id=pid,
                        kind=request.POST.get("kind", ""),
                        due_on=due,
                        value=_decimal(request.POST.get("value")),
                    ),
                    _("已登记承诺"),
                )
        elif kind == "funds":
            amount = _decimal(request.POST.get("amount"))
            _act(
                request,
                lambda: pipeline.fund_arrival_add(
                    actor=user,
                    project_id=pid,
                    amount=amount or Decimal(0),
                    on=_date(request.POST.get("on", "")),
                ),
                _("已登记到位资金"),
            )
        return redirect("investment:project", project_id=pid)
    available = pipeline.PROJECTS.available(user=user, obj=project)
    next_stage = next(
        (
            dst
            for a, (src, dst, _) in pipeline.ADVANCES.items()
            if src == project.stage and not project.pending_review
        ),
        None,
    )
    checks = kpis.check_commitments([project], clock.today()).get(project.pk, [])
    return render(
        request,
        "investment/project.html",
        {
            "p": project,
            "available": available,
            "next_stage": next_stage,
            "next_label": Project.Stage(next_stage).label if next_stage else "",
            "gate": pipeline.gate_problems(project, next_stage) if next_stage else {},
            "timeline": _timeline(user, project),
            "commitments_open": project.stage
            in (Project.Stage.LEAD, Project.Stage.TALKS, Project.Stage.SIGNED),
            "evidence": project.evidence.all(),
            "checks": checks,
            "funds": project.funds.all(),
            "carriers": selectors.project_carriers(user=user, project=project),
            "services": selectors.project_services(user=user, project=project),
            "stages": [(s, Project.Stage(s).label) for s in pipeline.GATES],
            "kinds": Commitment.Kind.choices,
            "order": [
                (s, Project.Stage(s).label, pipeline.RANK[s] <= pipeline.RANK.get(project.stage, -1))
                for s in pipeline.ORDER
            ],
            "today": clock.today(),
        },
    )


def _timeline(user, project) -> list[dict]:
    """The timeline in words: who did what, from which stage to which."""
    stages = dict(Project.Stage.choices)
    actions = {t.action: t.title for t in pipeline.TRANSITIONS} | {"create": _("登记线索")}
    return [
        {
            "on": e.on,
            "who": (e.actor.full_name or e.actor.username) if e.actor_id else _("系统"),
            "action": actions.get(e.action, e.action),
            "from": stages.get(e.from_stage, ""),
            "to": stages.get(e.to_stage, ""),
            "moved": e.from_stage != e.to_stage,
            "withdrawn": e.withdrawn,
            "pending": e.counted_on is None,
            "note": e.note,
        }
        for e in selectors.project_timeline(user=user, project=project)
    ]


@page
def projects_export_view(request):
    content = kpis.projects_workbook(selectors.project_export(user=request.user), user=request.user)
    return xlsx_response(content, "projects.xlsx")


@page
def chains_view(request):
    return render(
        request,
        "investment/chains.html",
        {
            "chains": selectors.chain_list(user=request.user),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@page
def chain_targets_view(request, chain_id: int):
    """The chain's target list: download the template (with the targets entered so far), upload it
    back, and on refusal the rows' problems and the error sheet."""
    user = request.user
    chain = selectors.chain_get(user=user, pk=chain_id)
    if request.GET.get("errors"):
        content = officefiles.error_sheet(user, request.GET["errors"])
        if content is None:
            raise Http404("错误说明表已过期，请重新上传")
        return xlsx_response(content, "import-errors.xlsx")
    if request.GET.get("template"):
        return xlsx_response(target_import.target_template(chain), f"targets-{chain.code}.xlsx")
    errors: dict = {}
    error_token = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要上传的 Excel 文件"))
        elif upload.size > 10 * 1024 * 1024:
            messages.error(request, _("文件不能超过 10MB"))
        else:
            try:
                n = target_import.targets_import(actor=user, chain=chain, content=upload.read())
                messages.success(request, _("已导入 %(n)s 家目标企业") % {"n": n})
                return redirect("investment:chain", chain_id=chain.pk)
            except DomainError as exc:
                if set(exc.fields) == {"file"}:
                    messages.error(request, exc.fields["file"])
                else:
                    messages.error(request, exc.message.split("：")[0])
                    errors = exc.fields
                if getattr(exc, "error_sheet", None):
                    error_token = officefiles.keep_error_sheet(user, exc.error_sheet)
    return render(
        request,
        "investment/chain_targets.html",
        {
            "chain": chain,
            "targets": selectors.chain_targets(user=user, chain=chain),
            "can_manage": permissions.can_manage(user),
            "errors": errors,
            "error_token": error_token,
            "instructions": [(_("目标企业"), target_import.target_columns(chain))],
        },
    )


@page
def chain_view(request, chain_id: int):
    user = request.user
    chain = selectors.chain_get(user=user, pk=chain_id)
    if request.method == "POST":
        link = selectors.link_get(user=user, pk=_int(request.POST.get("link")) or 0)
        if link.chain_id != chain.pk:
            raise Http404("未找到该环节")
        if request.POST.get("form") == "target":
            _act(
                request,
                lambda: chains.target_add(
                    actor=user,
                    link=link,
                    company=request.POST.get("company", "")[:120],
                    city=request.POST.get("city", "")[:60],
                ),
                _("已加入目标企业清单"),
            )
        else:
            _act(
                request,
                lambda: chains.placement_add(
                    actor=user, link=link, uscc=request.POST.get("uscc", "").strip()[:18]
                ),
                _("已将企业放到该环节"),
            )
        return redirect("investment:chain", chain_id=chain.pk)
    year = _int(request.GET.get("year")) or clock.today().year - 1
    year = year if 2000 <= year <= 2100 else clock.today().year - 1
    data = chains.chain_map(chain, year=year)
    nodes = data["nodes"]
    return render(
        request,
        "investment/chain.html",
        {
            "chain": chain,
            "data": data,
            "nodes": nodes,
            "year": year,
            "can_manage": permissions.can_manage(user),
            "chart": {"tree": chains.chain_tree(nodes), "title": chain.name},
        },
    )


@page
def carriers_view(request):
    user = request.user
    kind = request.GET.get("kind", "")
    kind = kind if kind in Carrier.Kind.values else ""
    rows = selectors.carrier_rows(user=user, carriers=selectors.carrier_list(user=user, kind=kind))
    return render(
        request,
        "investment/carriers.html",
        {
            "rows": rows,
            "kinds": Carrier.Kind.choices,
            "kind": kind,
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def trips_view(request):
    user = request.user
    if not permissions.is_bureau_or_leader(user):
        raise Http404("未找到该页面")
    if request.method == "POST":
        start, end = _date(request.POST.get("start_on", "")), _date(request.POST.get("end_on", ""))
        if start is None or end is None:
            messages.error(request, "请填写出发和返回日期")
        else:
            _act(
                request,
                lambda: carriers.trip_create(
                    actor=user,
                    leader=request.POST.get("leader", "")[:60],
                    destination=request.POST.get("destination", "")[:60],
                    start_on=start,
                    end_on=end,
                ),
                _("已登记出行"),
            )
        return redirect("investment:trips")
    year = _int(request.GET.get("year")) or clock.today().year
    paged = Paginator(selectors.trip_list(user=user, year=year), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "investment/trips.html",
        {
            "page": paged,
            "year": year,
            "figures": kpis.trip_figures(year=year),
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def trip_view(request, trip_id: int):
    user = request.user
    trip = selectors.trip_get(user=user, pk=trip_id)
    if request.method == "POST":
        on = _date(request.POST.get("on", ""))
        if on is None:
            messages.error(request, "请填写拜访日期")
        else:
            _act(
                request,
                lambda: carriers.visit_add(
                    actor=user,
                    trip=trip,
                    company=request.POST.get("company", "")[:120],
                    on=on,
                    city=request.POST.get("city", "")[:60],
                ),
                _("已登记拜访"),
            )
        return redirect("investment:trip", trip_id=trip.pk)
    return render(
        request,
        "investment/trip.html",
        {
            "trip": trip,
            "visits": selectors.trip_yield(user=user, trip=trip),
            "can_manage": permissions.can_manage(user),
        },
    )


def _kpi_args(request) -> tuple[int, dt.date | None, str, str]:
    today = clock.today()
    year = _int(request.GET.get("year")) or today.year
    year = year if 2000 <= year <= 2100 else today.year
    as_of = _date(request.GET.get("as_of", ""))
    by = request.GET.get("by", "chain")
    by = by if by in kpis.DIMENSIONS else ""
    return year, as_of, by, request.GET.get("bands", "")[:80]


@page
def kpis_view(request):
    user = request.user
    year, as_of, by, bands = _kpi_args(request)
    result = kpis.kpis(
        selectors.kpi_projects(user=user), year=year, as_of=as_of, by=by, bands=kpis.parse_bands(bands)
    )
    full = permissions.is_bureau_or_leader(user)
    monthly = kpis.kpis(selectors.kpi_projects(user=user), year=year, as_of=as_of, by="month")
    chart = {
        "months": [r["name"] for r in monthly["rows"]],
        "signed": [r["signed"] for r in monthly["rows"]],
        "groups": [r["name"] for r in result["rows"]],
        "group_signed": [r["signed"] for r in result["rows"]],
    }
    return render(
        request,
        "investment/kpis.html",
        {
            "r": result,
            "year": year,
            "as_of": as_of or clock.today(),
            "by": by,
            "bands": bands,
            "dimensions": kpis.DIMENSIONS.items(),
            "trips": kpis.trip_figures(year=year, as_of=as_of),
            "full": full,
            "chart": chart,
            "warnings": kpis.warnings(selectors.visible_projects(user=user))[:20] if full else [],
        },
    )


@page
def kpis_export_view(request):
    user = request.user
    year, as_of, by, bands = _kpi_args(request)
    result = kpis.kpis(
        selectors.kpi_projects(user=user), year=year, as_of=as_of, by=by, bands=kpis.parse_bands(bands)
    )
    return xlsx_response(
        kpis.kpi_workbook(result, masked=not permissions.is_bureau_or_leader(user)), f"kpis-{year}.xlsx"
    )
