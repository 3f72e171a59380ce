"""Pages of the talent pillar. Thin: parse, call a selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gaoxin.core.errors import NotFound
from gaoxin.policies.selectors import award_list

from . import permissions, selectors
from .models import Talent


def page(view):
    """Talents, their employers and the talent office; NotFound → 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_view_pages(request.user):
            raise Http404("未找到该页面")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


@page
def talents_view(request):
    user = request.user
    q = request.GET.get("q", "")[:60]
    state = request.GET.get("state", "")
    state = state if state in Talent.State.values else ""
    talents = selectors.talent_list(user=user, q=q, state=state)
    page_ = Paginator(talents, 50).get_page(request.GET.get("page"))
    tiers = selectors.current_tiers(page_.object_list)
    rows = [
        {"talent": t, "id_card": selectors.shown_id_card(user, t), "tier": tiers.get(t.pk, "")}
        for t in page_.object_list
    ]
    return render(
        request,
        "talent/talents.html",
        {"rows": rows, "page": page_, "q": q, "state": state, "states": Talent.State.choices},
    )


@page
def talent_view(request, talent_id: int):
    user = request.user
    talent = selectors.talent_get(user=user, talent_id=talent_id)
    return render(
        request,
        "talent/talent.html",
        {
            "talent": talent,
            "id_card": selectors.shown_id_card(user, talent),
            "jobs": selectors.jobs_of(user=user, talent=talent),
            "certifications": selectors.certifications_of(user=user, talent=talent),
            "events": selectors.events_of(user=user, talent=talent),
            # the person and the talent office see them; an employer does not (policies.Award)
            "subsidies": award_list(user=user, person_id_card=talent.id_card).order_by("-period", "pk"),
        },
    )


@page
def tiers_view(request):
    return render(request, "talent/tiers.html", {"tiers": selectors.tier_list(user=request.user)})
