"""The home page: one per kind of user (applicant, staff, leader), composed from each app's selectors."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gaoxin.accounts import permissions
from gaoxin.accounts.selectors import user_profile
from gaoxin.core import calendar, clock, pillars
from gaoxin.core.selectors import task_run_list
from gaoxin.enterprises import selectors as enterprise_selectors
from gaoxin.govservices import home as govservices_home


def home_cards(user) -> list[dict]:
    """Every registered app's home.cards(user), in declared order."""
    return pillars.home_cards(user)


@login_required
def home(request):
    user = request.user
    kind = permissions.home_kind(user)
    context = {
        "kind": kind,
        "profile": user_profile(user=user),
        "today": clock.today(),
        "cards": home_cards(user),
    }
    if kind == "applicant":
        if permissions.is_enterprise_user(user):
            enterprise = enterprise_selectors.enterprise_list(user=user).first()
            context["enterprise"] = enterprise
            if enterprise:
                context["qualifications"] = enterprise_selectors.active_qualifications(enterprise=enterprise)
    else:
        context["missing_years"] = (
            calendar.missing_years(context["today"]) if permissions.can_manage_calendar(user) else []
        )
        context["task_runs"] = task_run_list(user=user)[:5]
        if kind == "leader":
            overview = enterprise_selectors.zone_overview(user=user)
            context["overview"] = overview
            context["chart_data"] = {"industry": overview["by_industry"], "size": overview["by_size"]}
            context["case_charts"] = govservices_home.charts(user, context["today"])
    return render(request, f"home/{kind}.html", context)
