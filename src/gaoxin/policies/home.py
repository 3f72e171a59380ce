"""Cards this app puts on a user's home page: figures that need the user's attention, with a link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions, selectors
from .models import Award


def cards(user) -> list[dict]:
    """Each card: {"label": str, "value": int | str, "url": str, "tone": "" | "warn" | "bad"}."""
    out = []
    if permissions.can_manage_policies(user):
        n = selectors.award_count(user=user, state=Award.State.DRAFT)
        out.append(
            {
                "label": _("待审核的政策兑现"),
                "value": n,
                "url": reverse("policies:awards") + "?state=draft",
                "tone": "warn" if n else "",
            }
        )
    if permissions.can_handle_payments(user):
        from .services.money import payable

        n = payable().count()
        out.append(
            {
                "label": _("待拨付的政策兑现"),
                "value": n,
                "url": reverse("policies:payments"),
                "tone": "warn" if n else "",
            }
        )
    if permissions.can_see_own_enterprise(user):
        n = selectors.award_count(user=user, state=Award.State.NOTICE)
        out.append(
            {
                "label": _("待确认收款账户的兑现"),
                "value": n,
                "url": reverse("policies:mine"),
                "tone": "warn" if n else "",
            }
        )
    return out
