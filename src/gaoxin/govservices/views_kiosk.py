"""The self-service kiosk (无人超市): a touch-screen mode of the site. Login by ID card number and a
one-time SMS code; the kiosk-capable items; applying with materials photographed by the kiosk's
camera; the result and the licence to print. A kiosk session ends after GAOXIN_KIOSK_IDLE_SECONDS
without a request (its session expiry, renewed by every kiosk page); the page counts down too."""

import uuid
from functools import wraps

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.ratelimit import client_ip

from . import selectors
from .services import kiosk
from .services.common import scrub, text

KIOSK_LOGIN = reverse_lazy("govservices:kiosk_login")


def kiosk_page(view):
    """A kiosk page: signed in (else the kiosk's own login), and the idle clock started again."""

    @login_required(login_url=KIOSK_LOGIN)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.session.get("kiosk"):
            request.session.set_expiry(settings.KIOSK_IDLE_SECONDS)
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, context: dict, status: int = 200):
    context = {**context, "idle": settings.KIOSK_IDLE_SECONDS}
    return render(request, f"govservices/kiosk/{template}", context, status=status)


def kiosk_login_view(request):
    """Step one: the ID card number, a code is sent; step two: the code."""
    context: dict = {"id_card": text(request.POST.get("id_card", ""), 20)}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("step") == "code":
                context["sent"] = kiosk.kiosk_code_request(
                    id_card=context["id_card"], client=client_ip(request)
                )
            else:
                user = kiosk.kiosk_code_verify(
                    id_card=context["id_card"],
                    code=text(request.POST.get("code", ""), 10),
                    client=client_ip(request),
                )
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                request.session["kiosk"] = True
                request.session.set_expiry(settings.KIOSK_IDLE_SECONDS)
                return redirect("govservices:kiosk")
        except DomainError as exc:
            context["error"], status = exc, exc.status
            context["sent"] = request.POST.get("step") != "code"
    return _render(request, "login.html", context, status)


def kiosk_logout_view(request):
    """Leaving the kiosk (the button, or the countdown reaching zero) ends the session."""
    if request.session.get("kiosk") or request.method == "POST":
        logout(request)
    return redirect("govservices:kiosk_login")


@kiosk_page
def kiosk_home_view(request):
    items = selectors.kiosk_item_list()
    cases = selectors.case_list(user=request.user).select_related("item")[:5]
    return _render(request, "home.html", {"items": items, "cases": cases})


@kiosk_page
def kiosk_apply_view(request, code: str):
    try:
        item = selectors.item_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not item.kiosk:
        raise Http404("本事项不能在自助终端办理")
    version = selectors.version_detail(item.current)
    context: dict = {"item": item, "version": version, "values": {}, "token": uuid.uuid4().hex}
    if request.method == "POST":
        data = {f["name"]: scrub(request.POST.get(f["name"], "")) for f in version.form_fields}
        files = {
            str(m.order): request.FILES[f"file_{m.order}"]
            for m in version.materials.all()
            if f"file_{m.order}" in request.FILES
        }
        try:
            case, _ = kiosk.kiosk_apply(
                actor=request.user,
                item_code=item.code,
                data=data,
                files=files,
                idempotency_key=text(request.POST.get("token", ""), 80),
            )
            return redirect("govservices:kiosk_case", number=case.number)
        except DomainError as exc:
            context.update(error=exc, values=data, token=text(request.POST.get("token", ""), 80))
            return _render(request, "apply.html", context, exc.status)
    return _render(request, "apply.html", context)


@kiosk_page
def kiosk_case_view(request, number: str):
    try:
        case = selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    licence = None
    licence_number = selectors.licence_number_of(user=request.user, case=case)
    if licence_number:
        licence = selectors.licence_get(user=request.user, number=licence_number)
    return _render(request, "case.html", {"case": case, "licence": licence})
