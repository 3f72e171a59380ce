"""Tenant data is read through selectors only: no page, API handler, export or home card touches a
tenant model's manager itself, and every model is either tenant data (its queryset has `visible_to`)
or listed below as not tenant data, with the reason."""

import ast
from pathlib import Path

from django.apps import apps

from gaoxin.core.tenancy import TenantQuerySet, is_tenant_model

SRC = Path(__file__).resolve().parent.parent / "src" / "gaoxin"

# Models that hold no tenant's data: reading them directly reveals nothing about anyone.
NOT_TENANT = {
    # the zone's reference data and catalogues, published to every user
    "Department",
    "RoleAssignment",  # read only through permissions (the user's own roles)
    "Park",
    "Industry",
    "ReportForm",
    "ServiceItem",
    "ItemVersion",
    "MaterialSpec",
    "StageSpec",
    "StageDepartment",
    "Bundle",  # the 一件事 catalogue is public, like the items' guides
    "BundleMember",
    "BundleMaterial",
    "Hall",  # the city's service halls and their windows: shown on the hall pages and screens
    "Window",
    "Policy",  # published policies are public; drafts are filtered by status in policy_list
    "Clause",
    "Budget",  # the zone's own money per clause; funds officers only (selectors check the role)
    "ReliefScheme",
    "Building",  # state-owned premises and their units
    "Unit",
    # the working-day calendar
    "CalendarDay",
    "CalendarYear",
    # failed-login counters per (typed username, client IP); read only by the login service
    "LoginCounter",
    # the audit chain's single head row (its events are tenant-scoped: AuditEvent.visible_to)
    "AuditHead",
    # the zone's own statistics (economy): aggregates over the pillars, no enterprise's record; read
    # by role (economy.permissions: leaders, statisticians, administrators)
    "Indicator",
    "IndicatorTarget",
    "Snapshot",
    "ReviewNarrative",  # the office's paragraphs of the zone's yearly review
    "ReviewEdition",  # the generated reviews of the zone's figures
    "IndicatorEntry",
    # the national evaluation: the published indicator systems, the zone's own and peer zones' values
    "EvaluationSystem",
    "EvaluationIndicator",
    "EvaluationValue",
}


def _scanned_files() -> list[Path]:
    files = []
    for app in sorted(p for p in SRC.iterdir() if p.is_dir()):
        files += [app / n for n in ("api.py", "excel.py", "home.py") if (app / n).exists()]
        files += sorted(app.glob("views*.py"))
        files += sorted((app / "views").glob("*.py")) if (app / "views").is_dir() else []
        files += sorted((app / "templatetags").glob("*.py")) if (app / "templatetags").is_dir() else []
    return files + [SRC / "views.py", SRC / "api.py"]


def _gaoxin_models():
    return [m for m in apps.get_models() if m.__module__.startswith("gaoxin.")]


def _tenant_names() -> set[str]:
    return {m.__name__ for m in _gaoxin_models() if is_tenant_model(m)}


def _label(path: Path) -> str:
    return str(path.relative_to(SRC)) if path.is_relative_to(SRC) else path.name


def _direct_reads(path: Path, tenant: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in tenant
        ):
            found.append(f"{_label(path)}:{node.lineno} {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", ""))
            in ("get_object_or_404", "get_list_or_404")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in tenant
        ):
            found.append(f"{_label(path)}:{node.lineno} get_object_or_404({node.args[0].id})")
    return found


def test_every_model_is_tenant_data_or_listed_as_not():
    undecided = [
        m.__name__ for m in _gaoxin_models() if not is_tenant_model(m) and m.__name__ not in NOT_TENANT
    ]
    assert not undecided, (
        f"decide: give these a TenantQuerySet with visible_to, or list them in NOT_TENANT: {undecided}"
    )
    stale = NOT_TENANT & _tenant_names()
    assert not stale, f"tenant models listed as not tenant data: {stale}"


def test_no_page_handler_or_export_reads_tenant_data_itself():
    tenant = _tenant_names()
    files = _scanned_files()
    assert len(files) >= 15
    found = [hit for f in files for hit in _direct_reads(f, tenant)]
    assert not found, "read these through the app's selectors:\n" + "\n".join(found)


def test_the_check_sees_a_direct_read(tmp_path):
    leak = tmp_path / "views.py"
    leak.write_text(
        "def v(request, n):\n"
        "    Licence.objects.filter(number=n)\n"
        "    return get_object_or_404(Case, number=n)\n"
    )
    assert sorted(_direct_reads(leak, _tenant_names())) == [
        "views.py:2 Licence.objects",
        "views.py:3 get_object_or_404(Case)",
    ]


def test_deny_by_default():
    from gaoxin.accounts.models import Department

    assert TenantQuerySet(model=Department).visible_to(None).query.is_empty()
