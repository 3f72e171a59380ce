"""Navigation entries this app adds for a user (collected by accounts.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import permissions


def nav_items(user) -> list[tuple[str, str]]:
    if permissions.can_view_enterprise_registry(user):
        return [(_("企业名录"), reverse("enterprises:list"))]
    return []
