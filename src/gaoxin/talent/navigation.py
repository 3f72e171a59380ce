"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    if permissions.can_view_all(user):
        return [
            (_("人才认定"), reverse("talent:talents")),
            (_("人才层次"), reverse("talent:tiers")),
            *housing_items(user),
        ]
    if permissions.can_view_pages(user):
        return [(_("人才认定"), reverse("talent:talents")), *housing_items(user)]
    return []


def housing_items(user) -> list[tuple[str, str]]:
    """人才公寓 and 限价房: one entry; the pages link to each other (flats, waiting list, 限价房)."""
    return [(_("人才安居"), reverse("talent:flat_applications"))]
