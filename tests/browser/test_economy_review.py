"""The yearly review in Chromium: the office writes a section's paragraph, generates the review, sees it
finish and downloads the PDF, which poppler renders to an image with the Chinese title and figures
(kept under screenshots/ to be looked at); the page is tidy at a desktop and a phone width."""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from PIL import Image

from gaoxin.core import clock
from gaoxin.economy.services.catalogue import indicator_save
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    accessibility_violations,
    chinese_labels,
    layout_problems,
    login,
    shot,
    switch_language,
)
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_generate_download_and_render_the_yearly_review(page, tmp_path):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(a, 2019, 0, output_value=Decimal("300000000"))
    report(a, 2020, 0, output_value=Decimal("365000000"))
    indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
    )
    with clock.frozen(dt.date(2021, 3, 1)):
        page.set_viewport_size(DESKTOP)
        login(page, "stat", DEFAULT_PASSWORD)
        page.goto(page.base + "/economy/reviews/2020/")
        row = page.locator("tr[data-code=GY01]")
        assert "3.65亿元" in row.inner_text() and "同比增长 21.7%" in row.inner_text()
        assert layout_problems(page) == [] and accessibility_violations(page) == []
        section = page.locator("#section-quality")
        section.get_by_label("正文").fill("全年工业稳中有进，新能源汽车产销两旺。")
        with page.expect_navigation():
            section.get_by_role("button", name="保存文字").click()
        assert "已保存" in page.locator(".messages").inner_text()

        with page.expect_navigation():
            page.get_by_role("button", name="生成年度报告").click()
        progress = page.locator("#review-run")
        progress.get_by_text("已完成").wait_for()
        assert "已生成 PDF" in progress.inner_text()
        shot(page, "economy-review-desktop")
        with page.expect_download() as download:
            progress.get_by_role("link", name="下载 PDF").click()
        pdf = tmp_path / "review.pdf"
        download.value.save_as(pdf)

        page.set_viewport_size(PHONE)
        page.goto(page.base + "/economy/reviews/2020/")
        assert layout_problems(page) == [] and accessibility_violations(page) == []
        shot(page, "economy-review-phone")
        page.set_viewport_size(DESKTOP)
        switch_language(page, "en")
        assert page.locator("#section-quality h2").inner_text() == "Quality growth"
        assert chinese_labels(page) == [] and layout_problems(page) == []

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils, installed by scripts/setup.sh test) renders the PDF"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(SCREENSHOTS / "economy-review-pdf"),
        ],
        check=True,
    )
    png = next(SCREENSHOTS.glob("economy-review-pdf*.png"))
    image = Image.open(png).convert("L")
    assert image.size[0] > 500
    top = image.crop((0, 0, image.size[0], image.size[1] // 3))
    dark = sum(top.histogram()[:128])
    assert dark > 2000, "the first page's upper third is blank: the Chinese title and figures did not render"
    text = subprocess.run(
        [pdftoppm.replace("pdftoppm", "pdftotext"), str(pdf), "-"], capture_output=True, check=True
    )
    flat = "".join(text.stdout.decode().split())
    assert (
        "全年工业稳中有进，新能源汽车产销两旺。" in flat and "规上工业总产值3.65亿元，同比增长21.7%。" in flat
    )
