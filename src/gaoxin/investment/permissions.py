"""Who may do what in the investment pillar (built on accounts.permissions)."""

from gaoxin.accounts.permissions import has_role, is_staff_member, is_system_admin
from gaoxin.accounts.roles import Role


def is_staff(user) -> bool:
    return is_staff_member(user)


def is_bureau(user) -> bool:
    """The investment bureau: its officers (招商专员) and the system administrator."""
    return is_system_admin(user) or has_role(user, Role.INVESTMENT_OFFICER)


def is_bureau_or_leader(user) -> bool:
    return is_bureau(user) or has_role(user, Role.LEADER)


def can_view_planning(user) -> bool:
    """Chains, gaps and carriers: every staff member of the zone."""
    return is_staff_member(user)


def can_manage(user) -> bool:
    """Enter leads, chains, carriers, trips: the investment bureau."""
    return is_bureau(user)


def on_team(user, project) -> bool:
    if not is_staff_member(user):
        return False
    if project.officer_id == user.pk:
        return True
    return project.team.filter(pk=user.pk).exists()


def sees_unmasked(user, project=None) -> bool:
    """Company, contact and amounts in full: the bureau, leaders, and the project's own team."""
    if is_bureau_or_leader(user):
        return True
    return project is not None and on_team(user, project)


RULES = {
    "investment.view": is_bureau_or_leader,
    "investment.manage": can_manage,
}
