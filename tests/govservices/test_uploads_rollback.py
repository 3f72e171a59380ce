"""A request refused half-way leaves no file behind (issue 9, #8): files are written by one function,
and removed again when the work that stored them fails."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

import gaoxin
from gaoxin.api import api
from gaoxin.core import audit
from gaoxin.core.errors import Conflict
from gaoxin.govservices.models import Case, CaseMaterial, Licence
from tests.govservices.builders import PDF
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db

FAKE_PDF = b"MZ\x90\x00 not a pdf"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Each test counts the files of its own storage: the suite's workers share GAOXIN_DATA_DIR, and
    another worker's uploads must not look like debris left here."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def no_new_files():
    before = stored_files()
    yield
    assert stored_files() - before == set()


def fail_audit_once(monkeypatch, action: str):
    """The last write of the transaction fails as a lost race would (after the files were stored)."""
    real = audit.record

    def record(**kwargs):
        if kwargs.get("action") == action:
            raise Conflict("办件已被他人处理，请刷新后再操作")
        return real(**kwargs)

    monkeypatch.setattr(audit, "record", record)


def test_a_submission_refused_at_its_second_file_keeps_none(gz, no_new_files):
    r = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 3: pdf("c.pdf", FAKE_PDF)})
    assert r.status_code == 422 and "营业执照" in r.json()["message"]
    assert Case.objects.count() == 0


def test_a_submission_losing_at_its_last_write_keeps_none(gz, monkeypatch, no_new_files):
    fail_audit_once(monkeypatch, "case.submit")
    r = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()})
    assert r.status_code == 409
    assert Case.objects.count() == 0


def test_the_page_refusing_a_submission_keeps_no_file(gz, no_new_files):
    c = client_for(gz["p"]["ent"])
    r = c.post(
        "/services/items/000000000002/apply/",
        {"project": "示例项目", "file_1": pdf(), "file_3": pdf("c.pdf", FAKE_PDF)},
    )
    assert r.status_code == 200 and "不是真正的 PDF" in r.content.decode()
    assert Case.objects.count() == 0


def test_a_supplied_material_refused_after_storing_is_removed(gz, monkeypatch):
    p = gz["p"]
    ent, clerk = client_for(p["ent"]), client_for(p["clerk"])
    number = submit(clerk, "000000000002", applicant="ent", files={1: pdf()}).json()["number"]
    act(clerk, number, "request_correction", problems={"3": "未上传"})
    before = stored_files()
    fail_audit_once(monkeypatch, "case.supply")
    r = ent.post(f"/api/v1/cases/{number}/actions/supply", {"payload": '{"material": 3}', "file": pdf()})
    assert r.status_code == 409
    assert stored_files() == before
    assert CaseMaterial.objects.get(case__number=number, spec__order=3).status == "rejected"


def test_a_licence_pdf_of_an_issue_that_fails_is_removed(gz, monkeypatch):
    p = gz["p"]
    ent, clerk, reviewer, approver = (client_for(p[k]) for k in ("ent", "clerk", "reviewer", "approver"))
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    act(clerk, number, "accept")
    act(reviewer, number, "review", verdict="agree")
    act(approver, number, "approve")
    before = stored_files()
    fail_audit_once(monkeypatch, "case.issue")
    assert act(approver, number, "issue").status_code == 409
    assert stored_files() == before and Licence.objects.count() == 0
    monkeypatch.undo()
    assert act(approver, number, "issue").status_code == 200
    assert len(stored_files() - before) == 1


def _multipart_writes():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, op in methods.items():
            if "multipart/form-data" in json.dumps(op.get("requestBody", {})):
                yield method.upper(), path


@pytest.mark.parametrize(("method", "path"), sorted(_multipart_writes()))
@pytest.mark.parametrize("who", ["ent", "clerk", "admin"])
def test_every_endpoint_taking_files_refusing_keeps_none(gz, method, path, who):
    """Sweep: a refused request to any endpoint that takes files leaves the storage as it was."""
    number = submit(client_for(gz["p"]["clerk"]), "000000000002", applicant="ent", files={1: pdf()})
    number = number.json()["number"]
    before = stored_files()
    url = re.sub(r"\{number\}", number, path)
    url = re.sub(r"\{action\}", "supply", url)
    url = re.sub(r"\{\w+\}", "x", url)
    body = {
        # refused: an unknown item, a material that needs no supply, or a file that is not a spreadsheet
        "payload": json.dumps({"item": "000000000002", "material": 1, "data": {}}),
        "file": pdf(),
        "file_1": pdf(),
        "file_3": pdf("c.pdf", FAKE_PDF),
    }
    r = client_for(gz["p"][who]).post(url, body)
    assert 400 <= r.status_code < 500, (url, r.status_code, r.content[:200])
    assert stored_files() == before, url


def test_files_are_written_only_through_store_file():
    """Sweep of the source: no FileField is saved, and no ContentFile built, outside uploads.store_file."""
    root = Path(gaoxin.__file__).parent
    # not uploads: the readiness probe writes a few bytes and deletes them to prove storage writable
    not_uploads = {Path("core/ops.py")}
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if path.name != "uploads.py"
        and "migrations" not in path.parts
        and path.relative_to(root) not in not_uploads
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"ContentFile\(|default_storage\.save|\b(file|pdf)\.save\(", line)
    ]
    assert offenders == []


def test_a_stored_file_stays_when_the_work_commits(gz):
    r = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 3: pdf()})
    assert r.status_code == 201
    m = CaseMaterial.objects.get(case__number=r.json()["number"], spec__order=1)
    assert m.file.name in stored_files() and m.file.read() == PDF
