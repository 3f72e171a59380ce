"""Office files as officials make them: LibreOffice-written fixtures, tolerant cells, templates, error
sheets, and every import refusing a damaged or hostile file with a 422 (never a 500) quickly."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from gaoxin.core import officefiles
from gaoxin.core.errors import ValidationFailed
from gaoxin.enterprises import excel
from gaoxin.enterprises.models import Enterprise, Report
from gaoxin.investment.models import ChainTarget
from tests.enterprises.factories import USCC, enterprise
from tests.factories import department, enterprise_user, staff_user
from tests.govservices.helpers import client_for
from tests.imports import badfiles

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ["xlsx", "xls", "csv", "gbk.csv"]


def fixture(stem: str, fmt: str) -> bytes:
    name = f"{stem}-gbk.csv" if fmt == "gbk.csv" else f"{stem}.{fmt}"
    return (FIXTURES / name).read_bytes()


def upload(content: bytes, name: str = "upload.xlsx") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


# ---- cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2015, 7, 1),
        dt.datetime(2015, 7, 1),
        42186,
        42186.0,
        "42186",
        "2015-07-01",
        "2015/7/1",
        "2015.7.1",
        "2015年7月1日",
        "２０１５年７月１日",
        "2015 年 7 月 1 日",
        "20150701",
    ],
)
def test_dates_in_every_form_chinese_users_type(value):
    assert officefiles.cell_date(value) == dt.date(2015, 7, 1)


@pytest.mark.parametrize("value", ["2015-13-01", "七月一日", "2015/7", 1.5, True])
def test_a_wrong_date_is_explained(value):
    with pytest.raises(ValueError, match="日期"):
        officefiles.cell_date(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1,000,000.50", Decimal("1000000.50")),
        ("１２３４．５", Decimal("1234.5")),
        ("１，５００", Decimal("1500")),
        (" 1 500 ", Decimal("1500")),
        (0.1, Decimal("0.1")),
        (1500, Decimal("1500")),
        ("-20000", Decimal("-20000")),
        (None, None),
        ("", None),
    ],
)
def test_numbers_with_separators_and_full_width_digits_are_exact(value, expected):
    assert officefiles.cell_decimal(value) == expected


@pytest.mark.parametrize("value", ["1,00,0", "很多", "1.2.3"])
def test_not_a_number(value):
    with pytest.raises(ValueError, match="数字"):
        officefiles.cell_decimal(value)


def test_an_industry_code_that_lost_its_leading_zero_is_restored():
    assert excel._industry_code(111) == "0111"
    assert excel._industry_code(111.0) == "0111"
    assert excel._industry_code(1) == "01"
    assert excel._industry_code(6510) == "6510"
    assert excel._industry_code("C39") == "C39"


def test_a_code_whose_digits_are_lost_is_refused_with_the_fix():
    for value in (1.24500004985001e17, 124500004985001085, "1.24500004985001E+17"):
        with pytest.raises(ValueError) as err:
            officefiles.cell_code(value, lengths=(18,))
        assert str(err.value) == officefiles.NUMBER_LOST
    assert officefiles.cell_code(1, lengths=(12,)) == "000000000001"
    with pytest.raises(ValueError, match="无法确定"):
        officefiles.cell_code(5, lengths=(2, 4))


def test_the_header_is_found_under_a_title_row_and_merged_cells():
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年企业名录"])
    ws.merge_cells("A1:K1")
    ws.append([])
    ws.append(excel.ENTERPRISE_HEADERS)
    ws.append(["x"] * len(excel.ENTERPRISE_HEADERS))
    buf = io.BytesIO()
    wb.save(buf)
    table = officefiles.read_table(buf.getvalue(), excel.ENTERPRISE_HEADERS, max_data_rows=10)
    assert table.header_row == 3 and [n for n, _ in table.rows] == [4]


# ---- the LibreOffice fixtures --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_registry_file_as_a_clerk_made_it_imports(stat, fmt):
    assert excel.enterprises_import(actor=stat, content=fixture("registry", fmt)) == 4
    got = {
        e.uscc: (e.registered_on, e.registered_capital, e.gbt_code)
        for e in Enterprise.objects.order_by("uscc")
    }
    assert got == {
        "91450200MA5K00012P": (dt.date(2015, 7, 1), Decimal("5000000"), "A0111"),
        "91450200MA5K00020J": (dt.date(2015, 7, 2), Decimal("15000000"), "C39"),
        "91450200MA5K00039F": (dt.date(2015, 7, 3), Decimal("1200000"), "I6510"),
        "91450200MA5K00047A": (dt.date(2015, 7, 4), Decimal("805000"), "A0111"),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_code_stored_as_a_number_is_refused_with_an_error_sheet(stat, fmt):
    with pytest.raises(ValidationFailed) as err:
        excel.enterprises_import(actor=stat, content=fixture("registry-lost-digits", fmt))
    assert officefiles.NUMBER_LOST in err.value.fields["第2行"]
    assert "第3行" not in err.value.fields
    assert Enterprise.objects.count() == 0
    ws = load_workbook(io.BytesIO(err.value.error_sheet)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and rows[0][0] == "统一社会信用代码"
    assert rows[1][1] == "柳州市某事业单位" and officefiles.NUMBER_LOST in rows[1][-1]
    assert rows[2][0] == "91450200MA5K00012P" and rows[2][-1] in (None, "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_file_as_a_clerk_made_it_imports_exactly(db, fmt):
    enterprise()
    user = enterprise_user("ent", USCC, "示例科技有限公司")
    assert excel.reports_import(actor=user, content=fixture("reports", fmt)) == 1
    r = Report.objects.get()
    assert (r.year, r.month, r.revenue, r.profit, r.employees) == (
        2025,
        1,
        Decimal("1000000.50"),
        Decimal("-20000"),
        12,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_indicator_catalogue_as_a_clerk_made_it_imports(stat, fmt):
    from gaoxin.economy.models import Indicator
    from gaoxin.economy.services.catalogue import indicator_save, indicators_import

    content = fixture("indicators", fmt)
    if fmt in ("xlsx", "xls"):  # LibreOffice made 0107 the number 107: which code was it?
        with pytest.raises(ValidationFailed, match="存成了数字（107）") as err:
            indicators_import(actor=stat, content=content)
        assert list(err.value.fields) == ["第5行"] and not Indicator.objects.exists()
        fields = {"name": "平均办理工作日", "unit": "个工作日", "source": "govservices.average_workdays"}
        indicator_save(actor=stat, code="0107", fields=fields)  # known to the catalogue: restored
        assert indicators_import(actor=stat, content=content) == {"rows": 3, "new_versions": 2}
    else:
        assert indicators_import(actor=stat, content=content) == {"rows": 3, "new_versions": 2}
    got = {
        i.code: (i.scale, i.frequency, i.higher_is_better, sorted((t.year, t.value) for t in i.targets.all()))
        for i in Indicator.objects.filter(current=True)
    }
    assert got == {
        "FZ01": (Decimal(100000000), "monthly", True, [(2025, Decimal(1000)), (2026, Decimal("1080.5"))]),
        "0107": (Decimal(1), "yearly", False, []),
    }


# ---- templates -----------------------------------------------------------------------------------


def test_the_registry_template_prevents_the_damage(stat):
    enterprise()  # a park and an industry to choose from
    Enterprise.objects.all().delete()
    wb = load_workbook(io.BytesIO(excel.enterprise_template()))
    assert wb.sheetnames[:2] == ["企业名录", "填表说明"]
    ws = wb["企业名录"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == excel.ENTERPRISE_HEADERS
    letter = {h: ws.cell(row=1, column=i + 1).column_letter for i, h in enumerate(header)}
    assert ws.column_dimensions[letter["统一社会信用代码"]].number_format == "@"
    assert ws.column_dimensions[letter["国民经济行业代码"]].number_format == "@"
    assert ws.column_dimensions[letter["成立日期"]].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letter["企业名称"]].width >= 20
    validated = {str(r).split(":")[0] for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert {letter["登记注册类型"] + "2", letter["所在园区"] + "2", letter["成立日期"] + "2"} <= validated
    help_rows = list(wb["填表说明"].iter_rows(values_only=True))
    meanings = {r[0]: r for r in help_rows if r and r[0] in excel.ENTERPRISE_HEADERS}
    assert set(meanings) == set(excel.ENTERPRISE_HEADERS)
    assert meanings["成立日期"][1] == "必填" and "2015年7月1日" in meanings["成立日期"][3]
    assert meanings["统一社会信用代码"][4] == "91450200MA5K000101"


def test_the_catalogue_template_has_its_instructions_and_dropdowns(gz):
    from gaoxin.govservices.services.catalogue import catalogue_template

    wb = load_workbook(io.BytesIO(catalogue_template()))
    assert wb.sheetnames[:4] == ["事项", "材料", "环节", "填表说明"]
    assert wb["事项"].column_dimensions["A"].number_format == "@"
    assert wb["事项"].data_validations.dataValidation


# ---- every import refuses a bad file with a 422 and the reason, quickly --------------------------


def _endpoints(stat, gz):
    from gaoxin.economy.services.evaluation import evaluation_system_load
    from gaoxin.investment.services import chains

    evaluation_system_load(actor=stat)  # the peers' import needs the indicator system
    admin = gz["p"]["admin"]
    ent_client = client_for(gz["p"]["ent"])
    stat_client = Client()
    stat_client.force_login(stat)
    officer = staff_user("invest", department("investment", "投资促进局"), ["investment_officer"])
    chain = chains.chain_create(actor=officer, code="nev", name="新能源汽车")
    chains.link_add(actor=officer, chain=chain, name="动力电池")
    invest_client = client_for(officer)
    talent_office = client_for(staff_user("rcb", department("rcb", "人才工作局"), ["policy_officer"]))
    return [
        ("api", invest_client, f"/api/v1/investment/chains/{chain.pk}/targets/import", {}),
        ("api", talent_office, "/api/v1/talent/income-tax/import", {}),
        ("page", invest_client, f"/investment/chains/{chain.pk}/targets/", {}),
        ("api", stat_client, "/api/v1/enterprises/import", {}),
        ("api", ent_client, "/api/v1/reports/import", {}),
        ("api", client_for(admin), "/api/v1/service-catalogue/import", {}),
        ("api", client_for(admin), "/api/v1/bundle-catalogue/import", {}),
        ("api", stat_client, "/api/v1/economy/indicators/import", {}),
        ("api", stat_client, "/api/v1/economy/evaluation/peers/import", {}),
        ("page", stat_client, "/enterprises/import/", {"kind": "enterprises"}),
        ("page", stat_client, "/enterprises/import/", {"kind": "reports"}),
        ("page", client_for(admin), "/services/catalogue/excel/", {}),
        ("page", stat_client, "/economy/indicators/excel/", {}),
    ]


def test_the_bad_file_sweep_reaches_every_api_import(stat, gz):
    import re

    from tests.imports.test_round_trip import api_imports

    swept = [url for kind, _, url, _ in _endpoints(stat, gz) if kind == "api"]
    missed = {
        path
        for path in api_imports()
        if not any(re.fullmatch(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)), url) for url in swept)
    }
    assert missed == set(), "imports the bad-file sweep does not try"


@pytest.fixture(scope="module")
def bad_files():
    return {name: make() for name, make in badfiles.BAD_FILES.items()}


@pytest.mark.parametrize("name", list(badfiles.BAD_FILES))
def test_every_import_refuses_every_bad_file(stat, gz, bad_files, name):
    content = bad_files[name]
    for kind, client, url, extra in _endpoints(stat, gz):
        started = time.monotonic()
        r = client.post(url, {"file": upload(content), **extra})
        elapsed = time.monotonic() - started
        assert elapsed < 5, (url, name, elapsed)
        if kind == "api":
            assert r.status_code == 422, (url, name, r.status_code, r.content[:300])
            body = r.json()
            assert body["code"] and body["message"], body
            if name in ("malformed-xml", "nul-reference"):
                assert "损坏" in body["message"], body
            if name == "ten-million-empty-rows":
                assert "空行" in body["message"], body
        else:
            assert r.status_code in (200, 400), (url, name, r.status_code)
            assert "msg-error" in r.content.decode() or "alert" in r.content.decode(), (url, name)
    assert Enterprise.objects.count() == 0 and Report.objects.count() == 0
    assert not ChainTarget.objects.exists()


def test_the_url_of_the_catalogue_page_is_right(gz):
    from django.urls import reverse

    assert reverse("govservices:catalogue_excel") == "/services/catalogue/excel/"


# ---- the pages: template, 填表说明, error sheet download -------------------------------------------


def test_the_import_page_offers_the_template_the_instructions_and_the_error_sheet(stat):
    c = Client()
    c.force_login(stat)
    page = c.get("/enterprises/import/").content.decode()
    assert "?template=enterprises" in page and "填表说明" in page and "成立日期" in page
    assert "style=" not in page.split("<main", 1)[-1] and "<script>" not in page
    r = c.post(
        "/enterprises/import/",
        {"kind": "enterprises", "file": upload(fixture("registry-lost-digits", "xlsx"))},
    )
    html = r.content.decode()
    assert officefiles.NUMBER_LOST in html
    token = html.split("?errors=", 1)[1].split('"', 1)[0]
    sheet = c.get(f"/enterprises/import/?errors={token}")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and officefiles.NUMBER_LOST in rows[1][-1]
    other = Client()
    other.force_login(staff_user("stat2", department("stats", "统计局"), ["statistician"]))
    assert other.get(f"/enterprises/import/?errors={token}").status_code == 404


def test_reading_stops_when_its_time_is_up():
    content = ("统一社会信用代码\n" + "x\n" * 2000).encode()
    assert len(officefiles.read_workbook(content)[0].rows) == 2001
    with pytest.raises(ValidationFailed, match="超时"):
        officefiles.read_workbook(content, seconds=0)


def test_rows_read_are_capped_blank_rows_included():
    content = ("统一社会信用代码\n" + ",\n" * (officefiles.MAX_READ_ROWS + 5)).encode()
    with pytest.raises(ValidationFailed, match="空行也计算在内"):
        officefiles.read_workbook(content)


def test_the_catalogue_page_offers_its_template_and_an_error_sheet(gz):
    from gaoxin.govservices.services.catalogue import catalogue_export

    c = client_for(gz["p"]["admin"])
    page = c.get("/services/catalogue/excel/").content.decode()
    assert "?template=1" in page and "填表说明" in page and "基本编码" in page
    template = c.get("/services/catalogue/excel/?template=1")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[:4] == ["事项", "材料", "环节", "填表说明"]
    wb = load_workbook(io.BytesIO(catalogue_export(user=gz["p"]["admin"])))
    wb["事项"]["H2"] = "很多"  # 法定办结时限
    buf = io.BytesIO()
    wb.save(buf)
    html = c.post("/services/catalogue/excel/", {"file": upload(buf.getvalue())}).content.decode()
    assert "应为整数" in html
    token = html.split("?errors=", 1)[1].split('"', 1)[0]
    sheet = load_workbook(io.BytesIO(c.get(f"/services/catalogue/excel/?errors={token}").content))
    rows = list(sheet["事项"].iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and "法定办结时限：应为整数" in rows[1][-1]
    assert all(not r[-1] for r in rows[2:])


def test_report_file_without_any_indicator_column_is_refused(db):
    enterprise()
    user = enterprise_user("ent", USCC, "示例科技有限公司")
    wb = Workbook()
    wb.active.append(["统一社会信用代码", "年度", "月份（年报填0）", "备注"])
    wb.active.append([USCC, 2025, 1, "无"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed, match="没有任何指标列"):
        excel.reports_import(actor=user, content=buf.getvalue())


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/enterprises/import", "registry-lost-digits"),
        ("/api/v1/reports/import", "registry-lost-digits"),
    ],
)
def test_the_api_answers_a_refused_import_with_its_error_sheet(stat, url, name):
    c = client_for(stat)
    r = c.post(url, {"file": io.BytesIO(fixture(name, "xlsx"))})
    assert r.status_code == 422, r.content
    body = r.json()
    if url.endswith("/enterprises/import"):
        sheet_url = body["error_sheet"]
        got = c.get(sheet_url)
        assert got.status_code == 200
        rows = list(load_workbook(io.BytesIO(got.content)).worksheets[0].iter_rows(values_only=True))
        assert rows[0][-1] == "错误说明" and officefiles.NUMBER_LOST in rows[1][-1]
        # the sheet is its uploader's only
        other = client_for(staff_user("stat2", department("stats2", "统计局二"), ["statistician"]))
        assert other.get(sheet_url).status_code == 404
        assert c.get("/api/v1/import-errors/not-a-token").status_code == 404
    else:  # a registry file sent as reports: refused as a whole, no rows to annotate
        assert "error_sheet" not in body


def test_the_indicator_catalogue_page_offers_its_template_and_an_error_sheet(stat):
    from gaoxin.economy.models import Indicator

    c = Client()
    c.force_login(stat)
    page = c.get("/economy/indicators/excel/").content.decode()
    assert "?template=1" in page and "填表说明" in page and "数据来源" in page
    template = load_workbook(io.BytesIO(c.get("/economy/indicators/excel/?template=1").content))
    assert template.sheetnames[:2] == ["指标目录", "填表说明"]
    sheet = template["指标目录"]
    sheet.append(["FZ01", "规上工业总产值", "亿元", "reporting.output_value", "", 100000000, 2, "月度"])
    sheet.append(["FZ02", "营业收入", "亿元", "reporting.nothing", "", "很多", 2, "每周"])
    buf = io.BytesIO()
    template.save(buf)
    r = c.post("/economy/indicators/excel/", {"file": upload(buf.getvalue())})
    html = r.content.decode()
    assert r.status_code == 400 and "第3行" in html and not Indicator.objects.exists()
    token = html.split("?errors=", 1)[1].split('"', 1)[0]
    rows = list(
        load_workbook(io.BytesIO(c.get(f"/economy/indicators/excel/?errors={token}").content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert rows[0][-1] == "错误说明" and not rows[1][-1] and "换算除数" in rows[2][-1]
    clerk = Client()
    clerk.force_login(staff_user("clerk", department("zwb", "政务服务中心"), ["window_clerk"]))
    assert clerk.get("/economy/indicators/excel/").status_code == 404
