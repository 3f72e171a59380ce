"""The catalogue: immutable published versions pinned by cases, search, and all-or-nothing Excel import."""

import io

import pytest
from openpyxl import load_workbook

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.govservices.models import Case, ItemVersion, ServiceItem
from gaoxin.govservices.services.catalogue import (
    catalogue_export,
    catalogue_import,
    item_draft_save,
    item_publish,
)
from tests.govservices.builders import BASE, material
from tests.govservices.helpers import client_for, pdf, submit

pytestmark = pytest.mark.django_db


def test_a_case_pins_the_version_it_was_submitted_under(gz):
    p = gz["p"]
    number = submit(client_for(p["ent"]), "000000000001", files={1: pdf()}).json()["number"]
    v1 = ItemVersion.objects.get(item__code="000000000001", number=1)
    fields = {
        **BASE,
        "code": "000000000001",
        "name": "企业名称自主申报（新版）",
        "implementing_code": "x",
        "department": gz["d"]["approval"],
        "handling": "instant",
        "legal_days": 1,
        "committed_days": 0,
        "result_type": "approval",
        "result_name": "名称告知书",
    }
    item_draft_save(
        actor=p["admin"], fields=fields, materials=[material(1, "申请书"), material(2, "章程")], stages=[]
    )
    with pytest.raises(Conflict):
        item_publish(actor=p["admin"], code="000000000002")
    v2 = item_publish(actor=p["admin"], code="000000000001")
    assert v2.number == 2 and ServiceItem.objects.get(code="000000000001").current == v2
    assert Case.objects.get(number=number).version == v1 and v1.materials.count() == 1
    assert client_for(p["ent"]).get(f"/api/v1/cases/{number}").json()["version"] == 1


def test_only_editors_change_the_catalogue(gz):
    with pytest.raises(PermissionDenied):
        item_publish(actor=gz["p"]["clerk"], code="000000000001")


def test_search_by_chinese_pinyin_and_initials(gz, client):
    for q in ("食品", "shipin", "spjy", "000000000002"):
        names = [i["name"] for i in client.get("/api/v1/service-items", {"q": q}).json()["items"]]
        assert names == ["食品经营许可"], q
    assert client.get("/api/v1/service-items/000000000003").json()["stages"][1]["departments"] == [
        "housing",
        "land",
        "ecology",
    ]


def test_excel_round_trip_and_all_or_nothing_import(gz):
    admin = gz["p"]["admin"]
    data = catalogue_export(user=admin)
    wb = load_workbook(io.BytesIO(data))
    assert wb["事项"].max_row == 5 and wb["材料"].max_row > 5
    ws = wb["事项"]
    ws["A2"] = "100000000001"
    ws["A3"] = "100000000002"
    ws["H3"] = "很多"  # 法定办结时限 is not a number
    for row in wb["材料"].iter_rows(min_row=2):
        row[0].value = {"000000000001": "100000000001", "000000000002": "100000000002"}.get(
            row[0].value, row[0].value
        )
    for row in wb["环节"].iter_rows(min_row=2):
        row[0].value = {"000000000002": "100000000002"}.get(row[0].value, row[0].value)
    buf = io.BytesIO()
    wb.save(buf)
    before = ServiceItem.objects.count()
    with pytest.raises(ValidationFailed) as err:
        catalogue_import(actor=admin, content=buf.getvalue())
    assert err.value.fields == {"事项!第3行 法定办结时限": "应为整数"}
    assert ServiceItem.objects.count() == before
    ws["H3"] = 20
    buf = io.BytesIO()
    wb.save(buf)
    imported = catalogue_import(actor=admin, content=buf.getvalue())
    assert {v.item.code for v in imported} >= {"100000000001", "100000000002"}
    assert ServiceItem.objects.get(code="100000000002").current.materials.count() == 3


def test_import_of_a_non_workbook_is_a_clear_error(gz):
    r = client_for(gz["p"]["admin"]).post("/api/v1/service-catalogue/import", {"file": pdf("x.xlsx")})
    assert r.status_code == 422 and "Excel" in r.json()["message"]
