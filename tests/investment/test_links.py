"""A project shows what the other pillars did for its registered enterprise: its government-service
cases and its awards from support policies, read through those pillars' selectors (so each reader
sees what those pillars let it see), without writing their tables."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.investment.models import Project
from gaoxin.policies.models import Award
from gaoxin.policies.services import catalogue
from tests.enterprises import factories as ef
from tests.factories import department, staff_user
from tests.govservices.conftest import gz  # noqa: F401  the seeded catalogue and its people
from tests.govservices.helpers import client_for, pdf, submit

from .builders import bureau, lead

pytestmark = pytest.mark.django_db
USCC = "91350100M000100Y43"  # the enterprise of the govservices fixture's `ent`


@pytest.fixture
def landed(gz):  # noqa: F811
    a, b = bureau()
    firm = ef.enterprise(USCC, "示例科技有限公司")
    other = ef.enterprise(ef.other_uscc(7), "别家公司")
    p = lead(a, name="电芯项目")
    Project.objects.filter(pk=p.pk).update(uscc=USCC, stage="registered")
    r = submit(client_for(gz["p"]["ent"]), "000000000001", files={1: pdf()})
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer, title="关于支持新能源产业发展的若干措施", issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5), doc_no="高新管〔2026〕2号",
    )  # fmt: skip
    clause = catalogue.clause_create(
        actor=officer, policy=policy, code="land-start", title="拿地即开工奖励", period=2026,
        rule="true", formula="100000", award_cap=Decimal("100000"), notice_days=5,
    )  # fmt: skip
    Award.objects.create(clause=clause, enterprise=firm, period=2026, amount=Decimal("100000"))
    Award.objects.create(clause=clause, enterprise=other, period=2026, amount=Decimal("55555"))
    return {"a": a, "project": p, "number": number, "gz": gz, "officer": officer}


def test_the_project_shows_its_enterprises_cases_and_awards_to_a_leader(landed):
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    c = Client()
    c.force_login(leader)
    pid = landed["project"].pk
    body = c.get(f"/api/v1/investment/projects/{pid}/services").json()
    assert body["uscc"] == USCC
    assert [x["number"] for x in body["cases"]] == [landed["number"]]
    assert body["cases"][0]["item"] and body["cases"][0]["state_label"]
    assert [(x["clause"], x["amount_yuan"]) for x in body["awards"]] == [("拿地即开工奖励", "100000.00")]
    page = c.get(f"/investment/projects/{pid}/").content.decode()
    assert landed["number"] in page and "拿地即开工奖励" in page and "10.00" in page  # 100000 元 = 10 万元
    assert "55555" not in page and "5.56" not in page  # another enterprise's award


def test_each_reader_sees_only_what_the_other_pillars_let_it_see(landed):
    """The investment officer is no window clerk nor policy officer: the project page says so instead
    of showing cases and awards the other pillars keep from it."""
    c = Client()
    c.force_login(landed["a"])
    pid = landed["project"].pk
    body = c.get(f"/api/v1/investment/projects/{pid}/services").json()
    assert body == {"uscc": USCC, "cases": [], "awards": []}
    page = c.get(f"/investment/projects/{pid}/").content.decode()
    assert "暂无您可查看的办件" in page and landed["number"] not in page
    # The policy officer sees the award but no case of the approval bureau.
    Project.objects.get(pk=pid).team.add(landed["officer"])
    c.force_login(landed["officer"])
    body = c.get(f"/api/v1/investment/projects/{pid}/services").json()
    assert body["cases"] == [] and len(body["awards"]) == 1
    # Someone outside the project gets 404, as for the project itself.
    c.force_login(staff_user("clerk9", department("approval", "行政审批局"), ["window_clerk"]))
    assert c.get(f"/api/v1/investment/projects/{pid}/services").status_code == 404


def test_before_registration_nothing_is_matched(landed):
    Project.objects.filter(pk=landed["project"].pk).update(uscc="")
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    c = Client()
    c.force_login(leader)
    body = c.get(f"/api/v1/investment/projects/{landed['project'].pk}/services").json()
    assert body == {"uscc": "", "cases": [], "awards": []}
    assert "项目注册落地后" in c.get(f"/investment/projects/{landed['project'].pk}/").content.decode()
