"""The registry import page in a real browser: the template and 填表说明 are offered; a file damaged by
the spreadsheet software gets row-level messages and a downloadable error sheet; a broken file gets
its reason, not an error page."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gaoxin.core.officefiles import NUMBER_LOST
from gaoxin.enterprises.models import Enterprise
from tests.browser.conftest import login, shot
from tests.factories import DEFAULT_PASSWORD, department, staff_user
from tests.imports import badfiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent.parent / "imports" / "fixtures"


def test_a_damaged_registry_file_gets_row_level_messages_and_an_error_sheet(page, tmp_path):
    staff_user("stat", department("stats", "统计局"), ["statistician"])
    login(page, "stat", DEFAULT_PASSWORD)
    page.goto(page.base + "/enterprises/import/")
    assert page.locator("a[href='?template=enterprises']").count() == 1
    page.locator("details.import-help summary").last.click()
    assert page.locator("details.import-help").last.locator("th", has_text="国民经济行业代码").is_visible()

    page.set_input_files("#file-enterprises", str(FIXTURES / "registry-lost-digits.xlsx"))
    with page.expect_navigation():
        page.locator("form", has=page.locator("#file-enterprises")).locator("button[type=submit]").click()
    rows = page.locator("#import-errors tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "第2行"
    assert NUMBER_LOST in rows.first.locator("td").inner_text()
    shot(page, "import-row-errors")
    with page.expect_download() as download:
        page.click("#error-sheet a")
    path = tmp_path / "errors.xlsx"
    download.value.save_as(path)
    sheet = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert sheet[0][-1] == "错误说明" and NUMBER_LOST in sheet[1][-1]

    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(badfiles.nul_reference())
    page.set_input_files("#file-enterprises", str(bad))
    with page.expect_navigation():
        page.locator("form", has=page.locator("#file-enterprises")).locator("button[type=submit]").click()
    alert = page.locator("[role=alert], .msg-error").first.inner_text()
    assert "损坏" in alert and "invalid character" in alert, alert
    assert Enterprise.objects.count() == 0
