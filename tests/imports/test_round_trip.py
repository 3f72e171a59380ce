"""Exports that reopen cleanly: export → LibreOffice opens and saves it again → import → the same
records; codes stay text, amounts exact, dates dates.

These need LibreOffice (`soffice`; Debian's libreoffice-calc-nogui, installed by `scripts/setup.sh
test`). Without it they are skipped on a developer's machine and fail under GAOXIN_REQUIRE_BROWSER=1
(CI), so a setup that lost the package cannot pass unnoticed."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.core import officefiles
from gaoxin.enterprises import excel
from gaoxin.enterprises.indicators import INDICATORS
from gaoxin.enterprises.models import Enterprise, Report
from gaoxin.govservices.services.catalogue import SHEETS, catalogue_export, catalogue_import
from tests.enterprises.factories import enterprise, report
from tests.factories import department, staff_user
from tests.govservices.helpers import client_for

pytestmark = pytest.mark.django_db


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("GAOXIN_REQUIRE_BROWSER") == "1":
            pytest.fail("soffice (libreoffice-calc-nogui) is missing: run scripts/setup.sh test")
        pytest.skip("soffice not installed")
    return path


def resave(content: bytes, tmp_path, to: str = "xlsx") -> bytes:
    """`content` (an .xlsx) opened and saved again by LibreOffice Calc as `to`."""
    src = tmp_path / "in" / "export.xlsx"
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(content)
    out = tmp_path / "out"
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97"}
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            filters[to],
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / f"export.{to}").read_bytes()


def _data(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(content), data_only=True)
    return {t: [tuple(r) for r in wb[t].iter_rows(values_only=True)] for t, _ in SHEETS}


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_catalogue_export_resaved_by_libreoffice_imports_back_identically(gz, tmp_path, to):
    admin = gz["p"]["admin"]
    before = catalogue_export(user=admin)
    again = resave(before, tmp_path, to)
    if to == "xlsx":
        ws = load_workbook(io.BytesIO(again))["事项"]
        codes = [c for (c,) in ws.iter_rows(min_row=2, max_col=1) if c.value is not None]
        assert codes and all(c.data_type == "s" for c in codes), [(c.value, c.data_type) for c in codes]
    versions = catalogue_import(actor=admin, content=again)
    assert sorted(v.item.code for v in versions) == sorted(r[0] for r in _data(before)["事项"][1:])
    assert _data(catalogue_export(user=admin)) == _data(before)


def test_registry_in_the_template_layout_round_trips_through_libreoffice(db, tmp_path):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    rows = [
        [
            "124500004985001085",
            "柳州市某事业单位",
            "",
            "陈静",
            dt.date(2010, 1, 1),
            Decimal("100.25"),
            "柳东",
            "",
            "",
            "0111",
            "私营",
        ],
        [
            "91450200MA5K00012P",
            '=HYPERLINK("x")科技',
            "",
            "李强",
            dt.date(2015, 7, 1),
            Decimal("1500"),
            "柳东",
            "",
            "",
            "C39",
            "私营",
        ],
    ]
    content = officefiles.template_workbook("企业名录", excel.enterprise_columns(), rows)
    assert excel.enterprises_import(actor=stat, content=resave(content, tmp_path)) == 2
    got = {
        e.uscc: (e.name, e.registered_on, e.registered_capital, e.gbt_code) for e in Enterprise.objects.all()
    }
    assert got == {
        "124500004985001085": ("柳州市某事业单位", dt.date(2010, 1, 1), Decimal("1002500"), "A0111"),
        "91450200MA5K00012P": ('=HYPERLINK("x")科技', dt.date(2015, 7, 1), Decimal("15000000"), "C39"),
    }


def test_the_registry_list_export_reopens_with_codes_as_text_and_dates_as_dates(db, tmp_path):
    enterprise("124500004985001085", "柳州市某事业单位", gbt_code="A0111")
    c = Client()
    c.force_login(staff_user("stat", department("stats", "统计局"), ["statistician"]))
    exported = c.get("/enterprises/?export=xlsx").content
    original = officefiles.read_workbook(exported)[0].rows
    again = officefiles.read_workbook(resave(exported, tmp_path))[0].rows
    assert again == original
    assert again[1][1][0] == "124500004985001085" and again[1][1][4] in (
        dt.date(2010, 5, 1),
        dt.datetime(2010, 5, 1),
    )


def test_catalogue_codes_that_the_spreadsheet_made_numbers_are_restored(gz, tmp_path):
    """A clerk's Excel turns 000000000001 into 1 in every sheet; LibreOffice saves it so; the import
    puts the twelve digits back (a 12-digit code has only one way to get its zeros back)."""
    admin = gz["p"]["admin"]
    before = catalogue_export(user=admin)
    wb = load_workbook(io.BytesIO(before))
    for title, _ in SHEETS:
        for (cell,) in wb[title].iter_rows(min_row=2, max_col=1):
            if cell.value:
                cell.value, cell.number_format = int(cell.value), "General"
    buf = io.BytesIO()
    wb.save(buf)
    again = resave(buf.getvalue(), tmp_path)
    assert isinstance(load_workbook(io.BytesIO(again))["事项"]["A2"].value, int)
    catalogue_import(actor=admin, content=again)
    assert _data(catalogue_export(user=admin)) == _data(before)


REGISTRY_FIELDS = (
    "uscc",
    "name",
    "former_names",
    "legal_rep",
    "registered_on",
    "registered_capital",
    "address",
    "park_id",
    "industry_id",
    "gbt_code",
    "ownership",
)


def _registry() -> dict[str, tuple]:
    return {e["uscc"]: e for e in Enterprise.objects.values(*REGISTRY_FIELDS)}


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_the_registry_exported_in_the_import_layout_imports_back_as_the_same_records(db, tmp_path, to):
    """导出 → LibreOffice 另存 → 导入到空名录 → 同样的企业：代码保留前导零和全部 18 位，注册资本分毫不差。"""
    enterprise("124500004985001085", "柳州市某事业单位", gbt_code="A0111", ownership="state")
    enterprise(
        "91450200MA5K00012P",
        "柳州甲科技有限公司",
        gbt_code="C3670",
        former_names="柳州甲机械厂、柳州甲实业",
        registered_capital=Decimal("123456789012.34"),
        address="柳州市柳东新区新柳大道 1 号",
    )
    enterprise("91450200MA5K00020J", '=HYPERLINK("x")科技', gbt_code="", park=None, industry=None)
    before = _registry()
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    c = Client()
    c.force_login(stat)
    r = c.get("/enterprises/?export=template&sort=uscc")
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    exported = r.content
    assert load_workbook(io.BytesIO(exported)).sheetnames[:2] == ["企业名录", "填表说明"]
    again = resave(exported, tmp_path, to)
    Enterprise.objects.all().delete()
    assert excel.enterprises_import(actor=stat, content=again) == 3
    assert _registry() == before


def test_the_registry_layout_export_keeps_to_the_filter_and_refuses_a_bad_one(db):
    enterprise("124500004985001085", "柳州市某事业单位", gbt_code="A0111")
    enterprise("91450200MA5K00012P", "柳州甲科技有限公司")
    c = Client()
    c.force_login(staff_user("stat", department("stats", "统计局"), ["statistician"]))
    got = c.get("/enterprises/?export=template&q=事业单位").content
    rows = officefiles.read_workbook(got)[0].rows
    assert [r[0] for _, r in rows[1:]] == ["124500004985001085"]
    bad = c.get("/enterprises/?export=template&registered_on_from=2025-13-40")
    assert bad.status_code == 400 and "text/html" in bad["Content-Type"]


def _figures() -> dict[tuple, dict]:
    return {
        (r.enterprise.uscc, r.year, r.month): r.values
        for r in Report.objects.select_related("enterprise", "form")
    }


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_reports_exported_in_the_import_layout_import_back_with_the_same_figures(db, tmp_path, to):
    a = enterprise("124500004985001085", "柳州市某事业单位")
    b = enterprise("91450200MA5K00012P", "柳州甲科技有限公司")
    report(a, 2025, 1, revenue=Decimal("1000000.50"), profit=Decimal("-20000"), energy=Decimal("12.34"))
    report(b, 2025, 1, output_value=Decimal("98765432109.87"), rd_fte=Decimal("3.5"), employees=12)
    report(b, 2024, 0, revenue=Decimal("0"), tax=None)
    before = _figures()
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    c = Client()
    c.force_login(stat)
    exported = c.get("/enterprises/reports/?export=template").content
    header = officefiles.read_workbook(exported)[0].rows[0][1]
    assert list(header[3:]) == [f"{i.label}（{i.unit}）" for i in INDICATORS.values()]
    again = resave(exported, tmp_path, to)
    Report.objects.all().delete()
    assert excel.reports_import(actor=stat, content=again) == 3
    assert _figures() == before


def _catalogue_of_indicators() -> list[tuple]:
    from gaoxin.economy.models import Indicator

    return [
        (
            i.code,
            i.version,
            i.name,
            i.unit,
            i.source,
            i.denominator,
            i.scale,
            i.decimals,
            i.frequency,
            i.department,
            i.higher_is_better,
            i.warning,
            i.excellent,
            sorted((t.year, t.value) for t in i.targets.all()),
        )
        for i in Indicator.objects.filter(current=True).order_by("code")
    ]


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_the_indicator_catalogue_export_imports_back_as_the_same_definitions(db, tmp_path, to):
    """指标目录导出 → 另存 → 导入：不产生新版本，定义和各年度目标不变；编码被存成数字也能复原。"""
    from gaoxin.economy.services.catalogue import indicator_save, indicators_import

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    indicator_save(
        actor=stat,
        code="FZ01",
        fields={
            "name": "规上工业总产值",
            "unit": "亿元",
            "source": "reporting.output_value",
            "scale": Decimal(100000000),
            "decimals": 2,
            "department": "统计局",
            "warning": Decimal("90.5"),
            "excellent": Decimal(110),
        },
        targets={2025: Decimal("1000.25"), 2026: Decimal("1080")},
    )
    indicator_save(
        actor=stat,
        code="0107",
        fields={
            "name": "平均办理工作日",
            "unit": "个工作日",
            "source": "govservices.average_workdays",
            "frequency": "yearly",
            "higher_is_better": False,
            "decimals": 1,
        },
    )
    before = _catalogue_of_indicators()
    c = Client()
    c.force_login(stat)
    exported = c.get("/economy/indicators/excel/?download=1").content
    api = c.get("/api/v1/economy/indicators.xlsx").content
    assert officefiles.read_workbook(api)[0].rows == officefiles.read_workbook(exported)[0].rows
    assert indicators_import(actor=stat, content=resave(exported, tmp_path, to)) == {
        "rows": 3,
        "new_versions": 0,
    }
    assert _catalogue_of_indicators() == before


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_the_peer_zones_values_export_imports_back_as_the_same_values(db, tmp_path, to):
    from gaoxin.economy.models import EvaluationValue
    from gaoxin.economy.services.evaluation import evaluation_system_load, peer_template, peers_import

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    system = evaluation_system_load(actor=stat)
    wb = load_workbook(io.BytesIO(peer_template()))
    ws = wb.worksheets[0]
    ws.append(["苏州工业园区", 2020, "1.1", "", Decimal("56"), "2020年度评价结果", "否"])
    ws.append(["某高新区（示例）", 2020, "1.2", "", Decimal("1234567.123456"), "示例", "是"])
    buf = io.BytesIO()
    wb.save(buf)
    peers_import(actor=stat, system=system, content=buf.getvalue())

    def held():
        return sorted(
            EvaluationValue.objects.exclude(zone="").values_list(
                "zone", "year", "indicator__code", "value", "source_note", "illustrative"
            )
        )

    before = held()
    assert len(before) == 2
    c = Client()
    c.force_login(stat)
    exported = c.get("/api/v1/economy/evaluation/peers.xlsx").content
    EvaluationValue.objects.all().delete()
    peers_import(actor=stat, system=system, content=resave(exported, tmp_path, to))
    assert held() == before


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_a_chains_target_list_exported_imports_back_as_the_same_targets(db, tmp_path, to):
    from gaoxin.investment.models import ChainTarget
    from gaoxin.investment.services import chains
    from gaoxin.investment.services.target_import import targets_import

    officer = staff_user("invest", department("investment", "投资促进局"), ["investment_officer"])
    chain = chains.chain_create(actor=officer, code="nev", name="新能源汽车")
    battery = chains.link_add(actor=officer, chain=chain, name="动力电池")
    cell = chains.link_add(actor=officer, chain=chain, name="0111 电芯")
    chains.target_add(
        actor=officer, link=battery, company="国轩高科股份有限公司", city="合肥", note="10 GWh + 20 GWh"
    )
    chains.target_add(actor=officer, link=cell, company="=某能源有限公司", city="", note="")

    def held():
        return sorted(ChainTarget.objects.values_list("link__name", "company", "city", "note"))

    before = held()
    c = Client()
    c.force_login(officer)
    exported = c.get(f"/api/v1/investment/chains/{chain.pk}/targets.xlsx").content
    ChainTarget.objects.all().delete()
    assert targets_import(actor=officer, chain=chain, content=resave(exported, tmp_path, to)) == 2
    assert held() == before


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_the_bundle_catalogue_export_imports_back_as_the_same_bundles(gz, tmp_path, to):
    from gaoxin.govservices.models import Bundle
    from gaoxin.govservices.services.bundle_import import bundle_import
    from tests.govservices.builders import kaiban_bundle

    kaiban_bundle(gz, mode="sequential", code="KBQY-0001")

    def held():
        return [
            (
                b.code, b.name, b.mode, b.committed_days, b.guide, b.form_fields,
                [(m.order, m.item.code, m.field_map) for m in b.members.order_by("order")],
                [(x.order, x.name, x.required, x.file_types, x.targets) for x in b.materials.order_by("order")],
            )
            for b in Bundle.objects.order_by("code")
        ]  # fmt: skip

    before = held()
    c = client_for(gz["p"]["admin"])
    exported = c.get("/api/v1/bundle-catalogue/workbook").content
    Bundle.objects.all().delete()
    assert [
        b.code for b in bundle_import(actor=gz["p"]["admin"], content=resave(exported, tmp_path, to))
    ] == ["KBQY-0001"]
    assert held() == before


@pytest.mark.parametrize("to", ["xlsx", "xls"])
def test_the_income_tax_list_exported_imports_back_as_the_same_months(db, tmp_path, to):
    from gaoxin.talent.models import IncomeTax
    from gaoxin.talent.services import registry, subsidies

    office = staff_user("rcb", department("rcb", "人才工作局"), ["policy_officer"])
    firm = enterprise(name="示例科技有限公司")
    talent = registry.talent_register(
        actor=office, id_card="11010519491231002X", name="张博士", employer_uscc=firm.uscc
    )
    subsidies.income_tax_record(actor=office, talent=talent, year=2025, month=1, amount=Decimal("1234.56"))
    subsidies.income_tax_record(actor=office, talent=talent, year=2025, month=12, amount=Decimal("0.10"))

    def held():
        return sorted(IncomeTax.objects.values_list("talent__id_card", "year", "month", "amount"))

    before = held()
    c = Client()
    c.force_login(office)
    exported = c.get("/api/v1/talent/income-tax.xlsx").content
    IncomeTax.objects.all().delete()
    assert subsidies.income_tax_import(actor=office, content=resave(exported, tmp_path, to)) == 2
    assert held() == before


# Each import of the platform (its API operation) → the round trip above that proves its export
# imports back. A new import fails `test_every_import_has_a_round_trip` until it has one.
ROUND_TRIPS = {
    "/api/v1/service-catalogue/import": test_catalogue_export_resaved_by_libreoffice_imports_back_identically,
    "/api/v1/enterprises/import": test_the_registry_exported_in_the_import_layout_imports_back_as_the_same_records,
    "/api/v1/reports/import": test_reports_exported_in_the_import_layout_import_back_with_the_same_figures,
    "/api/v1/economy/indicators/import": test_the_indicator_catalogue_export_imports_back_as_the_same_definitions,
    "/api/v1/economy/evaluation/peers/import": test_the_peer_zones_values_export_imports_back_as_the_same_values,
    "/api/v1/bundle-catalogue/import": test_the_bundle_catalogue_export_imports_back_as_the_same_bundles,
    "/api/v1/investment/chains/{chain_id}/targets/import": test_a_chains_target_list_exported_imports_back_as_the_same_targets,
    "/api/v1/talent/income-tax/import": test_the_income_tax_list_exported_imports_back_as_the_same_months,
}


def api_imports() -> set[str]:
    """Every API operation that takes a spreadsheet: a multipart body with a `file` and a path that
    ends in /import."""
    from gaoxin.api import api

    found = set()
    for path, ops in api.get_openapi_schema()["paths"].items():
        for op in ops.values():
            body = op.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
            if path.endswith("/import") and "file" in body.get("schema", {}).get("properties", {}):
                found.add(path)
    return found


def test_every_import_has_a_round_trip():
    found = api_imports()
    assert found, "no import found in the OpenAPI document"
    assert found - set(ROUND_TRIPS) == set(), "imports without a round-trip test"
    assert set(ROUND_TRIPS) - found == set(), "round trips of imports that no longer exist"
