"""The clerk checks each material (合格 / 不合格 with a note) on the case page (issue 10); the 补正
form starts from what was found 不合格, and the applicant reads the verdicts."""

import re

import pytest

from gaoxin.core.models import AuditEvent
from gaoxin.govservices.models import Case, CaseMaterial
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(gz):
    ent = client_for(gz["p"]["ent"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    return Case.objects.get(number=number)


def material(case, order) -> CaseMaterial:
    return case.materials.get(spec__order=order)


def check(client, case, order, verdict, note=""):
    return client.post(
        f"/services/cases/{case.number}/check/",
        {"material": material(case, order).pk, "verdict": verdict, "verdict_note": note},
    )


def test_the_clerk_marks_a_material_good_and_the_audit_trail_records_it(gz, case):
    r = check(client_for(gz["p"]["clerk"]), case, 1, "passed")
    assert r.status_code == 302 and r["Location"].endswith(f"#material-{material(case, 1).pk}")
    assert material(case, 1).verdict == "passed"
    event = AuditEvent.objects.filter(action="case.material_check").get()
    assert event.summary["material"] == "申请书" and event.summary["to"] == "passed"
    assert event.object_id == str(case.pk)


def test_a_rejection_needs_a_note_said_in_chinese(gz, case):
    r = check(client_for(gz["p"]["clerk"]), case, 2, "failed", "  ")
    assert r.status_code == 400
    assert "判为不合格时请写明问题" in r.content.decode()
    assert material(case, 2).verdict == "pending"
    assert not AuditEvent.objects.filter(action="case.material_check").exists()


def test_an_unknown_verdict_is_refused(gz, case):
    r = check(client_for(gz["p"]["clerk"]), case, 2, "maybe")
    assert r.status_code == 400 and material(case, 2).verdict == "pending"


def test_a_rejected_material_prefills_the_correction_form(gz, case):
    clerk = client_for(gz["p"]["clerk"])
    assert check(clerk, case, 2, "failed", "平面图缺少比例尺").status_code == 302
    assert check(clerk, case, 1, "passed").status_code == 302
    page = clerk.get(f"/services/cases/{case.number}/").content.decode()
    form = page.split('data-action="request_correction"')[1].split("</form>")[0]
    assert re.search(r'name="problem_2"[^>]*value="平面图缺少比例尺"', form)
    assert re.search(r'name="problem_1"[^>]*value=""', form)
    # sending the prefilled form asks the applicant for exactly that
    r = clerk.post(
        f"/services/cases/{case.number}/act/request_correction/",
        {"problem_2": "平面图缺少比例尺", "revision": Case.objects.get(pk=case.pk).revision},
    )
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "correction"
    assert material(case, 2).status == "rejected" and material(case, 2).problem == "平面图缺少比例尺"


def test_the_applicant_sees_the_verdict_and_note_but_no_check_controls(gz, case):
    check(client_for(gz["p"]["clerk"]), case, 2, "failed", "平面图缺少比例尺")
    page = client_for(gz["p"]["ent"]).get(f"/services/cases/{case.number}/").content.decode()
    assert "平面图缺少比例尺" in page and "核查：不合格" in page
    assert 'class="material-check"' not in page
    assert (
        'class="material-check"'
        in client_for(gz["p"]["clerk"]).get(f"/services/cases/{case.number}/").content.decode()
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ent", 403),  # the applicant
        ("ent2", 404),  # another enterprise: does not see the case
        ("reviewer_housing", 404),  # a reviewer of another department
        ("reviewer", 403),  # the item's department, but nothing to do before acceptance
    ],
)
def test_only_who_acts_on_the_case_now_may_check(gz, case, who, status):
    r = check(client_for(gz["p"][who]), case, 1, "passed")
    assert r.status_code == status
    assert material(case, 1).verdict == "pending"
    assert not AuditEvent.objects.filter(action="case.material_check").exists()


def test_in_review_the_reviewer_checks_and_the_clerk_no_longer_does(gz, case):
    assert act(client_for(gz["p"]["clerk"]), case.number, "accept").status_code == 200
    assert check(client_for(gz["p"]["clerk"]), case, 1, "passed").status_code == 403
    assert check(client_for(gz["p"]["reviewer"]), case, 1, "passed").status_code == 302
    assert material(case, 1).verdict == "passed"


def test_a_material_supplied_again_is_checked_afresh(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    case = Case.objects.get(number=number)
    check(clerk, case, 2, "failed", "平面图缺少比例尺")
    assert act(clerk, number, "request_correction", problems={"2": "平面图缺少比例尺"}).status_code == 200
    r = ent.post(f"/services/cases/{number}/act/supply/", {"material": "2", "file": pdf("plan.pdf")})
    assert r.status_code == 302
    m = material(case, 2)
    assert (m.status, m.verdict, m.verdict_note) == ("provided", "pending", "")
