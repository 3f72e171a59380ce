"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    if permissions.is_bureau_or_leader(user):
        return [(_("招商引资"), reverse("investment:projects"))]
    if permissions.can_view_planning(user):
        return [(_("产业链图谱"), reverse("investment:chains"))]
    return []
