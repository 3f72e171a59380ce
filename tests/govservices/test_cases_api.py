"""Cases end to end through the API: submission, the lifecycle, deadlines, 容缺, 告知承诺, 联审, agents."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.core import clock
from gaoxin.core.models import AuditEvent
from gaoxin.govservices.models import Case, Licence
from tests.govservices.builders import PNG
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db


def on_day(monkeypatch, day: dt.date):
    """Set the platform's clock to `day` until the end of the test."""
    monkeypatch.setattr(clock, "_frozen", [clock._as_moment(day)])


def test_instant_item_is_decided_at_the_window(gz):
    clerk = client_for(gz["p"]["clerk"])
    r = submit(clerk, "000000000001", applicant="ent", files={1: pdf()})
    assert r.status_code == 201, r.json()
    case = r.json()
    assert case["channel"] == "window" and case["actions"] == [
        "accept_instant",
        "request_correction",
        "reject",
    ]
    r = act(clerk, case["number"], "accept_instant")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "issued" and r.json()["due_on"] == timezone.localdate().isoformat()
    assert act(clerk, case["number"], "accept").status_code == 409


def test_idempotent_submission_returns_the_same_case(gz):
    ent = client_for(gz["p"]["ent"])
    first = submit(ent, "000000000001", files={1: pdf()}, key="abc-1")
    again = submit(ent, "000000000001", files={1: pdf()}, key="abc-1")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "prefer", ["return=minimal", "respond-async, return=minimal", "Return = Minimal; foo=bar"]
)
def test_a_submission_that_prefers_the_receipt_gets_it_and_the_case_address(gz, prefer):
    ent = client_for(gz["p"]["ent"])
    first = submit(ent, "000000000001", files={1: pdf()}, key="receipt-1", prefer=prefer)
    assert first.status_code == 201, first.json()
    receipt = first.json()
    assert set(receipt) == {"number", "state", "revision", "submitted_at", "due_on"}
    assert receipt["state"] == "submitted" and first["Preference-Applied"] == "return=minimal"
    assert first["Location"] == f"/api/v1/cases/{receipt['number']}"
    # the address answers with the whole case; a retry with the same key answers with the same receipt
    whole = ent.get(first["Location"]).json()
    assert whole["number"] == receipt["number"] and whole["revision"] == receipt["revision"]
    again = submit(ent, "000000000001", files={1: pdf()}, key="receipt-1", prefer=prefer)
    assert again.status_code == 200 and again.json() == receipt
    assert Case.objects.count() == 1


@pytest.mark.parametrize("prefer", [None, "", "return=representation", "return=minimalist"])
def test_a_submission_gets_the_whole_case_unless_it_prefers_the_receipt(gz, prefer):
    ent = client_for(gz["p"]["ent"])
    r = submit(ent, "000000000001", files={1: pdf()}, prefer=prefer)
    assert r.status_code == 201 and "Preference-Applied" not in r
    assert {"stages", "events", "materials", "actions"} <= set(r.json())
    assert r["Location"] == f"/api/v1/cases/{r.json()['number']}"


def test_bad_uploads_are_refused_with_a_message(gz):
    ent = client_for(gz["p"]["ent"])
    r = submit(ent, "000000000001", files={1: pdf("a.pdf", b"MZ\x90\x00 not a pdf")})
    assert r.status_code == 422 and "不是真正的 PDF" in r.json()["message"]
    r = submit(ent, "000000000001", files={1: pdf("a.exe", b"%PDF-")})
    assert r.status_code == 422 and "只接受" in r.json()["message"]
    r = ent.post("/api/v1/cases", "{not json", content_type="application/json")
    assert r.status_code == 422
    assert Case.objects.count() == 0


def test_promised_case_across_national_day_with_a_suspension(gz, monkeypatch):
    p = gz["p"]
    ent, clerk, reviewer, approver = (client_for(p[k]) for k in ("ent", "clerk", "reviewer", "approver"))
    on_day(monkeypatch, dt.date(2025, 9, 29))
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    r = act(clerk, number, "accept")
    # 5 working days from 29 Sep 2025: 30 Sep, then 9, 10, 11 (Saturday, a working day) and 13 Oct.
    assert r.json()["due_on"] == "2025-10-13" and r.json()["due_certain"] is True
    assert r.json()["stages"][0]["due_on"] == "2025-10-10"
    on_day(monkeypatch, dt.date(2025, 10, 9))
    assert (
        act(reviewer, number, "suspend", procedure="专家评审", expected_days=1).json()["state"] == "suspended"
    )
    on_day(monkeypatch, dt.date(2025, 10, 10))
    r = act(reviewer, number, "resume").json()
    assert (
        r["suspended_days"] == 1 and r["due_on"] == "2025-10-14" and r["stages"][0]["due_on"] == "2025-10-11"
    )
    assert act(reviewer, number, "review", verdict="agree", opinion="材料齐全，符合条件").status_code == 200
    assert act(approver, number, "approve", opinion="准予许可").json()["state"] == "approved"
    r = act(approver, number, "issue").json()
    assert r["state"] == "issued" and r["licence"]
    labels = [e["label"] for e in r["events"]]
    assert labels == [
        "网上申请",
        "受理",
        "启动特别程序",
        "特别程序结束",
        "出具审查意见",
        "准予许可",
        "出具结果",
    ]
    assert AuditEvent.objects.filter(action__startswith="case.", object_type="govservices.case").count() == 7


def test_correction_lists_everything_at_once_then_resubmission(gz):
    p = gz["p"]
    ent, clerk = client_for(p["ent"]), client_for(p["clerk"])
    # At a window the clerk takes what the applicant brought and tells at once what is missing.
    number = submit(clerk, "000000000002", applicant="ent", files={1: pdf()}).json()["number"]
    r = act(clerk, number, "accept")
    assert r.status_code == 409 and "营业执照" in r.json()["message"]
    r = act(clerk, number, "request_correction", problems={"1": "缺少签字", "3": "未上传"})
    assert r.json()["state"] == "correction"
    assert act(ent, number, "resubmit").status_code == 409
    for order in ("1", "3"):
        resp = ent.post(
            f"/api/v1/cases/{number}/actions/supply", {"payload": f'{{"material": {order}}}', "file": pdf()}
        )
        assert resp.status_code == 200, resp.json()
    assert act(ent, number, "resubmit").json()["state"] == "submitted"
    assert act(clerk, number, "accept").json()["state"] == "in_review"


def test_deferred_material_supplied_late_and_issue_waits_for_it(gz, monkeypatch):
    p = gz["p"]
    ent, clerk, reviewer, approver = (client_for(p[k]) for k in ("ent", "clerk", "reviewer", "approver"))
    on_day(monkeypatch, dt.date(2026, 3, 2))
    number = submit(ent, "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
    r = act(clerk, number, "accept", supply_due="2026-03-04").json()
    plan = next(m for m in r["materials"] if m["order"] == 2)
    assert plan["status"] == "deferred" and plan["due_on"] == "2026-03-04"
    act(reviewer, number, "review", verdict="agree")
    act(approver, number, "approve")
    r = act(approver, number, "issue")
    assert r.status_code == 409 and "容缺" in r.json()["message"]
    on_day(monkeypatch, dt.date(2026, 3, 6))
    r = ent.post(
        f"/api/v1/cases/{number}/actions/supply", {"payload": '{"material": 2}', "file": pdf("plan.png", PNG)}
    )
    assert r.json()["events"][-1]["details"] == {"material": "场所平面图", "late": True}
    assert act(approver, number, "issue").json()["state"] == "issued"


def test_commitment_case_approved_then_revoked_on_failed_verification(gz):
    p = gz["p"]
    ent, clerk, reviewer, approver = (client_for(p[k]) for k in ("ent", "clerk", "reviewer", "approver"))
    r = submit(ent, "000000000004", files={1: pdf()}, commitment=True).json()
    assert {m["order"]: m["status"] for m in r["materials"]} == {
        1: "provided",
        2: "committed",
        3: "committed",
    }
    number = r["number"]
    act(clerk, number, "accept")
    act(reviewer, number, "review", verdict="agree")
    act(approver, number, "approve")
    r = act(approver, number, "issue").json()
    licence = r["licence"]
    assert r["events"][-1]["details"]["verification_due"]
    assert client_for(p["ent2"]).get(f"/api/v1/licences/{licence}/verification").json()["status"] == "valid"
    assert act(clerk, number, "verify_fail", reason="x").status_code == 403
    r = act(reviewer, number, "verify_fail", reason="现场核查：经营场所不存在")
    assert r.json()["state"] == "revoked"
    assert client_for(p["ent"]).get(f"/api/v1/licences/{licence}/verification").json()["status"] == "revoked"
    token = Licence.objects.get(number=licence).token
    v = client_for(p["ent"]).get(f"/api/v1/licences/tokens/{token}/verification").json()
    assert v["status"] == "revoked" and "经营场所不存在" in v["message"]
    assert AuditEvent.objects.filter(action="licence.revoke").count() == 1


def test_joint_review_with_three_departments(gz):
    p = gz["p"]
    ent, clerk, reviewer, approver = (client_for(p[k]) for k in ("ent", "clerk", "reviewer", "approver"))
    number = submit(ent, "000000000003", files={1: pdf()}).json()["number"]
    act(clerk, number, "accept")
    act(reviewer, number, "review", verdict="agree")
    assert act(approver, number, "approve").status_code == 409
    housing = client_for(p["reviewer_housing"])
    r = act(housing, number, "review", verdict="agree", opinion="住建意见：同意")
    assert r.json()["stages"][1]["state"] == "active"
    assert act(housing, number, "review", verdict="agree").status_code == 409
    act(client_for(p["reviewer_land"]), number, "review", verdict="agree")
    r = act(client_for(p["reviewer_ecology"]), number, "review", verdict="agree").json()
    assert r["stages"][1]["state"] == "done"
    assert sorted(o["department"] for o in r["stages"][1]["opinions"]) == ["ecology", "housing", "land"]
    assert act(approver, number, "approve").json()["state"] == "approved"


def test_agent_submits_under_recorded_authorisation(gz):
    from gaoxin.govservices.services.submission import agent_authorise

    p = gz["p"]
    agent = client_for(p["agent"])
    r = submit(agent, "000000000001", applicant="ent", files={1: pdf()})
    assert r.status_code == 403 and "授权" in r.json()["message"]
    agent_authorise(
        actor=p["ent"],
        agent=p["agent"],
        applicant=p["ent"],
        project="新厂房",
        valid_until=dt.date(2099, 1, 1),
    )
    r = submit(agent, "000000000001", applicant="ent", files={1: pdf()})
    assert r.status_code == 201 and r.json()["channel"] == "agent"
    number = r.json()["number"]
    assert [c["number"] for c in agent.get("/api/v1/cases").json()["items"]] == [number]
    assert client_for(p["ent"]).get(f"/api/v1/cases/{number}").status_code == 200


def test_any_window_takes_any_item_and_routes_it(gz):
    p = gz["p"]
    housing_clerk = client_for(p["clerk_housing"])
    r = submit(housing_clerk, "000000000002", applicant="ent", files={1: pdf(), 2: pdf(), 3: pdf()}).json()
    assert r["department"] == "approval" and r["events"][0]["details"]["taken_at"] == "住房和城乡建设局"
    assert act(housing_clerk, r["number"], "accept").json()["state"] == "in_review"


def test_wrong_role_is_403_and_wrong_state_is_409(gz):
    p = gz["p"]
    ent, clerk = client_for(p["ent"]), client_for(p["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    r = act(ent, number, "accept")
    assert r.status_code == 403 and "窗口受理员" in r.json()["message"]
    r = act(clerk, number, "approve")
    assert r.status_code == 409 and "待受理" in r.json()["message"]
    assert act(clerk, number, "no_such_action").status_code == 404


def test_stale_revision_loses_with_409(gz):
    """Two officials holding the same view: the second action, based on an old revision, is refused."""
    p = gz["p"]
    number = submit(client_for(p["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()[
        "number"
    ]
    c1, c2 = client_for(p["clerk"]), client_for(p["clerk_housing"])
    seen = c1.get(f"/api/v1/cases/{number}").json()["revision"]
    assert act(c1, number, "accept", revision=seen).status_code == 200
    r = act(c2, number, "reject", revision=seen, reason="x")
    assert r.status_code == 409 and "已被他人处理" in r.json()["message"]


def test_lights_follow_the_working_day_calendar(gz, monkeypatch):
    from gaoxin.govservices.services.cases import lights_recompute

    p = gz["p"]
    number = submit(client_for(p["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()[
        "number"
    ]
    on_day(monkeypatch, dt.date(2026, 3, 2))
    assert act(client_for(p["clerk"]), number, "accept").json()["light"] == "green"  # due 9 March
    on_day(monkeypatch, dt.date(2026, 3, 6))
    lights_recompute()
    assert Case.objects.get(number=number).light == "yellow"
    on_day(monkeypatch, dt.date(2026, 3, 10))
    lights_recompute()
    assert Case.objects.get(number=number).light == "red"
