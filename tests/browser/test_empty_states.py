"""On an empty zone the empty lists read well on a desktop and a phone: the sentence shows, its link
opens, and the page does not overflow sideways."""

from urllib.parse import urljoin

import pytest

from tests.browser.conftest import DESKTOP, PHONE, layout_problems, login, shot
from tests.enterprises import factories as ef
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "invest": ["/investment/", "/investment/carriers/", "/investment/trips/?year=2020"],
    "agent": ["/services/agent/"],
    "stat": ["/enterprises/statistics/?year=2025&month=6", "/economy/indicators/", "/enterprises/{uscc}/"],
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_empty_lists_read_well_and_their_links_open(page, size):
    staff_user("invest", department("investment", "投资促进局"), ["investment_officer"])
    staff_user("agent", department("approval", "行政审批局"), ["agent"])
    staff_user("stat", department("stats", "统计局"), ["statistician"])
    uscc = ef.enterprise().uscc
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    for username, urls in PAGES.items():
        page.context.clear_cookies()
        login(page, username, DEFAULT_PASSWORD)
        for n, url in enumerate(urls):
            page.goto(page.base + url.format(uscc=uscc))
            state = page.locator(".empty-state").first
            assert state.is_visible(), url
            assert layout_problems(page) == [], (url, layout_problems(page))
            shot(page, f"empty-{username}-{n}-{size}")
            href = state.locator("a").first.get_attribute("href")
            if not href.startswith("#"):
                response = page.request.get(urljoin(page.url, href))
                assert response.status < 400, (url, href)
