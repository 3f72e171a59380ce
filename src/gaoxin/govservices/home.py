"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.accounts.permissions import is_applicant, is_staff_member
from gaoxin.core.amounts import chart

from . import selectors
from .models import Case


def cards(user) -> list[dict]:
    """Each card: {"label": str, "value": int | str, "url": str, "tone": "" | "warn" | "bad"}."""
    if is_staff_member(user):
        inbox = selectors.inbox(user=user)
        red = inbox.filter(light="red").count()
        url = reverse("govservices:inbox")
        out = [{"label": _("待办件"), "value": inbox.count(), "url": url, "tone": ""}]
        if red:
            out.append({"label": _("红灯（已超期）"), "value": red, "url": url + "?light=red", "tone": "bad"})
        return out + _supervision_cards(user)
    if is_applicant(user):
        mine = selectors.case_list(user=user)
        url = reverse("govservices:cases")
        out = [
            {
                "label": _("在办办件"),
                "value": mine.filter(state__in=Case.OPEN_STATES).count(),
                "url": url,
                "tone": "",
            }
        ]
        corrections = mine.filter(state=Case.State.CORRECTION).count()
        if corrections:
            out.append(
                {"label": _("待补正"), "value": corrections, "url": url + "?state=correction", "tone": "warn"}
            )
        return out
    return []


def charts(user, today) -> dict:
    """The leader's charts of this year's government services, month by month: cases received and
    concluded, and the share concluded by their due date (govservices_stats by month)."""
    rows = selectors.govservices_stats(user=user, period=(today.year, today.month), by="month")["rows"]
    months = [r["name"] for r in rows]
    return {
        "volume": chart(
            categories=months,
            series=[(_("收件"), [r["received"] for r in rows]), (_("办结"), [r["concluded"] for r in rows])],
            unit="count",
        ),
        "on_time": chart(
            categories=months,
            series=[(_("按时办结率"), [r["on_time_rate"] for r in rows])],
            unit="percent",
            kind="line",
        ),
    }


def _supervision_cards(user) -> list[dict]:
    """Open 差评 to rectify and open 电子监察 cards in the user's scope; a leader sees the red cards of
    the whole zone (escalated to the leaders' home page)."""
    out = []
    rects = selectors.rectification_list(user=user, state="open").count()
    if rects:
        out.append(
            {"label": _("待整改差评"), "value": rects, "url": reverse("govservices:ratings"), "tone": "warn"}
        )
    cards = selectors.card_list(user=user, state="open")
    url = reverse("govservices:supervision")
    red = cards.filter(level="red").count()
    if red:
        out.append({"label": _("电子监察红牌"), "value": red, "url": url, "tone": "bad"})
    yellow = cards.filter(level="yellow").count()
    if yellow:
        out.append({"label": _("电子监察黄牌"), "value": yellow, "url": url, "tone": "warn"})
    return out
