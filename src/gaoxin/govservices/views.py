"""Pages of the government services pillar: catalogue, guide, application, cases, inbox, agents, verification."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import is_applicant, is_staff_member
from gaoxin.core import clock, officefiles, ratelimit
from gaoxin.core.errors import DomainError, NotFound

from . import lists, selectors, themes
from . import permissions as perms
from .services import cases as case_services
from .services import catalogue, common, licences, submission

VERIFY_STYLE = {"valid": "ok", "revoked": "bad", "expired": "bad", "not_genuine": "bad"}


def _or_404(call):
    try:
        return call()
    except NotFound as exc:
        raise Http404(exc.message) from exc


def catalogue_view(request):
    q = request.GET.get("q", "")[:60]
    department = request.GET.get("department", "")[:40]
    theme = request.GET.get("theme", "")[:40]
    items = selectors.item_list(q=q, department=department, theme=theme)
    context = {
        "page": Paginator(items, 20).get_page(request.GET.get("page")),
        "q": q,
        "department": department,
        "departments": Department.objects.filter(active=True),
        "theme": themes.theme_get(theme) if theme else None,
        "theme_slug": theme,
        "theme_groups": themes.themes_by_audience(),
        "can_edit": perms.can_edit_catalogue(request.user),
    }
    template = "govservices/_items.html" if request.htmx else "govservices/catalogue.html"
    return render(request, template, context)


def guide_view(request, code: str):
    item = _or_404(lambda: selectors.item_get(code=code))
    return render(
        request, "govservices/guide.html", {"item": item, "v": selectors.version_detail(item.current)}
    )


@login_required
def apply_view(request, code: str):
    item = _or_404(lambda: selectors.item_get(code=code))
    v = selectors.version_detail(item.current)
    staff_submit = perms.is_clerk(request.user) or perms.is_agent(request.user)
    if not (is_applicant(request.user) or staff_submit):
        raise Http404("只有申请人、窗口受理员和代办员可以提交申请")
    error, fields = "", {}
    if request.method == "POST":
        data = common.scrub({f["name"]: request.POST.get(f["name"], "") for f in v.form_fields})
        materials = {str(m.order): request.POST.get(f"choice_{m.order}", "") for m in v.materials.all()}
        files = {
            str(m.order): request.FILES[f"file_{m.order}"]
            for m in v.materials.all()
            if f"file_{m.order}" in request.FILES
        }
        try:
            case, _ = submission.case_submit(
                actor=request.user,
                item_code=code,
                data=data,
                materials={k: x for k, x in materials.items() if x},
                files=files,
                commitment=request.POST.get("commitment") == "on",
                applicant=request.POST.get("applicant") or None,
                idempotency_key=request.POST.get("idempotency_key"),
            )
        except DomainError as exc:
            error, fields = exc.message, exc.fields
        else:
            messages.success(request, f"已提交，办件编号 {case.number}")
            return redirect("govservices:case", number=case.number)
    my_licences = (
        selectors.licence_list(user=request.user).filter(state="valid") if is_applicant(request.user) else []
    )
    applicants = []
    if perms.is_agent(request.user):
        applicants = [
            a.applicant
            for a in selectors.agent_authorisation_list(user=request.user).filter(revoked_at__isnull=True)
        ]
    # After a refusal the form shows again what the applicant typed and chose (files must be chosen
    # again: a browser never pre-fills a file input).
    post = request.POST if request.method == "POST" else {}
    form_rows = [(f, post.get(f["name"], ""), fields.get(f["name"], "")) for f in v.form_fields]
    material_rows = [
        (m, post.get(f"choice_{m.order}", ""), fields.get(m.name, "")) for m in v.materials.all()
    ]
    return render(
        request,
        "govservices/apply.html",
        {
            "item": item,
            "v": v,
            "form_rows": form_rows,
            "material_rows": material_rows,
            "commitment_checked": post.get("commitment") == "on",
            "error": error,
            "fields": fields,
            "post": request.POST,
            "licences": my_licences,
            "staff_submit": staff_submit,
            "applicants": applicants,
            "key": uuid.uuid4().hex,
        },
    )


@login_required
def case_list_view(request):
    return lists.CASES.respond(request, "govservices/cases.html")


@login_required
def inbox_view(request):
    if not is_staff_member(request.user):
        return redirect("govservices:cases")
    template = "govservices/_inbox_rows.html" if request.htmx else "govservices/inbox.html"
    checks = selectors.verification_tasks(user=request.user)[:50]
    return lists.INBOX.respond(request, template, {"checks": checks, "hx_rows": True})


@login_required
def case_view(request, number: str):
    case = _or_404(lambda: selectors.case_get(user=request.user, number=number))
    actions = case_services.available_actions(user=request.user, case=case)
    return render(
        request,
        "govservices/case.html",
        {
            "case": case,
            "actions": actions,
            "materials": case.materials.select_related("spec", "licence"),
            "stages": case.stages.prefetch_related("opinions__department", "opinions__actor"),
            "events": case.events.all(),
            "licence": getattr(case, "licence", None) if hasattr(case, "licence") else None,
            "verification": getattr(case, "verification", None) if hasattr(case, "verification") else None,
            "can_defer": case.version.allow_deferral,
            "today": clock.today(),
            "deemed": case.deemed_accepted(clock.today()),
            "procedures": case_services.declared_procedures(case.version),
            "form_data": [(f["label"], case.data.get(f["name"], "")) for f in case.version.form_fields],
        },
    )


@login_required
@require_POST
def case_action_view(request, number: str, action: str):
    payload = {
        k: request.POST[k]
        for k in (
            "opinion",
            "reason",
            "verdict",
            "supply_due",
            "material",
            "override",
            "procedure",
            "expected_days",
        )
        if request.POST.get(k)
    }
    problems = {
        k.removeprefix("problem_"): v
        for k, v in request.POST.items()
        if k.startswith("problem_") and v.strip()
    }
    if problems:
        payload["problems"] = problems
    payload = common.scrub(payload)
    revision = request.POST.get("revision", "")
    try:
        case_services.case_act(
            actor=request.user,
            number=number,
            action=action,
            payload=payload,
            revision=int(revision) if revision.isdigit() else None,
            upload=request.FILES.get("file"),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{case_services.CASES.by_action[action].label}")
    return redirect("govservices:case", number=number)


@login_required
def material_download(request, number: str, material_id: int):
    m = _or_404(lambda: selectors.material_get(user=request.user, number=number, material_id=material_id))
    return FileResponse(
        m.file.open("rb"), as_attachment=True, filename=m.original_name or m.file.name.rsplit("/", 1)[-1]
    )


@login_required
def licence_pdf(request, number: str):
    lic = _or_404(lambda: selectors.licence_get(user=request.user, number=number))
    # Rendered again on download, so that its QR code points to this server's address.
    return HttpResponse(
        licences.render_pdf(lic, request),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{lic.number}.pdf"'},
    )


@login_required
def agent_view(request):
    if not perms.can_manage_agents(request.user):
        raise Http404("无权访问代办工作台")
    if request.method == "POST":
        try:
            agent, applicant = selectors.authorisation_parties(
                user=request.user,
                agent=request.POST.get("agent", ""),
                applicant=request.POST.get("applicant", ""),
            )
            submission.agent_authorise(
                actor=request.user,
                agent=agent,
                applicant=applicant,
                project=request.POST.get("project", ""),
                valid_until=dt.date.fromisoformat(request.POST.get("valid_until") or "2099-12-31"),
            )
            messages.success(request, "已登记代办授权")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "日期格式不正确"))
        return redirect("govservices:agent")
    auths = selectors.agent_authorisation_list(user=request.user)[:50]
    return render(
        request,
        "govservices/agent.html",
        {"auths": auths, "cases": selectors.agent_cases(user=request.user)[:50]},
    )


@login_required
def catalogue_excel(request):
    if not perms.can_edit_catalogue(request.user):
        raise Http404
    if request.method == "POST" and request.FILES.get("file"):
        try:
            versions = catalogue.catalogue_import(
                actor=request.user, content=request.FILES["file"].read(10 * 1024 * 1024)
            )
            messages.success(request, f"已导入并发布 {len(versions)} 个事项")
        except DomainError as exc:
            token = ""
            if getattr(exc, "error_sheet", None):
                token = officefiles.keep_error_sheet(request.user, exc.error_sheet)
            return render(
                request,
                "govservices/import.html",
                {"error": exc.message, "rows": exc.fields, "error_token": token, **_catalogue_help()},
            )
        return redirect("govservices:catalogue")
    if request.GET.get("errors"):
        content = officefiles.error_sheet(request.user, request.GET["errors"])
        if content is None:
            raise Http404
        return _xlsx_download(content, "catalogue-errors.xlsx")
    if request.GET.get("template"):
        return _xlsx_download(catalogue.catalogue_template(), "catalogue-template.xlsx")
    if request.GET.get("download"):
        response = HttpResponse(
            catalogue.catalogue_export(user=request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="catalogue.xlsx"'
        return response
    return render(request, "govservices/import.html", _catalogue_help())


def _catalogue_help() -> dict:
    return {"instructions": [(title, catalogue.catalogue_columns(title)) for title, _ in catalogue.SHEETS]}


def _xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def verify_view(request, token: str):
    licences.verification_allowed(ratelimit.client_ip(request))
    result = licences.verify(token=token[:40])
    return render(request, "govservices/verify.html", {"r": result, "style": VERIFY_STYLE[result["status"]]})
