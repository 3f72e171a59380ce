"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.core import clock

from . import permissions, selectors
from .models import Certification


def cards(user) -> list[dict]:
    """The talent office: certifications expiring within 60 days."""
    if not permissions.can_view_all(user):
        return []
    today = clock.today()
    n = (
        selectors.certifications_visible(user=user)
        .filter(state=Certification.State.CERTIFIED, valid_to__lte=today + dt.timedelta(days=60))
        .count()
    )
    return [
        {
            "label": _("60天内到期的人才认定"),
            "value": n,
            "url": reverse("talent:talents"),
            "tone": "warn" if n else "",
        }
    ]
