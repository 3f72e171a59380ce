"""The layout every page shares: the menu grouped for busy roles with exactly one entry highlighted, the
large-font, high-contrast mode (适老化) switchable by anyone, and a login link for anonymous visitors."""

import pytest
from django.test import Client, RequestFactory

from gaoxin.accounts import context_processors
from gaoxin.accounts.context_processors import CARE_COOKIE, FLAT_MENU_MAX, MENU_ROW_MAX, navigation
from gaoxin.accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, citizen_user, department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db


def _menu(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


def _admin():
    return staff_user("boss", department("approval", "行政审批局"), [r.value for r in Role])


def test_the_busiest_menu_is_grouped_into_menus_that_hold_every_entry():
    ctx = _menu(_admin())
    assert len(ctx["nav"]) > FLAT_MENU_MAX
    tops = ctx["nav_groups"]
    assert len(tops) <= MENU_ROW_MAX, [g.get("title") or g["entry"]["label"] for g in tops]
    listed = [e["url"] for g in tops for e in (g["entries"] if "entries" in g else [g["entry"]])]
    assert listed == [e["url"] for e in ctx["nav"]]
    assert all(str(g["title"]) for g in tops if "entries" in g)


def _every_kind_of_user():
    yield citizen_user("citizen", "11010519491231002X")
    yield enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    dept = department("approval", "行政审批局")
    for role in Role:
        yield staff_user(f"u_{role.value}", dept, [role.value])


def test_every_users_menu_is_links_when_short_and_grouped_within_one_row_when_long():
    """A menu of up to FLAT_MENU_MAX entries is one row of plain links; a longer one groups each app's
    entries under its title, and the row of links and titles still fits (every user kind, every role)."""
    for user in _every_kind_of_user():
        ctx = _menu(user)
        tops = ctx["nav_groups"]
        if len(ctx["nav"]) <= FLAT_MENU_MAX:
            assert all("entry" in g for g in tops), user.username
        else:
            assert len(tops) <= MENU_ROW_MAX, user.username
        listed = [e["url"] for g in tops for e in (g["entries"] if "entries" in g else [g["entry"]])]
        assert listed == [e["url"] for e in ctx["nav"]], user.username


def test_a_menu_within_the_flat_limit_is_plain_links(monkeypatch):
    user = citizen_user("citizen", "11010519491231002X")
    grouped = _menu(user)
    assert any("entries" in g for g in grouped["nav_groups"])
    monkeypatch.setattr(context_processors, "FLAT_MENU_MAX", len(grouped["nav"]))
    flat = _menu(user)
    assert [g["entry"] for g in flat["nav_groups"]] == flat["nav"]


def test_an_enterprise_menu_past_the_flat_limit_is_grouped_within_one_row():
    ctx = _menu(enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司"))
    tops = ctx["nav_groups"]
    assert len(tops) <= FLAT_MENU_MAX
    assert [e["url"] for g in tops for e in (g["entries"] if "entries" in g else [g["entry"]])] == [
        e["url"] for e in ctx["nav"]
    ]


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/services/inbox/", "/services/inbox/"),
        ("/services/", "/services/"),
        ("/", "/"),
        ("/enterprises/statistics/anomalies/", "/enterprises/statistics/"),
    ],
)
def test_exactly_one_entry_is_highlighted(path, expected):
    ctx = _menu(_admin(), path)
    active = [e["url"] for e in ctx["nav"] if e["active"]]
    assert active == [expected]
    groups = [g for g in ctx["nav_groups"] if "entries" in g and g["active"]]
    assert len(groups) <= 1


def test_rendered_menu_marks_the_current_page_once():
    _admin()
    c = Client()
    c.login(username="boss", password=DEFAULT_PASSWORD)
    body = c.get("/services/inbox/").content.decode()
    assert body.count('aria-current="page"') == 1
    assert '<details class="menu active">' in body


def test_care_mode_is_switched_for_anonymous_visitors_and_kept():
    c = Client()
    page = c.get("/accounts/login/").content.decode()
    assert 'class="care"' not in page and "大字模式" in page
    response = c.post("/accounts/display/", {"care": "1", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert c.cookies[CARE_COOKIE].value == "1"
    page = c.get("/accounts/login/").content.decode()
    assert '<html lang="zh-CN" class="care">' in page and "标准模式" in page
    c.post("/accounts/display/", {"care": "0", "next": "/accounts/login/"})
    assert 'class="care"' not in c.get("/accounts/login/").content.decode()


def test_care_mode_switch_refuses_to_redirect_elsewhere():
    response = Client().post("/accounts/display/", {"care": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_care_mode_switch_needs_post():
    assert Client().get("/accounts/display/").status_code == 405


def test_anonymous_pages_offer_login_and_registration():
    body = Client().get("/accounts/register/").content.decode()
    assert 'href="/accounts/login/?next=/accounts/register/"' in body
    assert "注册" in body
