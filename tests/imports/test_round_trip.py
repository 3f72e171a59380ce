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
from gaoxin.enterprises.models import Enterprise
from gaoxin.govservices.services.catalogue import SHEETS, catalogue_export, catalogue_import
from tests.enterprises.factories import enterprise
from tests.factories import department, staff_user

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
