"""What every page's layout needs: the navigation each user sees (the home page, then every registered
app's entries in declared order: the pillars, then administration), the zone's name and the display
mode (large font and high contrast, 适老化)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.core import pillars

# Up to this many entries the menu is one row of links; beyond it, an app with several entries shows
# them under its title as a drop-down menu, so the busiest role's menu still fits at 1366 px.
FLAT_MENU_MAX = 7
# The top-level items (links and drop-down titles) one row holds at 1366 px: the busiest role's grouped
# menu must stay within it (the browser sweep checks the row really fits, in care mode too).
MENU_ROW_MAX = 8
CARE_COOKIE = "gx_care"


def navigation(request):
    user = getattr(request, "user", None)
    base = {"zone_name": settings.ZONE_NAME, "care_mode": request.COOKIES.get(CARE_COOKIE) == "1"}
    if user is None or not user.is_authenticated:
        return {**base, "nav": [], "nav_groups": []}
    groups = [("", [(_("首页"), reverse("home"))]), *pillars.nav_groups(user)]
    urls = [url for _title, items in groups for _label, url in items]
    active = _active_url(request.path, urls)
    menus = [
        (title, [{"label": label, "url": url, "active": url == active} for label, url in items])
        for title, items in groups
    ]
    nav = [entry for _title, entries in menus for entry in entries]
    flat = len(nav) <= FLAT_MENU_MAX
    nav_groups: list[dict] = []
    for title, entries in menus:
        if flat or len(entries) == 1 or not title:
            nav_groups.extend({"entry": e} for e in entries)
        else:
            nav_groups.append(
                {"title": title, "entries": entries, "active": any(e["active"] for e in entries)}
            )
    return {**base, "nav": nav, "nav_groups": nav_groups}


def _active_url(path: str, urls: list[str]) -> str | None:
    """The one entry to highlight: the longest entry URL the current page lies under."""
    matches = [u for u in urls if path == u or (u != "/" and path.startswith(u))]
    return max(matches, key=len, default=None)
