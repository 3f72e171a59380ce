"""Every permission predicate of the platform's accounts layer, in one place.

Selectors, views and the API all ask these; none decides on its own. Pillars add their own
predicates in their app's permissions module, built from `has_role`."""

from __future__ import annotations

from .roles import Kind, Role


def _roles(user) -> set[tuple[str, int]]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.role_assignments.values_list("role", "department_id"))
        user._role_cache = cached
    return cached


def has_role(user, *roles: str, department_id: int | None = None) -> bool:
    """True when the user holds one of `roles` (in `department_id`, when given)."""
    if not getattr(user, "is_active", False) or getattr(user, "kind", None) != Kind.STAFF:
        return False
    return any(r in roles and (department_id is None or d == department_id) for r, d in _roles(user))


def role_departments(user, role: str) -> set[int]:
    return {d for r, d in _roles(user) if r == role}


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def is_staff_member(user) -> bool:
    return _active(user) and user.kind == Kind.STAFF


def verified_uscc(user) -> str:
    """The enterprise an account acts for, once staff verified the binding; "" for everyone else.

    Every enterprise-scoped read and write starts from this: an account whose binding is not verified
    (self-registered, waiting at the window) has an empty code, and an empty code matches nothing."""
    if not _active(user) or user.kind != Kind.ENTERPRISE:
        return ""
    return user.enterprise_uscc or ""


def is_enterprise_user(user) -> bool:
    """A verified enterprise account (legal representative or operator)."""
    return bool(verified_uscc(user))


def is_unverified_enterprise_user(user) -> bool:
    return _active(user) and user.kind == Kind.ENTERPRISE and not user.enterprise_uscc


def is_citizen(user) -> bool:
    return _active(user) and user.kind == Kind.CITIZEN and bool(user.id_card)


def is_applicant(user) -> bool:
    return is_enterprise_user(user) or is_citizen(user)


def is_system_admin(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, Role.SYSTEM_ADMIN)


def is_leader(user) -> bool:
    return has_role(user, Role.LEADER)


def can_read_zone_totals(user) -> bool:
    """Zone-wide figures (counts, sums and rates over every record, never a record itself): leaders,
    the statistics office and administrators, whatever department the records belong to."""
    return is_leader(user) or has_role(user, Role.STATISTICIAN) or is_system_admin(user)


def can_manage_calendar(user) -> bool:
    return is_system_admin(user)


def can_manage_departments(user) -> bool:
    return is_system_admin(user)


def can_view_audit(user) -> bool:
    return is_system_admin(user) or is_leader(user)


def can_act_for_enterprise(user, uscc: str) -> bool:
    own = verified_uscc(user)
    return bool(own) and own == uscc


def can_authorise_operators(user) -> bool:
    return is_enterprise_user(user) and user.is_legal_rep


def can_verify_enterprise_claims(user) -> bool:
    return is_system_admin(user) or has_role(user, Role.WINDOW_CLERK)


def can_view_enterprise_registry(user) -> bool:
    return is_staff_member(user)


def can_use_totp(user) -> bool:
    return is_staff_member(user)


def home_kind(user) -> str:
    """Which home page a user lands on: applicant (an unverified account too: it sees its claim), leader
    or staff."""
    if is_applicant(user) or is_unverified_enterprise_user(user):
        return "applicant"
    if is_leader(user):
        return "leader"
    return "staff"


# Permissions asked for by name (user.has_perm) from layers that cannot import this module; registered
# with core.pillars by AccountsConfig, and each app above registers its own.
RULES = {
    "core.manage_calendar": can_manage_calendar,
    "core.view_audit": can_view_audit,
    "core.view_all_tasks": is_system_admin,
    "core.view_workflows": is_staff_member,
}
