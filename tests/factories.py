"""Builders of users and departments for tests: real rows through the real models."""

from gaoxin.accounts.models import Department, RoleAssignment, User
from gaoxin.accounts.roles import Kind

DEFAULT_PASSWORD = "Test-pass-2026"


def department(code: str, name: str) -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": name})[0]


def staff_user(username: str, dept: Department, roles: list[str], password: str = DEFAULT_PASSWORD) -> User:
    user = User.objects.create_user(
        username=username, password=password, full_name=username, kind=Kind.STAFF, department=dept
    )
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, department=dept)
    return user


def enterprise_user(
    username: str, uscc: str, name: str, *, legal_rep: bool = True, password: str = DEFAULT_PASSWORD
) -> User:
    return User.objects.create_user(
        username=username,
        password=password,
        kind=Kind.ENTERPRISE,
        enterprise_uscc=uscc,
        enterprise_name=name,
        is_legal_rep=legal_rep,
        full_name=f"{username}法人",
    )


def citizen_user(username: str, id_card: str, password: str = DEFAULT_PASSWORD) -> User:
    return User.objects.create_user(
        username=username, password=password, kind=Kind.CITIZEN, id_card=id_card, full_name="张三"
    )
