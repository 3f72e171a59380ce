"""Every empty list outside the policies catalogue says what to do next, in words that fit the role
viewing it, and links to a page that role can open."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urljoin

import pytest

from gaoxin.investment.services import carriers
from gaoxin.policies.services import catalogue
from tests.enterprises import factories as ef
from tests.factories import department, enterprise_user, staff_user
from tests.investment.builders import bureau, lead

pytestmark = pytest.mark.django_db


def _states(body: str) -> list[str]:
    return re.findall(r'class="muted empty-state"[^>]*>(.*?)</(?:td|p|li)>', body, re.S)


def _check(client, user, url: str, *sentences: str) -> str:
    """The page opens, shows every sentence in an empty block, and each link there opens for the user."""
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, url
    body = r.content.decode()
    states = _states(body)
    assert states, f"{url} 没有空状态说明"
    for sentence in sentences:
        assert any(sentence in s for s in states), (url, sentence, states)
    for text in states:
        links = re.findall(r'<a href="([^"]+)"', text)
        assert links, (url, text)
        for href in links:
            href = href.replace("&amp;", "&")
            if href.startswith("#"):
                assert f'id="{href[1:]}"' in body, (url, href)
            else:
                target = urljoin(url, href)
                assert client.get(target).status_code < 400, (url, target)
    return body


@pytest.fixture
def invest(db):
    return bureau()[0]


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


def test_the_bureau_is_told_where_to_enter_investment_data(client, invest):
    trip = carriers.trip_create(
        actor=invest,
        leader="何主任",
        destination="合肥",
        start_on=dt.date(2026, 1, 5),
        end_on=dt.date(2026, 1, 6),
    )
    _check(client, invest, "/investment/?stage=lead", "没有符合筛选条件的项目")
    _check(client, invest, "/investment/chains/", "通过数据接口")
    _check(client, invest, "/investment/carriers/", "登记载体")
    _check(client, invest, "/investment/carriers/?kind=plot", "没有该类型的载体")
    _check(client, invest, f"/investment/trips/{trip.pk}/", "在下方登记本次出行拜访的企业")
    _check(client, invest, "/investment/trips/?year=2020", "带队出行后在下方登记")


def test_an_empty_project_list_asks_the_bureau_for_its_first_lead(client, invest):
    body = _check(client, invest, "/investment/", "把接触到的投资意向登记为线索")
    assert 'href="#lead-form"' in body


def test_a_new_projects_empty_sub_lists_point_to_their_forms(client, invest):
    p = lead(invest)
    body = _check(client, invest, f"/investment/projects/{p.pk}/", "暂无佐证材料", "暂无到位资金")
    assert 'href="#evidence-form"' in body and 'href="#funds-form"' in body


def test_a_leader_is_told_who_enters_investment_data(client, invest, leader):
    p = lead(invest)
    trip = carriers.trip_create(
        actor=invest,
        leader="何主任",
        destination="合肥",
        start_on=dt.date(2026, 1, 5),
        end_on=dt.date(2026, 1, 6),
    )
    _check(client, leader, "/investment/chains/", "由投资促进局维护")
    _check(client, leader, "/investment/carriers/", "由投资促进局登记后")
    _check(client, leader, "/investment/trips/?year=2020", "投资促进局出行招商后登记")
    _check(client, leader, f"/investment/trips/{trip.pk}/", "由投资促进局在出行后登记")
    body = _check(client, leader, f"/investment/projects/{p.pk}/", "由项目团队")
    assert "#evidence-form" not in body


def test_staff_outside_the_bureau_see_where_projects_come_from(client, clerk):
    _check(client, clerk, "/investment/", "由投资促进局登记线索后")


def test_an_enterprise_file_with_nothing_yet_says_how_each_list_fills(client, stat, leader):
    e = ef.enterprise()
    _check(client, stat, f"/enterprises/{e.uscc}/", "主管部门认定后", "统计员可代企业填报")
    _check(client, leader, f"/enterprises/{e.uscc}/", "企业按月填报、统计员审核后")


def test_an_enterprise_is_told_where_to_apply_and_report(client):
    e = ef.enterprise()
    ent = enterprise_user("ent", e.uscc, e.name)
    _check(client, ent, f"/enterprises/{e.uscc}/", "申请高新技术企业", "每月在“企业报表”中填报")
    _check(client, ent, "/enterprises/expiring/", "请提前申请重新认定")


def test_no_expiring_licence_and_no_anomaly_are_explained_to_staff(client, stat):
    _check(client, stat, "/enterprises/expiring/", "由联络专员提醒企业重新认定")
    _check(client, stat, "/enterprises/statistics/anomalies/?year=2025&month=6", "提交时自动校验")


def test_statistics_with_no_reports_say_where_the_figures_come_from(client, stat, leader):
    _check(client, stat, "/enterprises/statistics/?year=2025&month=6", "企业按月填报的企业报表")
    _check(client, leader, "/enterprises/statistics/?year=2025&month=6", "企业按月填报的企业报表")


def test_statistics_for_an_empty_period_link_the_latest_period_with_data(client, stat):
    ef.report(ef.enterprise(), 2025, 3)
    body = _check(
        client, stat, "/enterprises/statistics/?year=2025&month=6", "最近有数据的报告期是 2025 年 3 月"
    )
    assert "?year=2025&month=3&by=industry" in body
    r = client.get("/enterprises/statistics/?year=2025&month=3")
    assert 'id="no-data"' not in r.content.decode()


def test_an_agent_without_cases_is_told_how_to_get_an_authorisation(client):
    agent = staff_user("agent", department("approval", "行政审批局"), ["agent"])
    body = _check(client, agent, "/services/agent/", "携书面授权书到政务服务大厅窗口", "为委托人申请")
    assert 'id="auth-form"' not in body  # the agent cannot record a mandate


def test_a_clerk_is_pointed_to_the_authorisation_form(client, clerk):
    body = _check(client, clerk, "/services/agent/", "在此登记代办员")
    assert 'id="auth-form"' in body


def test_an_empty_snapshot_list_says_how_a_snapshot_is_made(client, leader, stat):
    _check(client, leader, "/economy/indicators/", "统计部门对报告期生成指标快照")
    _check(client, stat, "/economy/indicators/", "统计部门对报告期生成指标快照")


@pytest.fixture
def clause(db):
    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer,
        title="研发投入支持",
        issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="1号",
    )
    c = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd",
        title="研发投入奖励",
        period=2026,
        rule="data.rd_expense(2025) >= 1000000",
        formula="data.rd_expense(2025) * 0.1",
        award_cap=Decimal("150000"),
        notice_days=5,
    )
    return officer, c


def test_a_clause_without_budget_says_who_sets_it_and_where(client, clause, leader):
    officer, c = clause
    finance = staff_user("finance", department("czj", "财政局"), ["finance_officer"])
    _check(client, officer, f"/policies/clauses/{c.pk}/", "政策专员或财政专员通过数据接口")
    _check(client, finance, f"/policies/clauses/{c.pk}/", "政策专员或财政专员通过数据接口")
    _check(client, leader, f"/policies/clauses/{c.pk}/", "预算由政策专员或财政专员按年度设置")
