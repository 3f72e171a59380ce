"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    if permissions.can_see_own_enterprise(user):
        return [(_("惠企政策"), reverse("policies:mine"))]
    items = []
    if getattr(user, "is_authenticated", False):
        items.append((_("惠企政策"), reverse("policies:catalogue")))
    if permissions.can_view_funds(user):
        items.append((_("政策资金"), reverse("policies:funds")))
    return items
