"""Pages of the economy pillar: the leaders' cockpit. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gaoxin.core import clock

from . import selectors


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
        },
    )
