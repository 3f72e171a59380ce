"""Navigation entries this app adds for a user (registered with core.pillars in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.permissions import is_applicant, is_staff_member

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    items = [(_("办事服务"), reverse("govservices:catalogue"))]
    if is_applicant(user):
        items.append((_("我的办件"), reverse("govservices:cases")))
    if is_applicant(user):
        items.append((_("我的评价"), reverse("govservices:ratings")))
    if is_applicant(user) or permissions.is_clerk(user):
        items.append(
            (_("大厅取号与预约") if is_applicant(user) else _("窗口叫号"), reverse("govservices:hall"))
        )
    if permissions.manages_halls(user):
        items.append((_("大厅与窗口管理"), reverse("govservices:hall_manage")))
    if is_staff_member(user):
        items.append((_("待办件"), reverse("govservices:inbox")))
        items.append((_("好差评"), reverse("govservices:ratings")))
        items.append((_("电子监察"), reverse("govservices:supervision")))
    if permissions.is_agent(user):
        items.append((_("代办工作台"), reverse("govservices:agent")))
    return items
