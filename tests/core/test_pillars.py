"""Apps register their menu entries, home-page cards, named permissions and demo steps with
core.pillars; the consumers iterate the registry, and accounts names no app above it."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

import gaoxin
from gaoxin import views
from gaoxin.accounts.context_processors import navigation
from gaoxin.accounts.roles import Role
from gaoxin.core import pillars
from gaoxin.demo import generator
from tests.factories import citizen_user, department, enterprise_user, staff_user

SRC = Path(gaoxin.__file__).parent
PILLAR_NAMES = ("govservices", "policies", "enterprises", "investment", "economy", "talent", "innovation")

# The menu of each kind of user, as it was when accounts listed the pillars itself.
MENUS = {
    "window_clerk": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("窗口叫号", "/services/hall/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
        ("企业账户核验", "/accounts/claims/"),
    ],
    "reviewer": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
    ],
    "approver": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
    ],
    "agent": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("代办工作台", "/services/agent/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
    ],
    "policy_officer": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("政策资金", "/policies/funds/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
        ("人才认定", "/talent/"),
        ("人才层次", "/talent/tiers/"),
        ("人才安居", "/talent/flats/applications/"),
        ("双创载体", "/innovation/"),
        ("研发机构", "/innovation/rd-centres/"),
        ("博士后工作站", "/innovation/stations/"),
        ("专家顾问", "/innovation/experts/"),
        ("技术合同", "/innovation/contracts/"),
        ("成果转化", "/innovation/transfers/"),
    ],
    "finance_officer": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("政策资金", "/policies/funds/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("产业链图谱", "/investment/chains/"),
    ],
    "investment_officer": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("招商引资", "/investment/"),
    ],
    "statistician": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("企业名录", "/enterprises/"),
        ("企业报表", "/enterprises/reports/"),
        ("统计分析", "/enterprises/statistics/"),
        ("规模自测", "/enterprises/classification-check/"),
        ("产业链图谱", "/investment/chains/"),
        ("双创载体", "/innovation/"),
        ("研发机构", "/innovation/rd-centres/"),
        ("博士后工作站", "/innovation/stations/"),
        ("专家顾问", "/innovation/experts/"),
        ("技术合同", "/innovation/contracts/"),
        ("成果转化", "/innovation/transfers/"),
        ("经济运行", "/economy/"),
        ("综合评价", "/economy/evaluation/"),
        ("营商环境", "/economy/business-environment/"),
    ],
    "leader": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("政策资金", "/policies/funds/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("招商引资", "/investment/"),
        ("人才认定", "/talent/"),
        ("人才层次", "/talent/tiers/"),
        ("人才安居", "/talent/flats/applications/"),
        ("双创载体", "/innovation/"),
        ("研发机构", "/innovation/rd-centres/"),
        ("博士后工作站", "/innovation/stations/"),
        ("专家顾问", "/innovation/experts/"),
        ("技术合同", "/innovation/contracts/"),
        ("成果转化", "/innovation/transfers/"),
        ("经济运行", "/economy/"),
        ("综合评价", "/economy/evaluation/"),
        ("营商环境", "/economy/business-environment/"),
        ("审计日志", "/audit/"),
    ],
    "system_admin": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("大厅与窗口管理", "/services/hall/manage/"),
        ("待办件", "/services/inbox/"),
        ("好差评", "/services/ratings/"),
        ("电子监察", "/services/supervision/"),
        ("惠企政策", "/policies/"),
        ("政策资金", "/policies/funds/"),
        ("企业名录", "/enterprises/"),
        ("统计分析", "/enterprises/statistics/"),
        ("招商引资", "/investment/"),
        ("人才认定", "/talent/"),
        ("人才层次", "/talent/tiers/"),
        ("人才安居", "/talent/flats/applications/"),
        ("双创载体", "/innovation/"),
        ("研发机构", "/innovation/rd-centres/"),
        ("博士后工作站", "/innovation/stations/"),
        ("专家顾问", "/innovation/experts/"),
        ("技术合同", "/innovation/contracts/"),
        ("成果转化", "/innovation/transfers/"),
        ("经济运行", "/economy/"),
        ("综合评价", "/economy/evaluation/"),
        ("营商环境", "/economy/business-environment/"),
        ("企业账户核验", "/accounts/claims/"),
        ("工作日历", "/calendar/"),
        ("审计日志", "/audit/"),
        ("业务流程", "/workflows/"),
        ("系统管理", "/admin/"),
    ],
    "enterprise_legal_rep": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("我的办件", "/services/cases/"),
        ("我的评价", "/services/ratings/"),
        ("大厅取号与预约", "/services/hall/"),
        ("惠企政策", "/policies/mine/"),
        ("企业报表", "/enterprises/reports/"),
        ("规模自测", "/enterprises/classification-check/"),
        ("人才认定", "/talent/"),
        ("人才安居", "/talent/flats/applications/"),
        ("双创载体", "/innovation/"),
        ("经办人授权", "/accounts/operators/"),
    ],
    "enterprise_operator": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("我的办件", "/services/cases/"),
        ("我的评价", "/services/ratings/"),
        ("大厅取号与预约", "/services/hall/"),
        ("惠企政策", "/policies/mine/"),
        ("企业报表", "/enterprises/reports/"),
        ("规模自测", "/enterprises/classification-check/"),
        ("人才认定", "/talent/"),
        ("人才安居", "/talent/flats/applications/"),
        ("双创载体", "/innovation/"),
    ],
    "citizen": [
        ("首页", "/"),
        ("办事服务", "/services/"),
        ("我的办件", "/services/cases/"),
        ("我的评价", "/services/ratings/"),
        ("大厅取号与预约", "/services/hall/"),
        ("惠企政策", "/policies/"),
        ("人才认定", "/talent/"),
        ("人才安居", "/talent/flats/applications/"),
    ],
}


def _users():
    dept = department("approval", "行政审批局")
    users = {r.value: staff_user(r.value, dept, [r.value]) for r in Role}
    users["enterprise_legal_rep"] = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    users["enterprise_operator"] = enterprise_user(
        "op", "91350100M000100Y43", "示例科技有限公司", legal_rep=False
    )
    users["citizen"] = citizen_user("citizen", "11010519491231002X")
    return users


@pytest.mark.django_db
def test_menu_per_kind_of_user_is_unchanged():
    for name, user in _users().items():
        request = RequestFactory().get("/")
        request.user = user
        menu = [(str(i["label"]), i["url"]) for i in navigation(request)["nav"]]
        assert menu == MENUS[name], name


@pytest.mark.django_db
def test_home_cards_come_in_pillar_order():
    from gaoxin.economy import home as economy
    from gaoxin.enterprises import home as enterprises
    from gaoxin.govservices import home as govservices
    from gaoxin.innovation import home as innovation
    from gaoxin.investment import home as investment
    from gaoxin.policies import home as policies
    from gaoxin.talent import home as talent

    for name, user in _users().items():
        expected = [
            c
            for m in (govservices, policies, enterprises, investment, talent, innovation, economy)
            for c in m.cards(user)
        ]
        assert views.home_cards(user) == expected, name


def test_registry_in_declared_order():
    assert [p.label for p in pillars.pillars()] == [
        "govservices",
        "policies",
        "enterprises",
        "investment",
        "talent",
        "innovation",
        "economy",
        "accounts",
    ]
    assert [s.title for s in generator.steps()] == [
        "企业名录",
        "部门与账户",
        "政务服务",
        "一件事与工程建设项目",
        "政务服务大厅与自助终端",
        "惠企政策",
        "招商引资",
        "人才与双创",
        "人才补贴",
        "双创载体",
        "人才公寓",
        "经济运行",
    ]
    assert generator.demo_apps() == [
        "core",
        "enterprises",
        "accounts",
        "govservices",
        "policies",
        "investment",
        "talent",
        "innovation",
        "economy",
    ]


def test_named_permissions_come_from_the_registry():
    from gaoxin.accounts import permissions

    assert pillars.rule("core.manage_calendar") is permissions.can_manage_calendar
    assert pillars.rule("core.view_audit") is permissions.can_view_audit
    assert pillars.rule("core.view_all_tasks") is permissions.is_system_admin
    assert pillars.rule("nobody.declared_this") is None


def test_two_apps_cannot_claim_one_permission():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        pillars.register(pillars.Pillar("intruder", order=1, rules={"core.view_audit": lambda user: True}))
    assert "intruder" not in [p.label for p in pillars.pillars()]


def test_accounts_names_no_pillar():
    pattern = re.compile(r"\b(" + "|".join(PILLAR_NAMES) + r")\b")
    hits = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted((SRC / "accounts").rglob("*"))
        if path.is_file() and path.suffix in {".py", ".html", ".txt"}
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not hits, "accounts 不应提及其上层的应用：\n" + "\n".join(hits)
