"""Cards this app puts on a user's home page: figures that need the user's attention, with a link.

They are the reminders of reporting and of qualification expiry: an enterprise sees what it still
owes, a statistician what waits for review and who has not reported, an officer the certificates
of its enterprises that run out soon."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.accounts.permissions import is_enterprise_user
from gaoxin.core import clock

from . import permissions
from .models import Report
from .selectors import expiring_qualifications
from .selectors import reporting as report_selectors


def cards(user) -> list[dict]:
    """Each card: {"label": str, "value": int | str, "url": str, "tone": "" | "warn" | "bad"}."""
    today = clock.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    out = []
    if is_enterprise_user(user):
        open_reports = report_selectors.report_list(user=user).filter(
            state__in=(Report.State.DRAFT, Report.State.RETURNED)
        )
        overdue = open_reports.filter(due_on__lt=today).exists()
        owed = report_selectors.expected_enterprises(last.year, last.month, user=user)
        missing = (
            owed.exists()
            and not report_selectors.report_list(user=user, year=last.year, month=last.month, state="")
            .filter(state__in=report_selectors.RECEIVED)
            .exists()
        )
        if open_reports.exists() or missing:
            out.append(
                {
                    "label": (
                        _("待填报/待修改的报表（%(month)s月报未报）")
                        if missing
                        else _("待填报/待修改的报表（%(month)s月报已报）")
                    )
                    % {"month": last.month},
                    "value": open_reports.count()
                    + (
                        1
                        if missing and not open_reports.filter(year=last.year, month=last.month).exists()
                        else 0
                    ),
                    "url": reverse("enterprises:reports"),
                    "tone": "bad" if overdue or missing else "warn",
                }
            )
        expiring = expiring_qualifications(user=user).count()
        if expiring:
            out.append(
                {
                    "label": _("即将到期的资质"),
                    "value": expiring,
                    "url": reverse("enterprises:expiring"),
                    "tone": "warn",
                }
            )
        return out
    if permissions.can_review_reports(user):
        pending = report_selectors.pending_review(user=user).count()
        out.append(
            {
                "label": _("待审核的企业报表"),
                "value": pending,
                "url": reverse("enterprises:reports") + "?state=submitted",
                "tone": "warn" if pending else "",
            }
        )
        missing = len(report_selectors.not_reported(user=user, year=last.year, month=last.month, today=today))
        out.append(
            {
                "label": _("%(year)s年%(month)s月未报送企业") % {"year": last.year, "month": last.month},
                "value": missing,
                "url": reverse("enterprises:not_reported") + f"?year={last.year}&month={last.month}",
                "tone": "bad" if missing else "",
            }
        )
    if permissions.can_view_registry(user):
        mine = expiring_qualifications(user=user).filter(enterprise__officer=user).count()
        if mine or permissions.is_statistician(user):
            total = mine or expiring_qualifications(user=user).count()
            out.append(
                {
                    "label": _("联络企业资质即将到期") if mine else _("资质即将到期（全区）"),
                    "value": total,
                    "url": reverse("enterprises:expiring"),
                    "tone": "warn" if total else "",
                }
            )
    return out
