"""一件事 in a real browser: the applicant finds 我要开餐馆, fills the one form, uploads the one material
set, and the window accepts it once: three member cases, each in its department."""

import pytest

from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.govservices.models import BundleCase
from tests.browser.conftest import PHONE, accessibility_violations, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_applicant_applies_for_a_bundle_and_the_window_accepts_it_once(page, zone):
    login(page, "ent", DEMO_PASSWORD)
    page.goto(page.base + "/services/")
    page.click("text=一件事一次办")
    page.fill("#bundle-q", "餐馆")
    page.click("form.filters button[type=submit]")
    page.click("#bundle-list >> text=我要开餐馆")
    assert "一次告知" in page.content()
    assert accessibility_violations(page) == []
    page.fill("[name=project]", "高新区示例餐馆")
    page.fill("[name=address]", "高新区科技大道 1 号")
    inputs = page.locator("#bundle-apply input[type=file]")
    for i in range(inputs.count()):
        inputs.nth(i).set_input_files(
            files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    with page.expect_navigation():
        page.click("#bundle-apply button[type=submit]")
    assert page.locator("#bundle-state").inner_text() == "待受理"
    number = page.locator("h1 small").inner_text()
    shot(page, "bundle-submitted")

    page.context.clear_cookies()
    login(page, "clerk", DEMO_PASSWORD)
    page.goto(f"{page.base}/services/bundle-cases/{number}/")
    with page.expect_navigation():
        page.click("form[data-action=accept] button[type=submit]")
    assert page.locator("#bundle-state").inner_text() == "办理中"
    links = page.locator("#bundle-members a")
    assert links.count() == 3
    assert BundleCase.objects.get(number=number).members.filter(case__state="in_review").count() == 3
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert accessibility_violations(page) == []
    shot(page, "bundle-accepted")
