"""Pages of 一件事 bundles and 工程建设项目审批 tracks: the bundle catalogue and guide with its one
form, the bundle case, and a project's track."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import is_applicant
from gaoxin.core.errors import DomainError, NotFound

from . import selectors
from .services import bundles, common, tracks


def _or_404(call):
    try:
        return call()
    except NotFound as exc:
        raise Http404(exc.message) from exc


def bundle_list_view(request):
    q = request.GET.get("q", "")[:60]
    page = Paginator(selectors.bundle_list(q=q), 25).get_page(request.GET.get("page"))
    mine = selectors.bundle_case_list(user=request.user)[:20]
    return render(request, "govservices/bundles.html", {"page": page, "q": q, "mine": mine})


def bundle_view(request, bundle_code: str):
    """The guide (一次告知) and, for an applicant, the one form and the one material set."""
    bundle = _or_404(lambda: selectors.bundle_get(code=bundle_code))
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            bc = bundles.bundle_apply(
                actor=request.user,
                code=bundle.code,
                data=common.scrub({f["name"]: request.POST.get(f["name"], "") for f in bundle.form_fields}),
                files={k.removeprefix("file_"): v for k, v in request.FILES.items() if k.startswith("file_")},
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"已提交「{bundle.name}」，等待窗口一次受理")
            return redirect("govservices:bundle_case", bundle_number=bc.number)
    context = {
        "bundle": bundle,
        "members": bundle.members.select_related("item__department", "item__current"),
        "materials": bundle.materials.all(),
        "can_apply": is_applicant(request.user),
        "error": error,
        "posted": request.POST if error else {},
    }
    return render(request, "govservices/bundle.html", context, status=error.status if error else 200)


@login_required
def bundle_case_view(request, bundle_number: str):
    bc = _or_404(lambda: selectors.bundle_case_get(user=request.user, number=bundle_number))
    return render(
        request,
        "govservices/bundle_case.html",
        {
            "bc": bc,
            "members": bc.members.select_related("case__department", "member__item__department"),
            "actions": bundles.available_actions(user=request.user, bundle_case=bc),
            "events": bc.events.all(),
            "form_data": [(f["label"], bc.data.get(f["name"], "")) for f in bc.bundle.form_fields],
        },
    )


@login_required
@require_POST
def bundle_case_action_view(request, bundle_number: str, action: str):
    revision = request.POST.get("revision", "")
    try:
        bundles.bundle_case_act(
            actor=request.user,
            number=bundle_number,
            action=action,
            payload=common.scrub({"reason": request.POST.get("reason", "")}),
            revision=int(revision) if revision.isdigit() else None,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{bundles.BUNDLES.by_action[action].label}")
    return redirect("govservices:bundle_case", bundle_number=bundle_number)


@login_required
def track_view(request, track_number: str):
    track = _or_404(lambda: selectors.track_get(user=request.user, number=track_number))
    return render(
        request,
        "govservices/track.html",
        {
            "track": track,
            "stages": track.stages.all(),
            "cases": track.cases.select_related("case__item"),
            "can_sign": tracks.TRACKS.allowed(user=request.user, obj=track, action="sign_land_contract"),
        },
    )


@login_required
@require_POST
def track_action_view(request, track_number: str, action: str):
    revision = request.POST.get("revision", "")
    try:
        tracks.track_act(
            actor=request.user,
            number=track_number,
            action=action,
            revision=int(revision) if revision.isdigit() else None,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记土地出让合同签订")
    return redirect("govservices:track", track_number=track_number)
