"""Enterprise data reporting in a real browser: report, fail validation, explain, submit; returned by
the statistician, corrected, accepted; the profile page draws the trend."""

from decimal import Decimal

import pytest

from gaoxin.enterprises.models import Report
from tests.browser.conftest import click_nav, login, shot
from tests.enterprises.factories import USCC, enterprise, report
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    from gaoxin.enterprises.services.reporting import report_forms_ensure

    report_forms_ensure()
    e = enterprise()
    for year in (2023, 2024):
        for month in range(1, 13):
            report(
                e,
                year,
                month,
                revenue=Decimal(1_000_000 * month),
                output_value=Decimal(1_050_000 * month),
                tax=Decimal(30_000 * month),
            )
    report(e, 2025, 1, revenue=Decimal(1_100_000), tax=Decimal(30_000))
    report(e, 2025, 2, revenue=Decimal(2_000_000), tax=Decimal(60_000))
    enterprise_user("ent", USCC, e.name)
    staff_user("stat", department("stats", "统计局"), ["statistician"])
    return e


def fill(page, values: dict):
    for name, value in values.items():
        page.fill(f"#id_{name}", value)


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username, DEFAULT_PASSWORD)


def test_report_return_correct_accept_and_profile_trend(page, people):
    login(page, "ent", DEFAULT_PASSWORD)
    page.goto(page.base + "/enterprises/reports/")
    page.select_option("#year", "2025")
    page.select_option("#month", "3")
    page.click("text=打开报表")
    page.wait_for_selector("#report-form")
    fill(page, {"revenue": "1500000", "profit": "100000", "tax": "90000", "employees": "50"})
    page.click("button[value=submit]")
    page.wait_for_selector(".has-error")
    assert "不能小于上月累计" in page.locator("#report-form").inner_text()
    shot(page, "report-validation-error")

    fill(page, {"revenue": "6000000"})
    page.click("button[value=submit]")
    page.wait_for_selector(".msg-error")
    assert "请说明原因" in page.locator("#report-form").inner_text()
    page.fill("#id_explain_revenue", "新车型三月批量上市")
    page.click("button[value=submit]")
    page.wait_for_selector("#report-state")
    assert page.locator("#report-state").inner_text() == "已报送"
    report_url = page.url
    shot(page, "report-submitted")

    switch_user(page, "stat")
    page.goto(report_url)
    page.fill("#reason-return", "营业收入与开票数据不符，请核实")
    page.click("button[value=return]")
    page.wait_for_selector("#report-state")
    assert page.locator("#report-state").inner_text() == "已退回"

    switch_user(page, "ent")
    page.goto(report_url)
    assert "营业收入与开票数据不符" in page.locator("#return-reason").inner_text()
    fill(page, {"revenue": "3000000"})
    page.click("button[value=submit]")
    page.wait_for_selector("#report-state")
    assert page.locator("#report-state").inner_text() == "已报送"

    switch_user(page, "stat")
    page.goto(report_url)
    page.click("button[value=accept]")
    page.wait_for_selector("#report-state")
    assert page.locator("#report-state").inner_text() == "已审核"
    assert Report.objects.get(year=2025, month=3).revenue == Decimal(3_000_000)
    shot(page, "report-accepted")

    page.goto(page.base + f"/enterprises/{USCC}/")
    page.wait_for_selector("#chart-yearly canvas")
    page.wait_for_selector("#chart-monthly canvas")
    assert "一企一档" in page.locator("h1").inner_text()
    assert "为小型企业" in page.locator("body").inner_text() or "分类" in page.locator("body").inner_text()
    shot(page, "enterprise-profile")


def test_statistician_pages_render(page, people):
    login(page, "stat", DEFAULT_PASSWORD)
    page.goto(page.base + "/enterprises/statistics/?year=2025&month=2")
    page.wait_for_selector("#totals")
    assert "汽车" in page.locator("#totals").inner_text()
    page.wait_for_selector("#chart-by-group canvas")
    page.wait_for_selector("#chart-by-month canvas")
    shot(page, "statistics-totals")
    page.click("text=未报送企业")
    page.wait_for_selector("#not-reported")
    shot(page, "statistics-not-reported")


def test_enterprise_tries_figures_on_the_size_self_check(page, people):
    login(page, "ent", DEFAULT_PASSWORD)
    click_nav(page, "规模自测")
    page.wait_for_selector("#classification-check")
    fill(page, {"industry": "L7212", "employees": "150", "revenue": "1000000", "assets": "500000"})
    page.click("#classification-check button[type=submit]")
    page.wait_for_selector("#classification-result")
    assert page.locator("#result-size").inner_text() == "微型"
    assert "资产总额 50.00万元" in page.locator("#classification-result").inner_text()
    assert page.input_value("#id_assets") == "500000"
    shot(page, "classification-check")
