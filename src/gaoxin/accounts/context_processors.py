"""The navigation each user sees, decided by permissions.py."""

from django.conf import settings
from django.urls import reverse

from . import permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "zone_name": settings.ZONE_NAME}
    items = [("首页", reverse("home"))]
    if permissions.is_staff_member(user):
        items.append(("企业名录", reverse("enterprises:list")))
    if permissions.can_authorise_operators(user):
        items.append(("经办人授权", reverse("accounts:operators")))
    if permissions.can_manage_calendar(user):
        items.append(("工作日历", reverse("calendar")))
    if permissions.can_view_audit(user):
        items.append(("审计日志", reverse("audit")))
    if permissions.is_system_admin(user):
        items.append(("系统管理", reverse("admin:index")))
    current = request.path
    return {
        "zone_name": settings.ZONE_NAME,
        "nav": [
            {"label": label, "url": url, "active": current == url or (url != "/" and current.startswith(url))}
            for label, url in items
        ]
    }
