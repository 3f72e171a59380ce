"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.core import clock

from . import permissions, selectors


def cards(user) -> list[dict]:
    """The science office: tenants whose incubation period ends within 90 days (or has ended)."""
    if not permissions.can_manage(user):
        return []
    soon = clock.today() + dt.timedelta(days=90)
    n = selectors.incubations_due(user=user, by=soon).count()
    return [
        {
            "label": _("90天内孵化期满的在孵企业"),
            "value": n,
            "url": reverse("innovation:carriers"),
            "tone": "warn" if n else "",
        }
    ]
