"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors


def nav_items(user) -> list[tuple[str, str]]:
    if selectors.can_view_economy(user):
        return [
            (_("经济运行"), reverse("economy:cockpit")),
            (_("综合评价"), reverse("economy:evaluation")),
            (_("营商环境"), reverse("economy:business")),
        ]
    return []
