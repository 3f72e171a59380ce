"""Who may do what in the talent pillar (built on accounts.permissions).

The talent office is the zone's policy officers (政策专员): talent awards are policy clauses, and the
same officers register talents, certify them and run their subsidies."""

from gaoxin.accounts.permissions import has_role, is_citizen, is_enterprise_user, is_system_admin
from gaoxin.accounts.roles import Role


def is_office(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.POLICY_OFFICER)


def can_view_all(user) -> bool:
    """Every talent of the zone: the talent office and leaders."""
    return is_office(user) or has_role(user, Role.LEADER)


def can_manage(user) -> bool:
    """Register talents, certify, revoke, record moves; edit the tiers' criteria."""
    return is_office(user)


def can_view_pages(user) -> bool:
    return can_view_all(user) or is_citizen(user) or is_enterprise_user(user)


RULES = {
    "talent.view": can_view_all,
    "talent.manage": can_manage,
}
