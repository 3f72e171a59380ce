"""A kiosk session on a portrait touch screen (1080×1920): login by ID card number and the SMS code,
a kiosk-capable 即办件 with its material photographed, the printed licence page, and the automatic
logout after idle time."""

import pytest

from gaoxin.govservices.models import Case
from tests.browser.conftest import accessibility_violations, shot
from tests.govservices.builders import PNG, zone
from tests.govservices.kiosk_world import ID_CARD, kiosk_world, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kiosk_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1080, "height": 1920}, has_touch=True, is_mobile=True, locale="zh-CN"
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    pg.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith((live_server.url, "data:", "blob:")) else None
        ),
    )
    pg.base = live_server.url
    yield pg
    context.close()
    assert not external, external
    assert not errors, errors


def test_a_kiosk_session_from_id_and_code_to_a_printed_licence_then_idle_logout(kiosk_page, settings):
    settings.KIOSK_IDLE_SECONDS = 4
    depts, people, _ = zone()
    person = kiosk_world(people["admin"], depts["approval"])
    page = kiosk_page
    page.goto(page.base + "/services/kiosk/login/")
    page.fill("#k-id", ID_CARD)
    with page.expect_navigation():
        page.tap("button[value=code]")
    page.fill("#k-code", last_code(person))
    with page.expect_navigation():
        page.tap("button[value=login]")
    assert page.url.endswith("/services/kiosk/")
    # Large touch targets: every button at least 60 CSS pixels high.
    box = page.locator("a.big").first.bounding_box()
    assert box and box["height"] >= 60 and box["width"] >= 900
    shot(page, "kiosk-home")
    with page.expect_navigation():
        page.tap("text=个体工商户登记")
    assert page.locator("#km-1").get_attribute("capture") == "environment"
    page.fill("#kf-company", "韦记小吃店")
    page.set_input_files("#km-1", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    case = Case.objects.get(applicant=person)
    assert case.state == "issued" and case.channel == "kiosk"
    assert case.licence.number in page.content()
    assert page.locator("[data-print]").is_visible()
    assert accessibility_violations(page) == []
    shot(page, "kiosk-licence")
    page.emulate_media(media="print")
    assert not page.locator("[data-print]").is_visible()  # the print shows the result, not the buttons
    page.emulate_media(media="screen")
    # Nobody touches the screen: the countdown runs out and the kiosk is back at its login.
    page.wait_for_url("**/services/kiosk/login/", timeout=10_000)
    page.goto(page.base + "/services/kiosk/")
    assert "/services/kiosk/login/" in page.url
