"""Enterprise data reporting through the API: validation, explanations, the workflow, scoping."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from gaoxin.enterprises.models import Report, ReportEvent, ReportRevision
from tests.enterprises.factories import USCC, enterprise, other_uscc, report
from tests.factories import department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db

VALUES = {"revenue": "2600000", "profit": "200000", "tax": "60000", "employees": "52", "rd_expense": "90000"}


@pytest.fixture
def company(db):
    e = enterprise()
    report(e, 2025, 2, revenue=Decimal("2000000"))
    report(e, 2025, 1, revenue=Decimal("1000000"))
    report(e, 2024, 3, revenue=Decimal("2400000"))
    return e


@pytest.fixture
def ent_client(company):
    c = Client()
    c.force_login(enterprise_user("ent", USCC, company.name))
    return c


@pytest.fixture
def stat_client(db):
    c = Client()
    c.force_login(staff_user("stat", department("stats", "统计局"), ["statistician"]))
    return c


def post(c, url, data=None):
    return c.post(url, data or {}, content_type="application/json")


def open_march(c) -> dict:
    r = post(c, "/api/v1/reports", {"uscc": USCC, "year": 2025, "month": 3})
    assert r.status_code == 200, r.content
    return r.json()


def test_report_month_validate_explain_submit_return_correct_accept(ent_client, stat_client):
    rep = open_march(ent_client)
    assert rep["state"] == "draft" and rep["actions"] == ["submit"]
    url = f"/api/v1/reports/{rep['id']}"

    # Cumulative below last month's: the clerk is told in plain words.
    r = post(ent_client, url + "/submit", {"values": {**VALUES, "revenue": "1500000"}})
    assert r.status_code == 422
    assert "不能小于上月累计" in r.json()["fields"]["revenue"]

    # Missing required figure and R&D above revenue.
    r = post(ent_client, url + "/submit", {"values": {**VALUES, "tax": "", "rd_expense": "9000000"}})
    assert r.status_code == 422
    assert r.json()["fields"]["tax"] == "请填写应交税金"
    assert r.json()["fields"]["rd_expense"] == "研发经费支出不能大于营业收入"

    # +150% year on year needs an explanation before submission.
    r = post(ent_client, url + "/submit", {"values": {**VALUES, "revenue": "6000000"}})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "explanation_required"
    assert "同比增长150%" in body["fields"]["explanations.revenue"]

    r = post(
        ent_client,
        url + "/submit",
        {"values": {**VALUES, "revenue": "6000000"}, "explanations": {"revenue": "新车型投产"}},
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted"

    # The enterprise cannot review its own report.
    assert post(ent_client, url + "/accept").status_code == 403

    r = post(stat_client, url + "/return", {"reason": "营业收入与税务数据不符，请核实"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert r.json()["return_reason"] == "营业收入与税务数据不符，请核实"

    r = ent_client.put(
        url, {"values": {**VALUES, "revenue": "3000000"}, "explanations": {}}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["values"]["revenue"] == "3000000.00"
    assert post(ent_client, url + "/submit", {}).status_code == 200

    r = post(stat_client, url + "/accept")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert r.json()["actions"] == ["revise"]

    # Accepted is locked; a correction opens a new revision and keeps the accepted figures.
    r = ent_client.put(url, {"values": VALUES}, content_type="application/json")
    assert r.status_code == 409
    r = post(ent_client, url + "/revise", {"reason": "更正税金"})
    assert r.status_code == 200 and r.json()["revision"] == 1 and r.json()["state"] == "draft"
    kept = ReportRevision.objects.get(report_id=rep["id"])
    assert kept.values["revenue"] == "3000000.00"
    steps = list(ReportEvent.objects.filter(report_id=rep["id"]).values_list("action", flat=True))
    assert steps == ["submit", "return", "submit", "accept", "revise"]


def test_month_own_value_is_derived_in_totals(company, stat_client):
    r = stat_client.get("/api/v1/statistics/totals?year=2025&month=2&by=industry")
    assert r.status_code == 200
    row = r.json()["rows"][0]
    assert Decimal(row["revenue"]) == Decimal("2000000")
    assert Decimal(row["month"]["revenue"]) == Decimal("1000000")


def test_wrong_state_is_409(company, stat_client):
    rep = report(company, 2025, 4, state=Report.State.SUBMITTED, revenue=Decimal("2500000"))
    url = f"/api/v1/reports/{rep.id}"
    assert post(stat_client, url + "/accept").status_code == 200
    r = post(stat_client, url + "/return", {"reason": "核实"})
    assert r.status_code == 409
    assert r.json()["message"] == "报表当前已审核，不能退回"


@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_return_exactly_one_wins():
    """Two statisticians act on the same submitted report at once: one wins, the other gets 409."""
    company = enterprise()
    rep = report(company, 2025, 4, state=Report.State.SUBMITTED)
    users = [staff_user(f"stat{i}", department("stats", "统计局"), ["statistician"]) for i in range(2)]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def act(user, path, data):
        c = Client()
        c.force_login(user)
        barrier.wait()
        results.append(post(c, f"/api/v1/reports/{rep.id}{path}", data).status_code)
        connection.close()

    threads = [
        threading.Thread(target=act, args=(users[0], "/accept", {})),
        threading.Thread(target=act, args=(users[1], "/return", {"reason": "核实"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    rep.refresh_from_db()
    assert ReportEvent.objects.filter(report=rep).count() == 1


def test_enterprise_user_sees_and_reports_only_its_own(ent_client):
    other = enterprise(other_uscc(), "别家制造有限公司")
    theirs = report(other, 2025, 1)
    assert ent_client.get(f"/api/v1/enterprises/{other.uscc}").status_code == 404
    assert ent_client.get(f"/api/v1/reports/{theirs.id}").status_code == 404
    assert (
        post(ent_client, "/api/v1/reports", {"uscc": other.uscc, "year": 2025, "month": 3}).status_code == 404
    )
    assert post(ent_client, f"/api/v1/reports/{theirs.id}/revise", {"reason": "x"}).status_code == 404
    assert (
        ent_client.put(
            f"/api/v1/reports/{theirs.id}", {"values": {}}, content_type="application/json"
        ).status_code
        == 404
    )
    listed = ent_client.get("/api/v1/enterprises").json()["items"]
    assert [e["uscc"] for e in listed] == [USCC]
    assert {r["uscc"] for r in ent_client.get("/api/v1/reports").json()["items"]} == {USCC}
    assert ent_client.get("/api/v1/statistics/totals?year=2025&month=1").status_code == 404


def test_bad_input_is_4xx_not_500(ent_client):
    assert post(ent_client, "/api/v1/reports", {"uscc": USCC, "year": 2025, "month": 13}).status_code == 422
    assert post(ent_client, "/api/v1/reports", {"uscc": USCC, "year": 2099, "month": 1}).status_code == 422
    rep = open_march(ent_client)
    r = ent_client.put(
        f"/api/v1/reports/{rep['id']}",
        {"values": {"revenue": "一百万", "employees": "1.5"}},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["fields"] == {"revenue": "营业收入应填写数字", "employees": "从业人员期末人数应为整数"}


def test_due_date_is_a_configurable_working_day_of_the_next_month():
    import datetime as dt

    from gaoxin.enterprises.indicators import due_date

    # October 2026 starts with the National Day holiday; Saturday 10 October is a make-up working day.
    assert due_date(kind="monthly", year=2026, month=9, workday=1).deadline == dt.date(2026, 10, 8)
    assert due_date(kind="monthly", year=2026, month=9, workday=3).deadline == dt.date(2026, 10, 10)
    assert due_date(kind="monthly", year=2026, month=9, workday=8).deadline == dt.date(2026, 10, 16)
    assert due_date(kind="monthly", year=2025, month=12, workday=1).deadline == dt.date(2026, 1, 4)


def test_late_submission_is_flagged_and_reminders_reach_both_sides(company, ent_client, stat_client):
    rep = open_march(ent_client)
    assert rep["due_on"] < "2025-04-30"
    r = post(ent_client, f"/api/v1/reports/{rep['id']}/submit", {"values": VALUES})
    assert r.status_code == 200 and r.json()["late"] is True

    from gaoxin.enterprises.home import cards

    stat = stat_client.get("/").wsgi_request.user
    labels = {c["label"]: c["value"] for c in cards(stat)}
    assert labels["待审核的企业报表"] == 1
    ent = ent_client.get("/").wsgi_request.user
    company.above_scale = True
    company.save()
    assert any(c["tone"] == "bad" and "未报" in c["label"] for c in cards(ent))


def test_huge_pagination_is_refused_not_overflowed(stat_client):
    for url in [
        "/api/v1/enterprises?offset=99999999999999999999",
        "/api/v1/reports?limit=100000000000000000000",
    ]:
        assert stat_client.get(url).status_code == 422
