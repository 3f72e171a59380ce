"""Permission predicates of the registry and of enterprise data reporting."""

from __future__ import annotations

from gaoxin.accounts.permissions import (
    can_act_for_enterprise,
    has_role,
    is_enterprise_user,
    is_staff_member,
    is_system_admin,
)
from gaoxin.accounts.roles import Role


def is_statistician(user) -> bool:
    return has_role(user, Role.STATISTICIAN)


def can_view_registry(user) -> bool:
    """The whole registry: every staff member reads it."""
    return is_staff_member(user)


def can_view_enterprise(user, uscc: str) -> bool:
    from .models import Enterprise

    return bool(uscc) and Enterprise.objects.visible_to(user).filter(uscc=uscc).exists()


def can_edit_registry(user) -> bool:
    return is_statistician(user) or is_system_admin(user)


def can_report_for(user, uscc: str) -> bool:
    """Fill in and submit reports: the enterprise itself, or a statistician on its behalf."""
    return can_act_for_enterprise(user, uscc) or is_statistician(user)


def can_review_reports(user) -> bool:
    return is_statistician(user)


def can_view_statistics(user) -> bool:
    return is_staff_member(user)


def can_try_classification(user) -> bool:
    """The size self-check: a verified enterprise account, or staff."""
    return is_enterprise_user(user) or is_staff_member(user)
