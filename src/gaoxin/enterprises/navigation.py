"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_enterprise_user

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    items = []
    if permissions.can_view_registry(user):
        items.append((_("企业名录"), reverse("enterprises:list")))
    if is_enterprise_user(user) or permissions.is_statistician(user):
        items.append((_("企业报表"), reverse("enterprises:reports")))
    if permissions.can_view_statistics(user):
        items.append((_("统计分析"), reverse("enterprises:statistics")))
    if is_enterprise_user(user) or permissions.is_statistician(user):
        items.append((_("规模自测"), reverse("enterprises:classification_check")))
    return items
