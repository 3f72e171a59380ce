"""Pages of the government services pillar: catalogue, guide, application, cases, inbox, agents, verification."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import is_applicant, is_staff_member
from gaoxin.core import clock, officefiles, ratelimit
from gaoxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from gaoxin.core.spreadsheets import xlsx_response

from . import lists, selectors, themes
from . import permissions as perms
from .models import Case
from .services import case_page, catalogue, common, drafts, licences, submission
from .services import cases as case_services
from .services import materials as material_checks

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
    step = request.POST.get("step") or request.GET.get("step")
    if step or request.POST.get("action") == "delete":
        return _apply_steps(request, item, v, step or "", staff_submit)
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
    my_licences, applicants = _applicant_choices(request)
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
            "draft": drafts.draft_get(user=request.user, code=item.code),
        },
    )


def _applicant_choices(request) -> tuple[list, list]:
    my_licences = (
        list(selectors.licence_list(user=request.user).filter(state="valid"))
        if is_applicant(request.user)
        else []
    )
    applicants = []
    if perms.is_agent(request.user):
        applicants = [
            a.applicant
            for a in selectors.agent_authorisation_list(user=request.user).filter(revoked_at__isnull=True)
        ]
    return my_licences, applicants


STEP_MOVES = {"save": 0, "next": 1, "prev": -1}


def _apply_steps(request, item, v, step: str, staff_submit: bool):
    """The application in steps, kept as a draft: each button saves what the step shows first."""
    steps = drafts.steps_for(v)
    if step not in steps:
        step = steps[0]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    token = request.POST.get("token", "")
    status, error, refused = 200, "", {}
    if action == "delete":
        _or_404(lambda: drafts.draft_delete(actor=request.user, token=token))
        messages.success(request, "草稿已删除")
        return redirect("govservices:cases")
    if action == "submit":
        try:
            case = drafts.draft_submit(actor=request.user, code=item.code, token=token)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Conflict as exc:
            return render(
                request, "govservices/apply_done.html", {"item": item, "error": exc.message}, status=409
            )
        except DomainError as exc:
            status, error, refused = exc.status, exc.message, exc.fields
        else:
            messages.success(request, f"已提交，办件编号 {case.number}")
            return redirect("govservices:case", number=case.number)
    elif action in STEP_MOVES:
        inputs = _step_inputs(request, v, step, staff_submit)
        try:
            saved = drafts.draft_save(
                actor=request.user, code=item.code, step=step, move=STEP_MOVES[action], **inputs
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            status, error = exc.status, exc.message
        else:
            if not (saved.refused or saved.blocked):
                if action == "save":
                    messages.success(request, "草稿已保存，可在「我的办件」中继续填写")
                return redirect(f"{request.path}?step={saved.draft.step}")
            status, refused = 422, saved.refused
            error = "本步还有未填或不合格的内容，请按提示修改" if saved.blocked else "部分文件未能保存"
    draft = drafts.draft_get(user=request.user, code=item.code)
    missing = drafts.draft_missing(draft, v) if draft else {}
    problems = {**(missing.get(step, {}) if action or error else {}), **refused}
    post = request.POST if action in STEP_MOVES else {}
    data = draft.data if draft else {}
    kept = {f.order: f for f in draft.files.all()} if draft else {}
    choices = draft.choices if draft else {}
    my_licences, applicants = _applicant_choices(request)
    at = steps.index(step)
    labels = dict(drafts.Step.choices)
    return render(
        request,
        "govservices/apply_steps.html",
        {
            "item": item,
            "v": v,
            "step": step,
            "steps": [(s, labels[s], i < at, s == step) for i, s in enumerate(steps)],
            "prev_step": steps[at - 1] if at else "",
            "draft": draft,
            "error": error,
            "form_rows": [
                (
                    f,
                    post.get(f["name"], data.get(f["name"], "")) if post else data.get(f["name"], ""),
                    problems.get(f["name"], ""),
                )
                for f in v.form_fields
            ],
            "applicant_value": post.get("applicant", draft.applicant if draft else "")
            if post
            else (draft.applicant if draft else ""),
            "applicant_problem": problems.get("applicant", ""),
            "material_rows": [
                (m, kept.get(m.order), choices.get(str(m.order), ""), problems.get(m.name, ""))
                for m in v.materials.all()
            ],
            "commitment_checked": (post.get("commitment") == "on")
            if post
            else bool(draft and draft.commitment),
            "commitment_problem": problems.get(drafts.COMMITMENT_FIELD, ""),
            "missing": [(s, labels[s], missing.get(s, {})) for s in steps if missing.get(s)],
            "licences": my_licences,
            "staff_submit": staff_submit,
            "applicants": applicants,
        },
        status=status,
    )


def _step_inputs(request, v, step: str, staff_submit: bool) -> dict:
    """What one step's form carries, as the draft service takes it."""
    post = request.POST
    if step == drafts.Step.FORM:
        inputs: dict = {"data": common.scrub({f["name"]: post.get(f["name"], "") for f in v.form_fields})}
        if staff_submit:
            inputs["applicant"] = common.text(post.get("applicant", ""), 150)
        return inputs
    if step == drafts.Step.MATERIALS:
        specs = list(v.materials.all())
        return {
            "choices": common.scrub({str(m.order): post.get(f"choice_{m.order}", "") for m in specs}),
            "files": {
                str(m.order): request.FILES[f"file_{m.order}"]
                for m in specs
                if f"file_{m.order}" in request.FILES
            },
            "remove": post.getlist("remove"),
        }
    if step == drafts.Step.COMMITMENT:
        return {"commitment": post.get("commitment") == "on"}
    return {}


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


def _case_page(request, case: Case, *, status: int = 200, check_error: DomainError | None = None):
    materials = list(case.materials.select_related("spec", "licence"))
    return render(
        request,
        "govservices/case.html",
        {
            "case": case,
            "action_groups": case_page.action_groups(user=request.user, case=case),
            "materials": materials,
            "supplyable": case_services.supplyable_materials(case),
            "can_check": material_checks.may_check(request.user, case),
            "correction_prefill": material_checks.correction_prefill(materials),
            "check_error": check_error,
            "stages": case.stages.prefetch_related("opinions__department", "opinions__actor"),
            "events": case.events.all(),
            "licence": getattr(case, "licence", None) if hasattr(case, "licence") else None,
            "verification": getattr(case, "verification", None) if hasattr(case, "verification") else None,
            "today": clock.today(),
            "deemed": case.deemed_accepted(clock.today()),
            "procedures": case_services.declared_procedures(case.version),
            "form_data": [(f["label"], case.data.get(f["name"], "")) for f in case.version.form_fields],
        },
        status=status,
    )


@login_required
def case_view(request, number: str):
    return _case_page(request, _or_404(lambda: selectors.case_get(user=request.user, number=number)))


@login_required
@require_POST
def material_check_view(request, number: str):
    material = request.POST.get("material", "")
    try:
        m = material_checks.material_check(
            actor=request.user,
            number=number,
            material_id=int(material) if material.isdigit() else 0,
            verdict=request.POST.get("verdict", ""),
            note=common.scrub(request.POST.get("verdict_note", "")),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied:
        raise
    except DomainError as exc:
        case = _or_404(lambda: selectors.case_get(user=request.user, number=number))
        return _case_page(request, case, status=exc.status, check_error=exc)
    messages.success(request, f"{m.spec.name}：{m.get_verdict_display()}")
    return redirect(reverse("govservices:case", args=[number]) + f"#material-{m.pk}")


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
        {
            "auths": auths,
            "cases": selectors.agent_cases(user=request.user)[:50],
            "is_agent": perms.is_agent(request.user),
        },
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
        return xlsx_response(content, "catalogue-errors.xlsx")
    if request.GET.get("template"):
        return xlsx_response(catalogue.catalogue_template(), "catalogue-template.xlsx")
    if request.GET.get("download"):
        return xlsx_response(catalogue.catalogue_export(user=request.user), "catalogue.xlsx")
    return render(request, "govservices/import.html", _catalogue_help())


def _catalogue_help() -> dict:
    return {"instructions": [(title, catalogue.catalogue_columns(title)) for title, _ in catalogue.SHEETS]}


def verify_view(request, token: str):
    licences.verification_allowed(ratelimit.client_ip(request))
    result = licences.verify(token=token[:40])
    return render(request, "govservices/verify.html", {"r": result, "style": VERIFY_STYLE[result["status"]]})
