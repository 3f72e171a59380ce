"""行政许可法 clocks (issue 9, #17): the legal deadline beside the committed one, the extension of
art. 42, 特别程序 of art. 45 only of the declared kinds and with the expected duration told, and the
five-day clock of 一次性告知 (art. 32) after which the application counts as accepted."""

import datetime as dt

import pytest

from gaoxin.core import calendar, clock
from gaoxin.govservices.models import Case
from tests.factories import staff_user
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db
D = dt.date
MONDAY = D(2026, 3, 2)


def on_day(monkeypatch, day: dt.date):
    monkeypatch.setattr(clock, "_frozen", [clock._as_moment(day)])


@pytest.fixture
def head(gz):
    return staff_user("head", gz["d"]["approval"], ["leader"])


def accepted_case(gz, monkeypatch, day=MONDAY, item="000000000002"):
    on_day(monkeypatch, day)
    r = submit(client_for(gz["p"]["ent"]), item, files={1: pdf(), 2: pdf(), 3: pdf()})
    assert r.status_code == 201, r.json()
    number = r.json()["number"]
    r = act(client_for(gz["p"]["clerk"]), number, "accept")
    assert r.status_code == 200, r.json()
    return number, r.json()


def test_the_legal_deadline_is_kept_beside_the_committed_one(gz, monkeypatch):
    number, case = accepted_case(gz, monkeypatch)
    assert case["due_on"] == calendar.add_workdays(D(2026, 3, 2), 5).deadline.isoformat()
    assert (
        case["legal_due_on"] == calendar.add_workdays(D(2026, 3, 2), 20).deadline.isoformat() == "2026-03-30"
    )
    page = client_for(gz["p"]["ent"]).get(f"/services/cases/{number}/").content.decode()
    assert (
        '<div id="legal-due"><span class="deadline">2026-03-30</span>' in page and "法定 20 个工作日" in page
    )


def test_the_department_head_extends_once_by_ten_working_days_with_a_reason(gz, monkeypatch, head):
    number, case = accepted_case(gz, monkeypatch)
    on_day(monkeypatch, D(2026, 3, 5))
    assert act(client_for(gz["p"]["approver"]), number, "extend", reason="需现场核查").status_code == 403
    assert act(client_for(gz["p"]["reviewer"]), number, "extend", reason="需现场核查").status_code == 403
    leader = client_for(head)
    assert act(leader, number, "extend").status_code == 422  # the reason is told to the applicant
    r = act(leader, number, "extend", reason="需组织现场核查")
    assert r.status_code == 200, r.json()
    out = r.json()
    assert out["extended_days"] == 10
    assert out["due_on"] == calendar.add_workdays(D(2026, 3, 2), 15).deadline.isoformat()
    assert out["legal_due_on"] == calendar.add_workdays(D(2026, 3, 2), 30).deadline.isoformat()
    assert out["state"] == "in_review"
    # the applicant reads the extension, its reason and the new deadline in its timeline
    mine = client_for(gz["p"]["ent"]).get(f"/api/v1/cases/{number}").json()
    event = next(e for e in mine["events"] if e["action"] == "extend")
    assert event["opinion"] == "需组织现场核查"
    assert event["details"]["legal_due_on"] == [case["legal_due_on"], out["legal_due_on"]]
    page = client_for(gz["p"]["ent"]).get(f"/services/cases/{number}/").content.decode()
    assert "需组织现场核查" in page and "经负责人批准延长 10 个工作日" in page
    assert act(leader, number, "extend", reason="再延长").status_code == 409


def test_a_head_of_another_department_cannot_extend(gz, monkeypatch):
    number, _ = accepted_case(gz, monkeypatch)
    other = staff_user("head_housing", gz["d"]["housing"], ["leader"])
    assert act(client_for(other), number, "extend", reason="x").status_code == 403


def test_no_extension_after_the_legal_deadline_passed(gz, monkeypatch, head):
    number, case = accepted_case(gz, monkeypatch)
    on_day(monkeypatch, D(2026, 3, 31))
    r = act(client_for(head), number, "extend", reason="来不及了")
    assert r.status_code == 409 and "法定期限" in r.json()["message"]


def test_special_procedure_only_of_a_declared_kind_with_its_expected_duration(gz, monkeypatch):
    number, _ = accepted_case(gz, monkeypatch)
    reviewer = client_for(gz["p"]["reviewer"])
    r = act(reviewer, number, "suspend", procedure="听证", expected_days=5)
    assert r.status_code == 422 and "检测、专家评审" in r.json()["message"]
    r = act(reviewer, number, "suspend", procedure="检测")
    assert r.status_code == 422 and r.json()["fields"] == {"expected_days": "应为 1 至 250"}
    r = act(reviewer, number, "suspend", procedure="检测", expected_days=5, reason="送检样品")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "suspended" and r.json()["procedure"] == "检测"
    mine = client_for(gz["p"]["ent"]).get(f"/api/v1/cases/{number}").json()
    event = next(e for e in mine["events"] if e["action"] == "suspend")
    assert event["details"]["expected_days"] == 5
    assert event["details"]["expected_end"] == calendar.add_workdays(D(2026, 3, 2), 5).deadline.isoformat()
    page = client_for(gz["p"]["ent"]).get(f"/services/cases/{number}/").content.decode()
    assert "预计 5 个工作日" in page and "计时暂停" in page


def test_an_item_declaring_no_special_procedure_cannot_stop_its_clock(gz, monkeypatch):
    number, _ = accepted_case(gz, monkeypatch, item="000000000004")
    r = act(client_for(gz["p"]["reviewer"]), number, "suspend", procedure="检测", expected_days=3)
    assert r.status_code == 409 and "未声明特别程序" in r.json()["message"]


def test_the_one_time_notice_clock_and_deemed_acceptance(gz, monkeypatch):
    p = gz["p"]
    on_day(monkeypatch, D(2026, 3, 2))
    clerk = client_for(p["clerk"])
    r = submit(clerk, "000000000002", applicant="ent", files={1: pdf()})
    number = r.json()["number"]
    assert r.json()["notice_due_on"] == calendar.add_workdays(D(2026, 3, 2), 5).deadline.isoformat()
    # within five working days the clerk may tell what is missing
    on_day(monkeypatch, D(2026, 3, 9))
    page = clerk.get(f"/services/cases/{number}/").content.decode()
    assert '<div id="notice-due"><span class="deadline">2026-03-09</span>' in page and "视为受理" not in page
    # the sixth working day: nobody told the applicant, the application counts as accepted
    on_day(monkeypatch, D(2026, 3, 10))
    page = clerk.get(f"/services/cases/{number}/").content.decode()
    assert "已逾期未告知，视为受理" in page
    r = act(clerk, number, "request_correction", problems={"3": "未上传"})
    assert r.status_code == 409 and "第三十二条" in r.json()["message"]
    r = act(clerk, number, "accept")
    assert r.status_code == 200, r.json()
    out = r.json()
    assert out["accepted_on"] == "2026-03-02"  # from the day the materials were received
    assert out["due_on"] == calendar.add_workdays(D(2026, 3, 2), 5).deadline.isoformat()
    event = next(e for e in out["events"] if e["action"] == "accept")
    assert event["details"]["deemed_accepted_on"] == "2026-03-02"
    # what was missing is still recorded as to be supplied
    assert {m["order"]: m["status"] for m in out["materials"]}[3] == "deferred"


def test_resubmission_restarts_the_notice_clock(gz, monkeypatch):
    p = gz["p"]
    on_day(monkeypatch, D(2026, 3, 2))
    clerk, ent = client_for(p["clerk"]), client_for(p["ent"])
    number = submit(clerk, "000000000002", applicant="ent", files={1: pdf()}).json()["number"]
    act(clerk, number, "request_correction", problems={"3": "未上传"})
    on_day(monkeypatch, D(2026, 3, 16))
    ent.post(f"/api/v1/cases/{number}/actions/supply", {"payload": '{"material": 3}', "file": pdf()})
    assert act(ent, number, "resubmit").status_code == 200
    case = Case.objects.get(number=number)
    assert case.notice_due_on == calendar.add_workdays(D(2026, 3, 16), 5).deadline
    assert not case.deemed_accepted(D(2026, 3, 17))
