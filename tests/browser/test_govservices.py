"""Government services in a real browser: catalogue, application, window, review, 容缺, 告知承诺, licences, 409."""

import pytest

from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.govservices.models import Case, Licence
from tests.browser.conftest import click_nav, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(page, selector, name="scan.pdf", content=PDF):
    page.set_input_files(selector, files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])


def logout(page):
    page.context.clear_cookies()


def act(page, number, action, **fields):
    page.goto(f"{page.base}/services/cases/{number}/")
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def state(page) -> str:
    return page.locator("#case-state").inner_text()


def apply(page, code, files, applicant=None):
    page.goto(f"{page.base}/services/items/{code}/apply/")
    if applicant:
        page.fill("#applicant", applicant)
    page.fill("[name=project]", "年产十万套智能网联汽车零部件项目")
    page.fill("[name=address]", "高新区科技大道 1 号")
    for order in files:
        upload(page, f"#file_{order}")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page.locator("h1 small").inner_text()


def test_applicant_finds_an_item_by_pinyin_and_applies_with_a_deferred_material(page, zone):
    login(page, "ent", DEMO_PASSWORD)
    page.goto(page.base + "/services/")
    page.fill("#q", "shipinjingying")
    page.wait_for_timeout(700)
    assert page.locator("#items tbody tr").count() == 1
    page.click("#items >> text=食品经营许可")
    assert "办事指南" in page.locator("h1").inner_text()
    shot(page, "gov-guide")
    page.click("text=在线申请")
    page.fill("[name=project]", "示例")
    page.fill("[name=address]", "示例")
    upload(page, "#file_1", "scan.png", b"MZ not an image")
    page.click("form.card button[type=submit]")
    assert "不是真正的 PNG" in page.locator("[role=alert]").inner_text()
    number = apply(page, "GX0100000004", [1, 2, 4])
    assert state(page) == "待受理"
    shot(page, "gov-case-submitted")
    logout(page)
    login(page, "clerk", DEMO_PASSWORD)
    page.goto(page.base + "/services/inbox/")
    assert page.locator(f"text={number}").count() == 1
    shot(page, "gov-inbox-clerk")
    act(page, number, "accept", supply_due="2099-01-04")
    assert state(page) == "审查中" and "容缺" in page.locator("#timeline").inner_text()
    logout(page)
    login(page, "ent", DEMO_PASSWORD)
    page.goto(f"{page.base}/services/cases/{number}/")
    form = page.locator("form[data-action=supply]")
    upload(page, "form[data-action=supply] [name=file]", "plan.pdf")
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert "补交容缺材料" in page.locator("#timeline").inner_text()
    shot(page, "gov-case-supplied")


def test_instant_item_decided_at_the_window_and_its_licence_verifies(page, zone):
    login(page, "clerk", DEMO_PASSWORD)
    number = apply(page, "GX0100000001", [1, 2, 3, 4], applicant="ent3")
    assert "窗口收件" in page.locator("body").inner_text()
    act(page, number, "accept_instant")
    assert state(page) == "已出证"
    page.click("text=核验页")
    assert page.locator("#verdict").get_attribute("data-status") == "valid"
    shot(page, "gov-verify-valid")


def test_promised_case_through_review_with_its_deadline(page, zone):
    login(page, "ent", DEMO_PASSWORD)
    number = apply(page, "GX0100000017", [1, 2])
    logout(page)
    login(page, "clerk", DEMO_PASSWORD)
    act(page, number, "accept")
    case = Case.objects.get(number=number)
    assert case.due_on is not None and str(case.due_on) in page.locator(".stats").inner_text()
    logout(page)
    login(page, "reviewer", DEMO_PASSWORD)
    act(page, number, "review", opinion="符合设置规范")
    logout(page)
    login(page, "reviewer_housing", DEMO_PASSWORD)
    page.goto(page.base + "/services/inbox/")
    assert page.locator(f"text={number}").count() == 1
    act(page, number, "review", opinion="住建部门同意")
    logout(page)
    login(page, "approver", DEMO_PASSWORD)
    act(page, number, "approve", opinion="准予设置")
    act(page, number, "issue")
    assert state(page) == "已出证"
    shot(page, "gov-case-issued")


def test_correction_request_and_resubmission(page, zone):
    number = Case.objects.get(state="correction").number
    login(page, "ent", DEMO_PASSWORD)
    page.goto(f"{page.base}/services/cases/{number}/")
    assert "申请书缺少法定代表人签字" in page.locator("body").inner_text()
    for _ in range(2):
        page.goto(f"{page.base}/services/cases/{number}/")
        upload(page, "form[data-action=supply] [name=file]")
        page.locator("form[data-action=supply] button").click()
        page.wait_for_load_state("networkidle")
    act(page, number, "resubmit")
    assert state(page) == "待受理"
    shot(page, "gov-case-resubmitted")


def test_failed_verification_revokes_the_licence(page, zone):
    case = Case.objects.get(commitment_signed=True)
    login(page, "reviewer", DEMO_PASSWORD)
    page.goto(page.base + "/services/inbox/")
    assert page.locator(f"text={case.number}").count() == 1
    act(page, case.number, "verify_fail", reason="现场核查：承诺的经营场所不存在")
    assert state(page) == "已撤销"
    page.goto(f"{page.base}/verify/{case.licence.token}/")
    assert page.locator("#verdict").get_attribute("data-status") == "revoked"
    shot(page, "gov-verify-revoked")


def test_altered_licence_is_not_genuine(page, zone):
    licence = Licence.objects.first()
    Licence.objects.filter(pk=licence.pk).update(holder_name="冒名顶替有限公司")
    page.goto(f"{page.base}/verify/{licence.token}/")
    assert page.locator("#verdict").get_attribute("data-status") == "not_genuine"
    assert "持证主体" in page.locator("#verdict").inner_text()
    shot(page, "gov-verify-forged")


def test_two_clerks_on_one_case_one_gets_a_conflict(page, zone, browser):
    number = (
        Case.objects.filter(state="submitted", version__handling="promised", enterprise_uscc__gt="")
        .exclude(materials__status="missing")
        .first()
        .number
    )
    other = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN").new_page()
    other.base = page.base
    login(page, "clerk", DEMO_PASSWORD)
    login(other, "clerk2", DEMO_PASSWORD)
    page.goto(f"{page.base}/services/cases/{number}/")
    other.goto(f"{other.base}/services/cases/{number}/")
    page.locator("form[data-action=accept] button").click()
    page.wait_for_load_state("networkidle")
    other.locator("form[data-action=reject] [name=reason]").fill("材料不全")
    other.locator("form[data-action=reject] button").click()
    other.wait_for_load_state("networkidle")
    assert "已被他人处理" in other.locator(".msg-error").inner_text()
    assert state(page) == "审查中"
    shot(other, "gov-conflict")
    other.context.close()


def test_agent_workbench_lists_the_cases_it_submitted(page, zone):
    login(page, "agent", DEMO_PASSWORD)
    click_nav(page, "代办工作台")
    assert page.locator("text=新建厂房项目全程代办").count() == 1
    assert page.locator("table").nth(1).locator("tbody tr").count() >= 1
    shot(page, "gov-agent")
