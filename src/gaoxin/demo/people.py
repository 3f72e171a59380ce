"""Demo departments, staff for every role, enterprise and citizen accounts."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_noop

from gaoxin.accounts.models import Department, RoleAssignment, User
from gaoxin.accounts.roles import Kind, Role
from gaoxin.core.identifiers import make_id_card

DEMO_PASSWORD = "Gaoxin@2026"  # noqa: S105  (the published demo password)

# Names are stored in Chinese; Department.__str__ shows the catalogue's translation.
DEPARTMENTS = [
    ("office", gettext_noop("党政办公室")),
    ("approval", gettext_noop("行政审批局")),
    ("economy", gettext_noop("经济发展局")),
    ("sci-tech", gettext_noop("科技和工业信息化局")),
    ("investment", gettext_noop("投资促进局")),
    ("finance", gettext_noop("财政局")),
    ("statistics", gettext_noop("统计局")),
    ("housing", gettext_noop("住房和城乡建设局")),
    ("land", gettext_noop("自然资源局")),
    ("ecology", gettext_noop("生态环境局")),
    ("social", gettext_noop("社会事务局")),
]

# username, name, department code, roles
STAFF = [
    ("admin", "系统管理员", "office", [Role.SYSTEM_ADMIN]),
    ("leader", "何主任", "office", [Role.LEADER]),
    ("clerk", "李窗口", "approval", [Role.WINDOW_CLERK]),
    ("clerk2", "陈窗口", "approval", [Role.WINDOW_CLERK]),
    ("reviewer", "王审查", "approval", [Role.REVIEWER]),
    ("reviewer_housing", "赵审查", "housing", [Role.REVIEWER]),
    ("reviewer_land", "孙审查", "land", [Role.REVIEWER]),
    ("approver", "周科长", "approval", [Role.APPROVER]),
    ("agent", "吴代办", "approval", [Role.AGENT]),
    ("policy", "郑政策", "sci-tech", [Role.POLICY_OFFICER]),
    ("policy_econ", "冯政策", "economy", [Role.POLICY_OFFICER]),
    ("finance", "钱财政", "finance", [Role.FINANCE_OFFICER]),
    ("invest", "韦招商", "investment", [Role.INVESTMENT_OFFICER]),
    ("stats", "蒙统计", "statistics", [Role.STATISTICIAN]),
]

CITIZENS = [("citizen", "覃小梅"), ("citizen2", "黄志强"), ("citizen3", "莫丽华")]
AREAS = ["450202", "450203", "450204", "450205", "450206"]


def build_people(rng: random.Random, enterprises: list, log) -> dict:
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo's accounts share one password
    depts = {
        code: Department.objects.create(code=code, name=name, order=i * 10)
        for i, (code, name) in enumerate(DEPARTMENTS, start=1)
    }
    for username, name, dept, roles in STAFF:
        user = User.objects.create(
            username=username,
            full_name=name,
            kind=Kind.STAFF,
            department=depts[dept],
            password=password,
            is_staff=Role.SYSTEM_ADMIN in roles,
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=r, department=depts[dept]) for r in roles]
        )
    for i, (username, name) in enumerate(CITIZENS):
        birth = dt.date(1975 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 29))
        User.objects.create(
            username=username,
            full_name=name,
            kind=Kind.CITIZEN,
            password=password,
            id_card=make_id_card(AREAS[i % len(AREAS)], birth, f"{rng.randrange(1000):03d}"),
        )
    ent_users = []
    for i, ent in enumerate(enterprises[:12], start=1):
        suffix = "" if i == 1 else str(i)
        rep = User.objects.create(
            username=f"ent{suffix}",
            full_name=ent.legal_rep,
            kind=Kind.ENTERPRISE,
            password=password,
            enterprise_uscc=ent.uscc,
            enterprise_name=ent.name,
            is_legal_rep=True,
        )
        ent_users.append(rep)
        if i <= 3:
            User.objects.create(
                username=f"ent{suffix}_op",
                full_name=f"{ent.legal_rep[0]}经办",
                kind=Kind.ENTERPRISE,
                password=password,
                enterprise_uscc=ent.uscc,
                enterprise_name=ent.name,
                authorised_by=rep,
            )
    log(
        f"部门 {len(depts)} 个，工作人员 {len(STAFF)} 人，企业账户 {len(ent_users)} 个，个人账户 {len(CITIZENS)} 个"
    )
    return {"departments": depts}


def logins() -> list[tuple[str, str]]:
    rows = [(u, f"{n}（{', '.join(str(Role(r).label) for r in roles)}）") for u, n, _, roles in STAFF]
    rows.append(("ent", "企业法定代表人（演示企业之一）"))
    rows.append(("ent_op", "企业经办人"))
    rows.append(("citizen", "个人用户"))
    return rows
