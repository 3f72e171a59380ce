"""Who may do what in the policies pillar (built on accounts.permissions)."""

from gaoxin.accounts.permissions import has_role, is_enterprise_user, is_staff_member, is_system_admin
from gaoxin.accounts.roles import Role


def can_view_policies(user) -> bool:
    return getattr(user, "is_authenticated", False)


def can_manage_policies(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.POLICY_OFFICER)


def can_handle_payments(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.FINANCE_OFFICER)


def can_set_budget(user) -> bool:
    """A clause's yearly budget: the policy officers or the finance officers."""
    return can_manage_policies(user) or can_handle_payments(user)


def can_view_funds(user) -> bool:
    return can_manage_policies(user) or can_handle_payments(user) or has_role(user, Role.LEADER)


def can_view_matching(user) -> bool:
    return is_staff_member(user) and (can_manage_policies(user) or has_role(user, Role.LEADER))


def can_act_for_awards(user) -> bool:
    """Enterprise legal representatives confirm bank accounts for their own enterprise's awards."""
    return is_enterprise_user(user) and bool(getattr(user, "is_legal_rep", False))


def can_see_own_enterprise(user) -> bool:
    return is_enterprise_user(user)
