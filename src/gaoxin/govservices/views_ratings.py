"""Pages of 好差评 (ratings, their statistics, the rectification of 差评) and 电子监察 (cards)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import is_applicant, is_staff_member
from gaoxin.core import clock
from gaoxin.core.errors import DomainError, NotFound

from . import selectors
from .models import Rating
from .services import ratings as rating_services
from .services import supervision
from .services.common import scrub, text
from .services.ratings import RATEABLE_STATES, RECTIFICATIONS
from .services.supervision import CARDS

BY_CHOICES = (
    ("department", gettext_lazy("按部门")),
    ("item", gettext_lazy("按事项")),
    ("window", gettext_lazy("按窗口")),
    ("month", gettext_lazy("按月份")),
)


def _int(value, default: int, lo: int, hi: int) -> int:
    return int(value) if str(value).isdigit() and lo <= int(value) <= hi else default


def _ratings_context(request) -> dict:
    user = request.user
    context: dict = {"levels": Rating.Level.choices, "windows": Department.objects.filter(active=True)}
    if is_staff_member(user):
        today = clock.today()
        year = _int(request.GET.get("year"), today.year, 2000, 2100)
        month = _int(request.GET.get("month"), 0, 0, 12)
        by = request.GET.get("by", "department")
        by = by if by in dict(BY_CHOICES) else "department"
        rects = list(
            selectors.rectification_list(user=user).exclude(state__in=["rectified", "explained", "voided"])[
                :100
            ]
        )
        for r in rects:
            r.actions = RECTIFICATIONS.available(user=user, obj=r)
        context.update(
            staff=True,
            stats=selectors.ratings_stats(user=user, period=(year, month or None), by=by),
            year=year,
            month=month,
            by=by,
            by_choices=BY_CHOICES,
            months=range(1, 13),
            rectifications=rects,
            is_clerk=rating_services.perms.is_clerk(user),
        )
    if is_applicant(user):
        rated = selectors.rating_list(user=user).filter(kind="case").values("case_id")
        context["rateable"] = (
            selectors.case_list(user=user).filter(state__in=RATEABLE_STATES).exclude(pk__in=rated)[:50]
        )
    context["ratings"] = selectors.rating_list(user=user)[:50]
    return context


@login_required
def ratings_view(request, *, error: DomainError | None = None, status: int = 200):
    return render(
        request, "govservices/ratings.html", {**_ratings_context(request), "error": error}, status=status
    )


@login_required
@require_POST
def rating_submit_view(request):
    try:
        rating_services.rating_submit(
            actor=request.user,
            level=request.POST.get("level", ""),
            comment=scrub(request.POST.get("comment", "")),
            case_number=text(request.POST.get("case", ""), 20),
            window=text(request.POST.get("window", ""), 40),
            channel=request.POST.get("channel", "online"),
        )
    except DomainError as exc:
        return ratings_view(request, error=exc, status=exc.status)
    messages.success(request, "感谢您的评价")
    return redirect("govservices:ratings")


@login_required
@require_POST
def rectification_act_view(request, pk: int, action: str):
    revision = request.POST.get("revision", "")
    try:
        rating_services.rectification_act(
            actor=request.user,
            pk=pk,
            action=text(action, 30),
            note=scrub(request.POST.get("note", "")),
            revision=int(revision) if revision.isdigit() else None,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return ratings_view(request, error=exc, status=exc.status)
    messages.success(request, "已办理")
    return redirect("govservices:ratings")


@login_required
def supervision_view(request, *, error: DomainError | None = None, status: int = 200):
    if not is_staff_member(request.user):
        raise Http404("未找到该页面")
    state = request.GET.get("state", "open")
    cards = list(
        selectors.card_list(user=request.user, state=state if state in ("open", "resolved") else "")[:200]
    )
    # a card links to its case only for a reader of that case (an agent sees its department's cards,
    # not every case behind them)
    readable = set(
        selectors.case_list(user=request.user)
        .filter(pk__in=[c.case_id for c in cards if c.case_id])
        .values_list("pk", flat=True)
    )
    for c in cards:
        c.may_resolve = CARDS.allowed(user=request.user, obj=c, action="resolve")
        c.case_link = c.case_id in readable
    return render(
        request,
        "govservices/supervision.html",
        {"cards": cards, "state": state, "error": error},
        status=status,
    )


@login_required
@require_POST
def card_resolve_view(request, pk: int):
    revision = request.POST.get("revision", "")
    try:
        supervision.card_resolve(
            actor=request.user,
            pk=pk,
            resolution=scrub(request.POST.get("resolution", "")),
            revision=int(revision) if revision.isdigit() else None,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return supervision_view(request, error=exc, status=exc.status)
    messages.success(request, "亮牌已处理")
    return redirect("govservices:supervision")
