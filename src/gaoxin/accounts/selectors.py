"""Reads of accounts, scoped to the asking user."""

from django.db.models import QuerySet

from gaoxin.core.identifiers import mask_id_card

from . import permissions
from .models import ApiToken, Department, User
from .roles import Kind, Role


def token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(user)


def department_list(*, user) -> QuerySet[Department]:
    return (
        Department.objects.filter(active=True)
        if permissions.is_staff_member(user)
        else Department.objects.none()
    )


def user_list(*, user) -> QuerySet[User]:
    if not permissions.is_system_admin(user):
        return User.objects.none()
    return (
        User.objects.visible_to(user)
        .select_related("department")
        .prefetch_related("role_assignments__department")
    )


def enterprise_claim_list(*, user) -> QuerySet[User]:
    """Self-registered legal representatives waiting for their enterprise binding to be verified."""
    if not permissions.can_verify_enterprise_claims(user):
        return User.objects.none()
    return (
        User.objects.visible_to(user)
        .filter(is_active=True, kind=Kind.ENTERPRISE)
        .exclude(claimed_uscc="")
        .order_by("date_joined")
    )


def operator_list(*, user) -> QuerySet[User]:
    """The accounts of the user's own (verified) enterprise: its legal representative and operators."""
    uscc = permissions.verified_uscc(user)
    if not uscc:
        return User.objects.none()
    return User.objects.visible_to(user).filter(enterprise_uscc=uscc).order_by("-is_legal_rep", "username")


def user_profile(*, user) -> dict:
    """What a user may know of their own account; the ID number stays masked in every answer."""
    roles = [
        {"role": ra.role, "role_name": str(Role(ra.role).label), "department": str(ra.department)}
        for ra in user.role_assignments.select_related("department")
    ]
    return {
        "username": user.username,
        "name": user.display_name,
        "kind": user.kind,
        "department": str(user.department) if user.department_id else None,
        "roles": roles,
        "enterprise_uscc": user.enterprise_uscc or None,
        "enterprise_name": user.enterprise_name or None,
        "claimed_uscc": user.claimed_uscc or None,
        "id_card_masked": mask_id_card(user.id_card) if user.id_card else None,
        "home": permissions.home_kind(user),
    }
