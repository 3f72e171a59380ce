"""The science office at work in Chromium, at 1366 px and at phone width: it registers an expert,
appoints and dismisses them, sets up a postdoc station and registers a postdoc entering, and records a
成果转化 project; each page fits the window, and each write shows in the list it belongs to."""

import pytest

from gaoxin.core import clock
from gaoxin.innovation.models import Appointment, Postdoc, Transfer
from tests.browser.conftest import DESKTOP, PHONE, layout_problems, login, shot
from tests.factories import DEFAULT_PASSWORD
from tests.innovation.builders import innovation_zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _id_card(serial: int) -> str:
    body = f"11010519800101{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _submit(page, form: str) -> None:
    bad = page.evaluate(
        f"[...document.querySelectorAll('{form} input, {form} select')].filter(e => !e.checkValidity()).map(e => e.name + ':' + e.validationMessage + ':' + e.value)"
    )
    assert not bad, bad
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


@pytest.mark.parametrize(("size", "label", "n"), [(DESKTOP, "desktop", 1), (PHONE, "phone", 2)])
def test_the_office_registers_appoints_dismisses_and_records_on_the_pages(page, size, label, n):
    iz = innovation_zone()
    page.set_viewport_size(size)
    login(page, "office", DEFAULT_PASSWORD)
    later = clock.today().replace(year=clock.today().year + 2).isoformat()

    page.goto(page.base + "/innovation/experts/")
    assert layout_problems(page) == [], label
    page.fill("#expert-form #id_name", f"陈教授{n}")
    page.fill("#expert-form #id_organisation", "广西大学机械工程学院")
    page.fill("#expert-form #id_title", "教授")
    page.fill("#expert-form #id_field", "汽车电子与智能网联")
    _submit(page, "#expert-form")
    assert "已登记专家" in page.content() and f"陈教授{n}" in page.locator("h1").inner_text()
    page.select_option("#appoint-form #id_department_id", str(iz["sci"].pk))
    page.fill("#appoint-form #id_field", "智能网联汽车产业规划")
    page.fill("#appoint-form #id_term_to", later)
    _submit(page, "#appoint-form")
    assert "在聘" in page.locator("table").inner_text()
    shot(page, f"innovation-expert-appointed-{label}")
    page.fill("input[name=reason]", "工作调动，提前解聘")
    with page.expect_navigation():
        page.click("form:has(input[name=reason]) button[type=submit]")
    table = page.locator("table").inner_text()
    assert "已解聘" in table and "工作调动，提前解聘" in table
    assert layout_problems(page) == [], label
    shot(page, f"innovation-expert-dismissed-{label}")
    assert Appointment.objects.get(expert__name=f"陈教授{n}").end_reason == "工作调动，提前解聘"

    page.goto(page.base + "/innovation/stations/")
    page.select_option("#station-form #id_st-kind", "station")
    page.fill("#station-form #id_st-name", f"高新区博士后科研工作站{n}")
    page.fill("#station-form #id_st-partner", "广西大学")
    _submit(page, "#station-form")
    assert "已设立工作站" in page.content()
    page.fill("#postdoc-form #id_pd-name", f"李博士{n}")
    page.fill("#postdoc-form #id_pd-id_card", _id_card(n))
    page.fill("#postdoc-form #id_pd-field", "固态电池材料")
    page.fill("#postdoc-form #id_pd-supervisor", "王教授")
    _submit(page, "#postdoc-form")
    assert "已登记博士后进站" in page.content() and f"李博士{n}" in page.locator("table").first.inner_text()
    assert layout_problems(page) == [], label
    shot(page, f"innovation-stations-{label}")
    assert Postdoc.objects.get(name=f"李博士{n}").state == Postdoc.State.IN_STATION

    page.goto(page.base + "/innovation/transfers/")
    page.fill("#transfer-form #id_name", f"固态电池中试线成果转化{n}")
    page.fill("#transfer-form #id_enterprise_uscc", iz["a"].uscc)
    page.fill("#transfer-form #id_source", "广西大学")
    page.check("#transfer-form #id_major")
    page.fill("#transfer-form #id_investment", "3000000")
    _submit(page, "#transfer-form")
    assert f"固态电池中试线成果转化{n}" in page.locator("table").inner_text()
    assert layout_problems(page) == [], label
    shot(page, f"innovation-transfers-{label}")
    assert Transfer.objects.get(name=f"固态电池中试线成果转化{n}").major
