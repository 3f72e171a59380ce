"""The navigation each user sees: the home page, then every registered app's entries in declared order
(the pillars, then administration)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.core import pillars


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "zone_name": settings.ZONE_NAME}
    items = [(_("首页"), reverse("home")), *pillars.nav_items(user)]
    current = request.path
    return {
        "zone_name": settings.ZONE_NAME,
        "nav": [
            {"label": label, "url": url, "active": current == url or (url != "/" and current.startswith(url))}
            for label, url in items
        ],
    }
