"""No link the platform shows leads nowhere: on a demo zone, as every demo user, every menu page is
opened and every link on it that stays on the site is followed; none may answer 404 or 500.

(A link a user may not follow must not be shown; a record a user may read from one page — a clause
whose money the finance office pays — must open from every page that names it.)"""

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from gaoxin.accounts.models import User
from gaoxin.accounts.services import enterprise_user_create
from gaoxin.core import pillars
from gaoxin.enterprises.models import Enterprise
from gaoxin.policies.models import Budget
from gaoxin.policies.services import catalogue

pytestmark = pytest.mark.django_db

# Followed at most this many times per URL pattern and user: the sweep finds a kind of link that is
# wrong, not every instance of it.
PER_PATTERN = 8
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout/")


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Anchors()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or href.startswith(SKIP_PREFIXES):
            continue
        if any(k in parts.query for k in ("format=", "export=")):
            continue  # downloads: covered by the export sweeps
        out.append(href)
    return out


def _pattern(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def test_every_link_on_every_menu_page_of_every_demo_user_leads_somewhere():
    from gaoxin.demo import generator

    generator.build(seed=7, count=120, log=lambda m: None)
    # a clause withdrawn after money was budgeted for it: the funds pages still name it
    officer = User.objects.get(username="policy")
    clause = Budget.objects.order_by("pk").first().clause
    catalogue.clause_act(actor=officer, clause=clause, action="withdraw")
    # an enterprise account registered a moment ago and not yet verified at a window
    enterprise_user_create(
        actor=None,
        username="newcomer",
        password="Kx7#qlmz-2026",
        full_name="新注册",
        uscc=Enterprise.objects.order_by("uscc").first().uscc,
        enterprise_name="待核验企业",
        legal_rep=True,
    )
    broken = []
    users = User.objects.filter(is_active=True).order_by("username")
    assert users.count() >= 14 and users.filter(username="newcomer").exists()
    for user in users:
        client = Client()
        client.force_login(user)
        pages = ["/"] + [url for _, url in pillars.nav_items(user)]
        seen: set[str] = set()
        per_pattern: dict[str, int] = defaultdict(int)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (user.username, page, response.status_code)
            for href in _links(response.content.decode()):
                pattern = _pattern(urlsplit(href).path)
                if href in seen or per_pattern[pattern] >= PER_PATTERN:
                    continue
                seen.add(href)
                per_pattern[pattern] += 1
                status = client.get(href).status_code
                if status in (404, 500):
                    broken.append(f"{user.username}: {page} → {href} ({status})")
    assert not broken, broken
