"""Pages of 人才公寓 and 限价房: the flats (talent office), the public waiting list with the rule, the
applications with their lease and actions (a talent: their own; an enterprise: its employees'), and
the 限价房 eligibility list and cases. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.core import clock
from gaoxin.core.errors import DomainError

from . import flat_selectors as selectors
from . import permissions
from .housing_models import Flat, FlatApplication, PurchaseApplication
from .services import flats as services
from .views import page


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


def _int(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def waiting_list_view(request):
    """Public: the rule in force (and its earlier versions) and the ranked list with masked names."""
    return render(
        request,
        "talent/waiting_list.html",
        {
            "rule": selectors.published_flat_rule(),
            "rules": selectors.published_flat_rules()[:10],
            "rows": selectors.waiting_list(),
            "as_of": clock.today(),
        },
    )


@page
def flats_view(request):
    user = request.user
    if not permissions.can_view_all(user):
        raise Http404("未找到该页面")
    if request.method == "POST":
        area, rent = _decimal(request.POST.get("area")), _decimal(request.POST.get("market_rent"))
        if area is None or rent is None:
            messages.error(request, _("请填写面积和市场月租金"))
        else:
            _act(
                request,
                lambda: services.flat_register(
                    actor=user,
                    building=request.POST.get("building", "")[:100],
                    address=request.POST.get("address", "")[:200],
                    code=request.POST.get("code", "")[:30],
                    area=area,
                    market_rent=rent,
                    bedrooms=_int(request.POST.get("bedrooms")) or 1,
                ),
                _("已登记人才公寓"),
            )
        return redirect("talent:flats")
    state = request.GET.get("state", "")
    state = state if state in Flat.State.values else ""
    flats = selectors.flat_list(user=user, state=state)
    return render(
        request,
        "talent/flats.html",
        {
            "page": Paginator(flats, 50).get_page(request.GET.get("page")),
            "state": state,
            "states": Flat.State.choices,
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def flat_applications_view(request):
    user = request.user
    own = selectors.own_talent(user=user)
    if request.method == "POST" and own is not None:
        family = _int(request.POST.get("family_size")) or 0
        _act(
            request,
            lambda: services.flat_apply(actor=user, talent_id=own.pk, family_size=family),
            _("已提交人才公寓申请"),
        )
        return redirect("talent:flat_applications")
    state = request.GET.get("state", "")
    state = state if state in FlatApplication.State.values else ""
    apps = selectors.flat_application_list(user=user, state=state)
    ranks = {r.application.pk: r for r in selectors.waiting_list()}
    page_ = Paginator(apps, 50).get_page(request.GET.get("page"))
    rows = [{"app": a, "ranked": ranks.get(a.pk)} for a in page_.object_list]
    return render(
        request,
        "talent/flat_applications.html",
        {
            "rows": rows,
            "page": page_,
            "state": state,
            "states": FlatApplication.State.choices,
            "own": own,
            "can_view_all": permissions.can_view_all(user),
            "may_apply": own is not None
            and own.state == own.State.IN_ZONE
            and not apps.filter(state__in=FlatApplication.OPEN).exists(),
        },
    )


@page
def flat_application_view(request, application_id: int):
    user = request.user
    app = selectors.flat_application_get(user=user, application_id=application_id)
    if request.method == "POST":
        action = request.POST.get("action", "")[:20]
        _act(
            request,
            lambda: services.flat_act(
                actor=user,
                application_id=app.pk,
                action=action,
                revision=_int(request.POST.get("revision")),
                flat_id=_int(request.POST.get("flat_id")),
                reason=request.POST.get("reason", "")[:400],
            ),
            _("已办理"),
        )
        return redirect("talent:flat_application", application_id=app.pk)
    actions = selectors.flat_actions(user=user, application=app)
    ranked = next((r for r in selectors.waiting_list() if r.application.pk == app.pk), None)
    return render(
        request,
        "talent/flat_application.html",
        {
            "app": app,
            "lease": selectors.lease_of(user=user, application=app),
            "ranked": ranked,
            "actions": [t for t in actions if t.action != "allocate"],
            "may_allocate": any(t.action == "allocate" for t in actions),
            "vacant": selectors.flat_list(user=user, state=Flat.State.VACANT) if actions else [],
            "events": selectors.flat_events(user=user, application=app),
        },
    )


@page
def purchases_view(request):
    user = request.user
    own = selectors.own_talent(user=user)
    if request.method == "POST" and own is not None:
        _act(
            request,
            lambda: services.purchase_apply(
                actor=user, talent_id=own.pk, declared_no_home=request.POST.get("declared_no_home") == "on"
            ),
            _("已提交限价房购买资格申请"),
        )
        return redirect("talent:purchases")
    state = request.GET.get("state", "")
    state = state if state in PurchaseApplication.State.values else ""
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "talent/purchases.html",
        {
            "rule": selectors.published_purchase_rule(),
            "purchases": selectors.purchase_list(user=user, state=state)[:200],
            "eligibility": selectors.purchase_eligibility(user=user, only_eligible=not show_all)[:500],
            "show_all": show_all,
            "state": state,
            "states": PurchaseApplication.State.choices,
            "own": own,
            "can_view_all": permissions.can_view_all(user),
        },
    )


@page
def purchase_view(request, purchase_id: int):
    user = request.user
    purchase = selectors.purchase_get(user=user, purchase_id=purchase_id)
    if request.method == "POST":
        action = request.POST.get("action", "")[:20]
        _act(
            request,
            lambda: services.purchase_act(
                actor=user,
                purchase_id=purchase.pk,
                action=action,
                revision=_int(request.POST.get("revision")),
                reason=request.POST.get("reason", "")[:400],
            ),
            _("已办理"),
        )
        return redirect("talent:purchase", purchase_id=purchase.pk)
    return render(
        request,
        "talent/purchase.html",
        {"p": purchase, "actions": selectors.purchase_actions(user=user, purchase=purchase)},
    )
