"""Under the Content-Security-Policy the key pages report no violation (the page fixture fails any
test whose pages log a CSP violation) and their scripts, now in static files, still work."""

import pytest

from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fixture_records_what_the_policy_blocks(page, zone):
    response = page.goto(page.base + "/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in v for v in page.csp_violations)
    page.csp_violations.clear()


def test_charts_and_workflows_draw_under_the_policy(page, zone):
    login(page, "leader", DEMO_PASSWORD)
    page.wait_for_selector("#chart-industry canvas")
    assert page.locator("#chart-size canvas").count() == 1
    # A tooltip is drawn on hover; it must not need an inline style either.
    box = page.locator("#chart-industry canvas").bounding_box()
    page.mouse.move(box["x"] + 130, box["y"] + 20)
    page.wait_for_timeout(400)
    page.goto(page.base + "/workflows/")
    page.wait_for_selector(".workflow-chart canvas")
    assert page.locator(".workflow-chart canvas").count() >= 3


def test_select_filters_and_select_all_work_without_inline_handlers(page, zone):
    login(page, "clerk", DEMO_PASSWORD)
    page.goto(page.base + "/services/cases/")
    value = page.eval_on_selector("#state", "s => [...s.options].map(o => o.value).filter(Boolean)[0]")
    with page.expect_navigation():
        page.select_option("#state", value)
    assert f"state={value}" in page.url
    page.context.clear_cookies()
    login(page, "policy", DEMO_PASSWORD)
    page.goto(page.base + "/policies/awards/")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() > 1
    page.check("input[data-check-all=ids]")
    assert boxes.count() == page.locator("input[name=ids]:checked").count()
    page.uncheck("input[data-check-all=ids]")
    assert page.locator("input[name=ids]:checked").count() == 0
    page.goto(page.base + "/services/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
