"""An investment officer takes a lead to 投产 through the pages, a second officer of the bureau reviewing
every move past 签约; the chain graph and the KPI charts draw without a script error."""

import datetime as dt

import pytest

from gaoxin.investment.models import Project
from gaoxin.investment.services import chains
from tests.browser.conftest import login, shot
from tests.enterprises import factories as ef
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bureau():
    dept = department("investment", "投资促进局")
    a = staff_user("invest", dept, ["investment_officer"])
    staff_user("invest2", dept, ["investment_officer"])
    chain = chains.chain_create(actor=a, code="nev", name="新能源汽车", anchor="上汽通用五菱")
    vehicle = chains.link_add(actor=a, chain=chain, name="整车", gbt_codes="C361")
    chains.link_add(actor=a, chain=chain, name="电芯", parent=vehicle, gbt_codes="C3841")
    chains.link_add(
        actor=a, chain=chain, name="隔膜", parent=vehicle, gbt_codes="C2922", imported_demand=True
    )
    firm = ef.enterprise(ef.other_uscc(5), "柳州某新能源电池有限公司", gbt_code="C3841")
    return chain, firm


def _press(page, action):
    with page.expect_navigation():
        page.click(f"#move-form button[value={action}]")
    assert page.locator(".msg-error").count() == 0, page.locator(".msg-error").all_inner_texts()


def _evidence(page, stage, title):
    page.select_option("#ev-stage", stage)
    page.fill("#ev-title", title)
    with page.expect_navigation():
        page.click("#evidence-form button[type=submit]")


def _commit(page, kind, due, value=""):
    page.select_option("#c-kind", kind)
    page.fill("#c-value", value)
    page.fill("#c-due", due)
    with page.expect_navigation():
        page.click("#commitment-form button[type=submit]")


def test_an_officer_takes_a_lead_to_production(page, browser, live_server, bureau):
    chain, firm = bureau
    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reviewer.base = live_server.url
    login(reviewer, "invest2", DEFAULT_PASSWORD)
    login(page, "invest", DEFAULT_PASSWORD)

    page.goto(page.base + "/investment/")
    page.fill("#lead-name", "动力电池电芯项目")
    page.fill("#lead-company", "某某新能源科技股份有限公司")
    page.select_option("#lead-source", "leader")
    page.fill("#lead-amount", "50000")
    page.fill("#lead-contact", "张经理")
    with page.expect_navigation():
        page.click("#lead-form button[type=submit]")
    with page.expect_navigation():
        page.click("text=动力电池电芯项目")
    url = page.url
    _press(page, "talk")
    assert "进入「签约」还需要" in page.locator("#gate").inner_text()
    _evidence(page, "signed", "投资合作协议书")
    today = dt.date.today()
    _commit(page, "investment", (today + dt.timedelta(days=700)).isoformat(), "50000")
    _commit(page, "start_by", (today + dt.timedelta(days=200)).isoformat())
    _commit(page, "produce_by", (today + dt.timedelta(days=700)).isoformat())
    page.fill("#agreement_no", "GXZS-2026-0001")
    page.fill("#signed_amount", "50000")
    _press(page, "sign")
    assert page.locator("#pending").is_visible()
    assert page.locator("#move-form button[value=register]").count() == 0  # waits for the review

    def review():
        reviewer.goto(url)
        with reviewer.expect_navigation():
            reviewer.click("#move-form button[value=review_ok]")
        assert reviewer.locator(".msg-error").count() == 0
        page.goto(url)

    review()
    page.fill("#uscc", firm.uscc)
    _press(page, "register")
    review()
    _evidence(page, "settled", "标准厂房租赁合同")
    _press(page, "settle")
    review()
    _evidence(page, "started", "建筑工程施工许可证")
    page.fill("#permit_no", "450200202601010101")
    _press(page, "start")
    review()
    _evidence(page, "completed", "竣工验收备案表")
    _press(page, "complete")
    review()
    _evidence(page, "producing", "投产报告")
    _press(page, "produce")
    review()
    assert page.locator("#project-stage").inner_text() == "投产"
    assert Project.objects.get().stage == "producing"
    assert page.locator("#timeline li").count() == 14  # created, 洽谈, and six moves each with its review
    shot(page, "investment-project")

    page.goto(page.base + f"/investment/chains/{chain.pk}/")
    page.wait_for_function("document.querySelector('#chain-tree canvas') !== null")
    assert "隔膜" in page.locator("#proposals").inner_text()
    shot(page, "investment-chain")
    page.goto(page.base + f"/investment/kpis/?year={today.year}")
    page.wait_for_function("document.querySelector('#kpi-months canvas') !== null")
    assert page.locator("#kpi-signed").inner_text() == "1"
    shot(page, "investment-kpis")
    reviewer.context.close()


def test_an_officer_imports_the_target_list_of_a_chain(page, bureau, tmp_path):
    """From the chain map to its target list: a file written by LibreOffice imports, a file with a bad
    row gets its row's message and the error sheet, and the page is tidy on a desk and a phone."""
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    from gaoxin.accounts.models import User
    from gaoxin.investment.models import ChainTarget
    from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems

    chain, _ = bureau
    fixtures = Path(__file__).parent.parent / "imports" / "fixtures"
    login(page, "invest", DEFAULT_PASSWORD)
    page.goto(page.base + f"/investment/chains/{chain.pk}/")
    with page.expect_navigation():
        page.click("#targets-link")
    bad = tmp_path / "targets.csv"
    bad.write_text("环节,目标企业,所在地\n正极,某正极材料公司,长沙\n电芯,赛克瑞浦,上海\n", encoding="utf-8")
    page.set_input_files("#targets-file", str(bad))
    with page.expect_navigation():
        page.click("#targets-import button[type=submit]")
    rows = page.locator("#import-errors tr")
    assert rows.count() == 1 and "不在新能源汽车的图谱中" in rows.first.inner_text()
    with page.expect_download() as download:
        page.click("#error-sheet a")
    path = tmp_path / "errors.xlsx"
    download.value.save_as(path)
    sheet = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert sheet[0][-1] == "错误说明" and "正极" in sheet[1][-1] and not sheet[2][-1]
    assert ChainTarget.objects.count() == 0
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert layout_problems(page) == [], size
        assert accessibility_violations(page) == [], size
    page.set_viewport_size(DESKTOP)
    chains.link_add(actor=User.objects.get(username="invest"), chain=chain, name="动力电池")
    page.reload()
    page.set_input_files("#targets-file", str(fixtures / "targets.xlsx"))
    with page.expect_navigation():
        page.click("#targets-import button[type=submit]")
    assert page.url.rstrip("/").endswith(f"/investment/chains/{chain.pk}")
    assert "已导入 3 家目标企业" in page.locator(".msg-success, [role=status]").first.inner_text()
    assert "国轩高科股份有限公司" in page.locator("#proposals").inner_text()
    assert ChainTarget.objects.count() == 3
