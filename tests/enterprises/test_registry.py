"""The registry: search, class events from data, Excel import and export, GB/T codes, expiries, pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from gaoxin.core.identifiers import make_uscc
from gaoxin.enterprises import gbt
from gaoxin.enterprises.excel import ENTERPRISE_HEADERS, REPORT_HEADERS
from gaoxin.enterprises.models import ClassificationEvent, Enterprise, Qualification, Report
from gaoxin.enterprises.services.registry import classifications_refresh
from tests.enterprises.factories import USCC, enterprise, other_uscc, report
from tests.factories import department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


@pytest.fixture
def stat_client(stat):
    c = Client()
    c.force_login(stat)
    return c


def xlsx(headers, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "upload.xlsx"
    return out


def test_gbt_sections_and_divisions_are_loaded():
    assert len(gbt.sections()) == 20 and len(gbt.divisions()) == 97
    assert gbt.describe("C36") == "C36 汽车制造业"
    assert gbt.normalize("3670") == "C3670"
    assert gbt.normalize("A36") is None


def test_search_by_name_former_name_pinyin_initials_code_and_filters(stat_client):
    e = enterprise(former_names="柳州旧名机械厂", name="柳州华瑞汽车零部件有限公司")
    enterprise(other_uscc(), "南宁博远软件有限公司", gbt_code="I65", size="medium", above_scale=True)
    Qualification.objects.create(
        enterprise=e,
        kind="hte",
        certificate_no="GR1",
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2099, 1, 1),
    )

    def find(**params):
        r = stat_client.get("/api/v1/enterprises", params)
        assert r.status_code == 200
        return [x["name"] for x in r.json()["items"]]

    assert find(q="华瑞") == [e.name]
    assert find(q="旧名机械") == [e.name]
    assert find(q="huarui") == [e.name]
    assert find(q="lzhr") == [e.name]
    assert find(q=USCC[:10]) == [e.name]
    assert find(qualification="hte") == [e.name]
    assert find(above_scale=True) == ["南宁博远软件有限公司"]
    assert find(size="medium", gbt_code="I65") == ["南宁博远软件有限公司"]
    assert find(q="不存在的企业") == []


def test_class_change_is_an_event_counted_per_year(stat):
    e = enterprise(size="small", above_scale=False)
    report(e, 2019, 12, revenue=Decimal(15_000_000), employees=80)
    report(e, 2020, 12, revenue=Decimal(20_000_000), employees=80)
    assert classifications_refresh(actor=stat, year=2019)["above_in"] == 0
    summary = classifications_refresh(actor=stat, year=2020)
    assert summary["above_in"] == 1
    ev = ClassificationEvent.objects.get(kind="above_in")
    assert (ev.year, ev.scale_kind) == (2020, "industry")
    e.refresh_from_db()
    assert e.above_scale and e.classified_year == 2020
    assert "≥ 2,000万元" in e.classification_reasons["above_scale"]
    # Refreshing the same year again does not count it twice.
    classifications_refresh(actor=stat, year=2020)
    assert ClassificationEvent.objects.filter(kind="above_in").count() == 1


def test_enterprise_import_reports_every_bad_row_and_writes_nothing(stat_client):
    good = [
        make_uscc("91450200", "MA000101"),
        "柳州新联科技有限公司",
        "",
        "李强",
        "2015-03-01",
        "500",
        "柳州市高新一路1号",
        "",
        "",
        "C39",
        "私营",
    ]
    rows = [
        good,
        ["91450200MA0001020X", "", "", "", "2015-13-01", "abc", "", "不存在园区", "", "Z99", "私营"],
        [good[0], "重复的企业", "", "王伟", "2016-01-01", "100", "", "", "", "", ""],
    ]
    r = stat_client.post("/api/v1/enterprises/import", {"file": xlsx(ENTERPRISE_HEADERS, rows)})
    assert r.status_code == 422
    fields = r.json()["fields"]
    assert set(fields) == {"第3行", "第4行"}
    assert "校验位" in fields["第3行"] or "统一社会信用代码" in fields["第3行"]
    assert "请填写企业名称" in fields["第3行"] and "成立日期“2015-13-01”不是有效日期" in fields["第3行"]
    assert "注册资本应填写数字" in fields["第3行"] and "园区“不存在园区”不存在" in fields["第3行"]
    assert "Z99" in fields["第3行"]
    assert fields["第4行"] == "与前面的行重复"
    assert Enterprise.objects.count() == 0

    r = stat_client.post("/api/v1/enterprises/import", {"file": xlsx(ENTERPRISE_HEADERS, [good])})
    assert r.status_code == 200 and r.json() == {"imported": 1}
    e = Enterprise.objects.get()
    assert e.gbt_code == "C39" and e.registered_capital == Decimal(5_000_000) and "xinlian" in e.name_pinyin


def test_report_import_is_all_or_nothing_and_scoped(db):
    mine = enterprise()
    theirs = enterprise(other_uscc(), "别家制造有限公司")
    c = Client()
    c.force_login(enterprise_user("ent", USCC, mine.name))
    blank = [None] * (len(REPORT_HEADERS) - 4)
    rows = [
        [USCC, 2025, 1, None, "1000000", *blank],
        [theirs.uscc, 2025, 1, None, "1000000", *blank],
        [USCC, 2025, 2, None, "很多", *blank],
    ]
    r = c.post("/api/v1/reports/import", {"file": xlsx(REPORT_HEADERS, rows)})
    assert r.status_code == 422
    assert set(r.json()["fields"]) == {"第3行", "第4行"}
    assert r.json()["fields"]["第4行"] == "营业收入应填写数字"
    assert Report.objects.count() == 0
    r = c.post("/api/v1/reports/import", {"file": xlsx(REPORT_HEADERS, [rows[0]])})
    assert r.status_code == 200
    assert Report.objects.get().revenue == Decimal(1_000_000)


def test_not_an_excel_file_is_a_clear_422(stat_client):
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    r = stat_client.post("/api/v1/enterprises/import", {"file": bad})
    assert r.status_code == 422 and "xlsx" in r.json()["message"]


def test_export_of_the_filtered_list(stat_client):
    enterprise()
    enterprise(other_uscc(), "南宁博远软件有限公司")
    r = stat_client.get("/enterprises/?q=博远&export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码" and len(rows) == 2 and rows[1][1] == "南宁博远软件有限公司"


def test_expiring_high_tech_certificate_is_listed_90_days_ahead(stat_client):
    from django.utils import timezone

    e = enterprise()
    today = timezone.localdate()
    for number, days in (("GR-SOON", 89), ("GR-LATER", 120)):
        Qualification.objects.create(
            enterprise=e,
            kind="hte",
            certificate_no=number,
            valid_from=today - dt.timedelta(days=1000),
            valid_to=today + dt.timedelta(days=days),
        )
    page = stat_client.get("/enterprises/expiring/").content.decode()
    assert "GR-SOON" in page and "GR-LATER" not in page


def test_pages_for_statisticians_and_scoping_of_pages(stat_client):
    e = enterprise()
    report(e, 2025, 1, revenue=Decimal(1_000_000))
    for url in [
        "/enterprises/",
        f"/enterprises/{USCC}/",
        "/enterprises/reports/",
        "/enterprises/statistics/?year=2025&month=1",
        "/enterprises/statistics/not-reported/?year=2025&month=2",
        "/enterprises/statistics/anomalies/?year=2025&month=1",
        "/enterprises/statistics/?year=2025&month=1&by=size&export=xlsx",
        "/enterprises/import/",
    ]:
        assert stat_client.get(url).status_code == 200, url
    other = enterprise(other_uscc(), "别家制造有限公司", above_scale=True)
    page = stat_client.get("/enterprises/statistics/not-reported/?year=2025&month=1").content.decode()
    assert other.name in page and e.name not in page
    c = Client()
    c.force_login(enterprise_user("ent", USCC, e.name))
    assert c.get(f"/enterprises/{other.uscc}/").status_code == 404
    assert c.get(f"/enterprises/{USCC}/").status_code == 200
    assert c.get("/enterprises/statistics/?year=2025&month=1").status_code == 404
    assert c.get(f"/enterprises/reports/{report(other, 2025, 1).id}/").status_code == 404
