"""Applying in steps in a real browser: an enterprise user clicks through form → materials →
commitment → preview, saves a draft, comes back after signing in again, and submits."""

import pytest

from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.govservices.models import ApplicationDraft, Case
from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM = "GX0100000007"  # 建筑工程施工许可: four materials, the last one may be replaced by a commitment


def upload(page, selector, name):
    page.set_input_files(selector, files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}])


def looks_right(page, name):
    """The step at a desktop and a phone width: screenshots, tidy layout, no accessibility violation."""
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        shot(page, f"apply-steps-{name}-{suffix}")
        assert layout_problems(page) == [], name
        assert accessibility_violations(page) == [], name
    page.set_viewport_size(DESKTOP)


def click(page, label):
    page.locator("form.apply-step button", has_text=label).click()
    page.wait_for_load_state("networkidle")


def current_step(page) -> str:
    return page.locator(".apply-steps [aria-current=step]").inner_text()


def test_an_enterprise_walks_the_steps_saves_a_draft_comes_back_and_submits(page, zone):
    page.set_viewport_size(DESKTOP)
    login(page, "ent", DEMO_PASSWORD)
    page.goto(f"{page.base}/services/items/{ITEM}/")
    page.click("text=在线申请")
    looks_right(page, "one-page")
    page.click("#apply-in-steps a")
    assert "填写申请表" in current_step(page)
    looks_right(page, "form")

    click(page, "下一步")  # nothing typed yet: each required field says what it needs
    assert page.locator("#e_project").inner_text() == "请填写项目名称"
    page.fill("[name=project]", "年产五万台工业机器人项目")
    click(page, "下一步")
    assert "请填写经营（建设）地址" in page.locator("#e_address").inner_text()
    assert page.locator("[name=project]").input_value() == "年产五万台工业机器人项目"
    looks_right(page, "form-missing")
    page.fill("[name=address]", "高新区科技大道 8 号")
    click(page, "下一步")

    assert "上传材料" in current_step(page)
    upload(page, "#file_1", "施工许可申请表.pdf")
    upload(page, "#file_2", "规划许可证.pdf")
    upload(page, "#file_3", "施工合同.pdf")
    click(page, "保存草稿")
    assert "草稿已保存" in page.locator("body").inner_text()
    assert page.locator(".kept").count() == 3
    looks_right(page, "materials")

    page.context.clear_cookies()
    login(page, "ent", DEMO_PASSWORD)
    page.goto(page.base + "/services/cases/")
    drafts = page.locator("section.drafts")
    assert "未提交的草稿" in drafts.inner_text() and "建筑工程施工许可" in drafts.inner_text()
    looks_right(page, "cases-with-draft")
    drafts.locator("a", has_text="继续填写").click()
    assert "上传材料" in current_step(page)
    assert "施工合同.pdf" in page.locator("form.apply-step").inner_text()
    click(page, "下一步")

    assert "告知承诺" in current_step(page)
    click(page, "下一步")
    assert "施工图审查合格书" in page.locator("#e_commitment").inner_text()
    looks_right(page, "commitment")
    page.check("#commitment")
    click(page, "下一步")

    assert "预览确认" in current_step(page)
    preview = page.locator("form.apply-step").inner_text()
    for shown in (
        "年产五万台工业机器人项目",
        "高新区科技大道 8 号",
        "施工许可申请表.pdf",
        "规划许可证.pdf",
        "承诺替代",
    ):
        assert shown in preview
    looks_right(page, "preview")
    click(page, "确认提交")

    number = page.locator("h1 small").inner_text()
    case = Case.objects.get(number=number)
    assert case.commitment_signed and case.data["project"] == "年产五万台工业机器人项目"
    assert case.materials.filter(status="provided").count() == 3
    assert not ApplicationDraft.objects.exists()
    shot(page, "apply-steps-submitted")
