"""Navigation entries of administration: account checks, operators, the calendar, audit, the admin."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def nav_items(user) -> list[tuple[str, str]]:
    items = []
    if permissions.can_verify_enterprise_claims(user):
        items.append((_("企业账户核验"), reverse("accounts:claims")))
    if permissions.can_authorise_operators(user):
        items.append((_("经办人授权"), reverse("accounts:operators")))
    if permissions.can_manage_calendar(user):
        items.append((_("工作日历"), reverse("calendar")))
    if permissions.can_view_audit(user):
        items.append((_("审计日志"), reverse("audit")))
    if permissions.is_system_admin(user):
        items.append((_("业务流程"), reverse("workflows")))
        items.append((_("系统管理"), reverse("admin:index")))
    return items
