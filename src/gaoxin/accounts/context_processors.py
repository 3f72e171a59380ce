"""The navigation each user sees: the home page, each pillar's entries, then administration."""

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import permissions

# Each pillar's navigation.nav_items(user), in menu order. Collected here rather than imported so that
# accounts does not depend on the apps above it.
PILLAR_NAV = [
    "gaoxin.govservices.navigation.nav_items",
    "gaoxin.policies.navigation.nav_items",
    "gaoxin.enterprises.navigation.nav_items",
    "gaoxin.investment.navigation.nav_items",
    "gaoxin.economy.navigation.nav_items",
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "zone_name": settings.ZONE_NAME}
    items = [(_("首页"), reverse("home"))]
    for path in PILLAR_NAV:
        items.extend(import_string(path)(user))
    if permissions.can_verify_enterprise_claims(user):
        items.append((_("企业账户核验"), reverse("accounts:claims")))
    if permissions.can_authorise_operators(user):
        items.append((_("经办人授权"), reverse("accounts:operators")))
    if permissions.can_manage_calendar(user):
        items.append((_("工作日历"), reverse("calendar")))
    if permissions.can_view_audit(user):
        items.append((_("审计日志"), reverse("audit")))
    if permissions.is_system_admin(user):
        items.append((_("系统管理"), reverse("admin:index")))
    current = request.path
    return {
        "zone_name": settings.ZONE_NAME,
        "nav": [
            {"label": label, "url": url, "active": current == url or (url != "/" and current.startswith(url))}
            for label, url in items
        ],
    }
