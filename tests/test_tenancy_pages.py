"""Pages whose reads moved into selectors: the agent workbench and the enterprise operators page show
what their user may see, and nothing of anyone else."""

import pytest
from django.test import Client

from tests.factories import citizen_user, department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_agent_workbench_lists_its_own_authorisations():
    approval = department("approval", "行政审批局")
    clerk = staff_user("clerk", approval, ["window_clerk"])
    agent = staff_user("agent", approval, ["agent"])
    other_agent = staff_user("agent2", approval, ["agent"])
    ent = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    citizen = citizen_user("citizen", "11010519491231002X")
    for who, applicant, project in ((agent, ent, "厂房扩建"), (other_agent, citizen, "个体开业")):
        r = _client(clerk).post(
            "/services/agent/",
            {
                "agent": who.username,
                "applicant": applicant.username,
                "project": project,
                "valid_until": "2099-12-31",
            },
        )
        assert r.status_code == 302
    page = _client(agent).get("/services/agent/").content.decode()
    assert "厂房扩建" in page and "个体开业" not in page
    both = _client(clerk).get("/services/agent/").content.decode()
    assert "厂房扩建" in both and "个体开业" in both
    r = _client(clerk).post(
        "/services/agent/", {"agent": "agent", "applicant": "nobody", "project": "x"}, follow=True
    )
    assert "代办员或申请人账户不存在" in r.content.decode()


def test_the_operators_page_lists_the_enterprises_own_accounts():
    rep = enterprise_user("rep", "91350100M000100Y43", "示例科技有限公司")
    enterprise_user("op", "91350100M000100Y43", "示例科技有限公司", legal_rep=False)
    enterprise_user("stranger", "91450200MA5N00007X", "另一家公司")
    citizen_user("citizen", "11010519491231002X")
    page = _client(rep).get("/accounts/operators/").content.decode()
    assert "<td>op</td>" in page and "<td>rep</td>" in page
    assert "stranger" not in page and "citizen" not in page
