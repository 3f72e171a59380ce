"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    if permissions.can_view_all(user):
        return [
            (_("双创载体"), reverse("innovation:carriers")),
            (_("研发机构"), reverse("innovation:rd_centres")),
            (_("博士后工作站"), reverse("innovation:stations")),
            (_("专家顾问"), reverse("innovation:experts")),
            (_("技术合同"), reverse("innovation:contracts")),
            (_("成果转化"), reverse("innovation:transfers")),
        ]
    if permissions.can_view_pages(user):
        return [(_("双创载体"), reverse("innovation:carriers"))]
    return []
