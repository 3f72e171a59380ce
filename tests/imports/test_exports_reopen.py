"""Every spreadsheet the platform hands out reopens cleanly in LibreOffice: each export found by
walking every GET route (pages and API) as officials and as an enterprise, opened and saved again by
LibreOffice Calc, holds the same cells — text stays text (codes keep their leading zeros and all 18
digits), numbers stay the same numbers, dates stay dates.

A new export is swept without being listed here; the test also fails when it finds fewer exports
than the platform is known to have, so a sweep that silently stopped reaching them cannot pass."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.api import api
from tests.factories import department, staff_user
from tests.imports.test_round_trip import soffice
from tests.test_tenancy_sweep import (
    CATALOGUE,
    _fill,
    api_routes,
    build_world,
    kind_of,
    url_routes,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# registry list and templates, statistics and the not-reported list, catalogue and its template,
# payment batch file, funds report, investment projects and KPIs (pages and API): 16 when written
KNOWN_AT_LEAST = 14
SRC = Path(__file__).resolve().parents[2] / "src" / "gaoxin"


def query_variants() -> list[str]:
    """The query strings a page or operation turns into a download, read off the views themselves
    (`request.GET.get("export") == "xlsx"`, `request.GET.get("template")` …), so a new trigger is
    swept without being listed here."""
    found = {""}
    pattern = re.compile(r"""GET\.get\(["'](\w+)["']\)(?:\s*==\s*["'](\w+)["'])?""")
    for path in SRC.rglob("*.py"):
        for name, value in pattern.findall(path.read_text()):
            if name in {"export", "template", "download", "format"}:
                found.add(f"?{name}={value or 1}")
    return sorted(found)


def _exports(world) -> dict[str, bytes]:
    """Route → the first spreadsheet any of the callers got from it."""
    officer = staff_user(
        "all_roles",
        department("tjj", "统计局"),
        ["statistician", "policy_officer", "finance_officer", "investment_officer", "leader", "system_admin"],
    )
    everyone = Client(raise_request_exception=False)
    everyone.force_login(officer)
    callers = [everyone, *(world.clients[n] for n in ("finance", "invest", "ent"))]
    found: dict[str, bytes] = {}
    routes = [r for r in api_routes(api) if r.method == "GET"] + url_routes()
    queries = query_variants()
    for route in routes:
        if any(kind_of(route.template, p) is None for p in route.params):
            continue
        kinds = {kind_of(route.template, p) for p in route.params} - {CATALOGUE}
        url = route.url(_fill(route, world, {k: world.values[k] for k in kinds if k in world.values}))
        for query in queries:
            for client in callers:
                r = client.get(url + query)
                if r.status_code == 200 and r.get("Content-Type", "").startswith(XLSX):
                    # one file per (route, download name): a query the view ignores adds nothing
                    name = r.get("Content-Disposition", "")
                    key = f"{route.template} {name}"
                    found.setdefault(key, b"".join(r) if r.streaming else r.content)
                    break
    return found


def _cells(content: bytes) -> dict[tuple[str, str], object]:
    wb = load_workbook(io.BytesIO(content), data_only=True)
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value not in (None, ""):
                    cells[(ws.title, c.coordinate)] = c.value
    return cells


def _same(a, b) -> bool:
    if isinstance(a, str):
        return isinstance(b, str) and a == b
    if isinstance(a, bool):
        return a == b
    if isinstance(a, (int, float, Decimal)):
        return isinstance(b, (int, float, Decimal)) and Decimal(str(a)) == Decimal(str(b))
    if isinstance(a, (dt.date, dt.datetime)):
        return isinstance(b, (dt.date, dt.datetime)) and a == b
    return a == b


def test_every_export_reopens_with_the_same_cells(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = build_world()
    exports = _exports(world)
    assert len(exports) >= KNOWN_AT_LEAST, sorted(exports)
    src = tmp_path / "in"
    src.mkdir()
    names = {}
    for i, (route, content) in enumerate(sorted(exports.items())):
        (src / f"e{i}.xlsx").write_bytes(content)
        names[f"e{i}.xlsx"] = route
    out = tmp_path / "out"
    # one LibreOffice process re-saves them all, as a clerk opening and saving each would
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *sorted(str(p) for p in src.iterdir()),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    problems = []
    for name, route in names.items():
        before = _cells((src / name).read_bytes())
        after = _cells((out / name).read_bytes())
        for key, value in before.items():
            if not _same(value, after.get(key)):
                problems.append(f"{route} {key}: {value!r} → {after.get(key)!r}")
    assert not problems, problems[:20]
