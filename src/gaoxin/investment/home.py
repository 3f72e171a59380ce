"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.core import clock

from . import permissions, selectors


def cards(user) -> list[dict]:
    """Each card: {"label": str, "value": int | str, "url": str, "tone": "" | "warn" | "bad"}."""
    if not permissions.is_bureau_or_leader(user):
        return []
    from .services import kpis

    out = []
    visible = selectors.visible_projects(user=user)
    if permissions.is_bureau(user):
        n = visible.filter(pending_review=True).count()
        out.append(
            {
                "label": _("待审核的项目阶段变更"),
                "value": n,
                "url": reverse("investment:projects") + "?pending=1",
                "tone": "warn" if n else "",
            }
        )
    n = len(kpis.warnings(visible))
    out.append(
        {"label": _("履约预警"), "value": n, "url": reverse("investment:kpis"), "tone": "bad" if n else ""}
    )
    year = clock.today().year
    total = kpis.kpis(visible, year=year)["total"]
    out.append(
        {
            "label": _("本年签约项目"),
            "value": total["signed"] if total else 0,
            "url": reverse("investment:kpis") + f"?year={year}",
            "tone": "",
        }
    )
    return out
