"""Permission predicates of the government services pillar, built on accounts.permissions."""

from __future__ import annotations

from gaoxin.accounts.permissions import (
    has_role,
    is_applicant,
    is_enterprise_user,
    is_system_admin,
    role_departments,
)
from gaoxin.accounts.roles import Role
from gaoxin.core import clock


def can_edit_catalogue(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.APPROVER)


def is_clerk(user) -> bool:
    return has_role(user, Role.WINDOW_CLERK)


def is_agent(user) -> bool:
    return has_role(user, Role.AGENT)


def owns_case(user, case) -> bool:
    """The applicant, or a user of the same enterprise (its legal representative or an operator)."""
    if not is_applicant(user):
        return False
    if case.enterprise_uscc:
        return is_enterprise_user(user) and user.enterprise_uscc == case.enterprise_uscc
    return case.applicant_id == user.pk


def agent_authorised(user, applicant) -> bool:
    if not is_agent(user):
        return False
    today = clock.today()
    return user.agent_authorisations.filter(
        applicant=applicant, revoked_at__isnull=True, valid_until__gte=today
    ).exists()


def acts_as_applicant(user, case) -> bool:
    return owns_case(user, case) or (case.agent_id == user.pk and agent_authorised(user, case.applicant))


def reviews_in(user, department_ids) -> bool:
    return bool(role_departments(user, Role.REVIEWER) & set(department_ids))


def approves(user, case) -> bool:
    return has_role(user, Role.APPROVER, department_id=case.department_id)


def heads(user, case) -> bool:
    """The head of the case's department (行政机关负责人, 行政许可法 art. 42)."""
    return has_role(user, Role.LEADER, department_id=case.department_id)


def verifies(user, case) -> bool:
    return has_role(user, Role.REVIEWER, Role.APPROVER, department_id=case.department_id)


def can_submit_for(user, applicant) -> bool:
    if user.pk == applicant.pk:
        return is_applicant(user)
    if is_enterprise_user(user) and applicant.enterprise_uscc == user.enterprise_uscc:
        return True
    return is_clerk(user) or agent_authorised(user, applicant)


def can_manage_agents(user) -> bool:
    return is_clerk(user) or is_system_admin(user) or is_agent(user)


def manages_halls(user) -> bool:
    """The halls and their windows (items, kind, open or closed): the system administrators."""
    return is_system_admin(user)


def reads_hall_figures(user) -> bool:
    """The hall's waiting-time figures: its clerks, leaders and administrators."""
    return is_clerk(user) or is_system_admin(user) or has_role(user, Role.LEADER)
