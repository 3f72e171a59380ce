import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.policies.services import catalogue
from tests.factories import department, enterprise_user, staff_user

from . import factories as f


@pytest.fixture
def officer(db):
    return staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])


@pytest.fixture
def finance(db):
    return staff_user("finance", department("czj", "财政局"), ["finance_officer"])


@pytest.fixture
def hte_firm(db):
    ent = f.enterprise("南宁示例科技有限公司", size="small", industry=f.industry("ind1"))
    f.qualify(ent, "hte")
    f.report(ent, 2025, revenue=20_000_000, rd_expense=2_000_000)
    f.report(ent, 2024, revenue=15_000_000, rd_expense=1_000_000)
    return ent


@pytest.fixture
def hte_user(hte_firm):
    return enterprise_user("ent", hte_firm.uscc, hte_firm.name)


@pytest.fixture
def policy(officer):
    return catalogue.policy_create(
        actor=officer,
        title="关于支持企业研发投入的若干措施",
        issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="高新管〔2026〕1号",
    )


@pytest.fixture
def rd_clause(officer, policy):
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd-bonus",
        title="研发投入奖励",
        period=2026,
        rule="enterprise.hte && data.rd_expense(2025) >= 1000000 && growth.revenue_yoy(2025) >= 0.1",
        formula="data.rd_expense(2025) * 0.1",
        award_cap=Decimal("150000"),
        notice_days=5,
    )
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("1000000"))
    return catalogue.clause_check_and_publish(actor=officer, clause=clause)
