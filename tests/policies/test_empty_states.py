"""Every policies list page with no rows says what to do next and links there (a link that opens)."""

import re

import pytest

from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def _empty_states(body: str) -> list[str]:
    return re.findall(r'class="muted empty-state">(.*?)</(?:td|p)>', body, re.S)


def _check(client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, url
    body = r.content.decode()
    states = _empty_states(body)
    assert states, f"{url} 没有空状态说明"
    for text in states:
        links = re.findall(r'<a href="([^"]+)"', text)
        assert links, (url, text)
        for href in links:
            href = href.replace("&amp;", "&")
            if href.startswith("#"):
                assert f'id="{href[1:]}"' in body, (url, href)
            else:
                assert client.get(href).status_code == 200, (url, href)


def test_the_officers_empty_lists_say_what_to_do_next(client, officer, policy):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    _check(client, f"/policies/p/{policy.pk}/")
    _check(client, "/policies/relief/")
    _check(client, "/policies/?q=不存在的政策")
    body = client.get("/policies/?q=不存在的政策").content.decode()
    assert "清除搜索，查看全部政策" in body


def test_an_empty_catalogue_tells_the_officer_to_add_the_first_policy(client, officer):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    _check(client, "/policies/")
    assert 'href="#new-policy">新建政策</a>' in client.get("/policies/").content.decode()


def test_finance_empty_lists_say_what_to_do_next(client, finance):
    client.login(username=finance.username, password=DEFAULT_PASSWORD)
    _check(client, "/policies/payments/")
    _check(client, "/policies/ledger/")


def test_the_enterprises_empty_lists_say_what_to_do_next(client, hte_user):
    client.login(username=hte_user.username, password=DEFAULT_PASSWORD)
    _check(client, "/policies/mine/")
