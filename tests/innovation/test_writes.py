"""What the office writes in the innovation pillar: an expert's appointment ended early (解聘) once and
only while it runs; text longer than its column refused (never cut) on every text input of the API and
in the services the pages call; a duplicate answered 409 by core.uniqueness, also when two requests race."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from gaoxin.core import clock
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.models import AuditEvent
from gaoxin.core.uniqueness import create_or_conflict
from gaoxin.enterprises.models import Qualification
from gaoxin.innovation.models import (
    Appointment,
    Expert,
    Incubation,
    InnovationCarrier,
    OnlineRegistration,
    Postdoc,
    PostdocStation,
    TechContract,
    Transfer,
)
from gaoxin.innovation.services import carriers, records
from tests.factories import department, staff_user
from tests.govservices.helpers import client_for
from tests.innovation.builders import day, tenants

ID_CARD = "11010519491231002X"


def _post(client, url, body):
    return client.post(f"/api/v1{url}", body, content_type="application/json")


def _appointed(iz, *, term_from: dt.date, term_to: dt.date) -> tuple[Expert, Appointment]:
    office = iz["p"]["office"]
    expert = records.expert_create(actor=office, name="陈教授", organisation="广西大学", field="汽车电子")
    a = records.appointment_add(
        actor=office,
        expert=expert,
        department_id=iz["sci"].pk,
        field="汽车电子",
        term_from=term_from,
        term_to=term_to,
    )
    return expert, a


# ---- 解聘 --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_appointment_is_dismissed_once_with_its_reason_and_date(iz):
    today = clock.today()
    expert, a = _appointed(
        iz, term_from=today - dt.timedelta(days=400), term_to=today + dt.timedelta(days=400)
    )
    office = client_for(iz["p"]["office"])
    url = f"/innovation/experts/{expert.pk}/appointments/{a.pk}/dismiss"
    # the enterprise cannot see the expert; a reason is required; the date may not be in the future
    assert _post(client_for(iz["p"]["ent"]), url, {"on": str(today), "reason": "x"}).status_code == 404
    r = _post(office, url, {"on": str(today), "reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["fields"]
    r = _post(office, url, {"on": str(today + dt.timedelta(days=1)), "reason": "工作调动"})
    assert r.status_code == 422 and "不能晚于今天" in r.json()["message"]
    r = _post(office, url, {"on": str(a.term_from - dt.timedelta(days=1)), "reason": "工作调动"})
    assert r.status_code == 422 and "不能早于聘期起" in r.json()["message"]
    a.refresh_from_db()
    assert a.ended_on is None and a.end_reason == ""

    r = _post(office, url, {"on": str(today), "reason": "工作调动，不再担任"})
    assert r.status_code == 200
    shown = r.json()["appointments"][0]
    assert shown["ended_on"] == str(today) and shown["end_reason"] == "工作调动，不再担任"
    event = AuditEvent.objects.filter(action="expert.dismiss").get()
    assert event.object_id == str(a.pk) and event.summary["reason"] == "工作调动，不再担任"

    r = _post(office, url, {"on": str(today), "reason": "再次"})
    assert r.status_code == 409 and "不能再次解聘" in r.json()["message"]
    a.refresh_from_db()
    assert a.end_reason == "工作调动，不再担任"
    assert AuditEvent.objects.filter(action="expert.dismiss").count() == 1
    # the term is free again: the department may appoint the expert anew
    records.appointment_add(
        actor=iz["p"]["office"],
        expert=expert,
        department_id=iz["sci"].pk,
        field="智能网联",
        term_from=today,
        term_to=today + dt.timedelta(days=30),
    )


@pytest.mark.django_db
def test_a_finished_appointment_cannot_be_dismissed(iz):
    expert, a = _appointed(iz, term_from=day("2020-01-01"), term_to=day("2022-12-31"))
    r = _post(
        client_for(iz["p"]["office"]),
        f"/innovation/experts/{expert.pk}/appointments/{a.pk}/dismiss",
        {"on": "2022-06-01", "reason": "工作调动"},
    )
    assert r.status_code == 409 and "期满" in r.json()["message"]
    a.refresh_from_db()
    assert a.ended_on is None
    # another expert's appointment is not found under this expert
    other = records.expert_create(
        actor=iz["p"]["office"], name="王研究员", organisation="广西大学", field="材料"
    )
    r = _post(
        client_for(iz["p"]["office"]),
        f"/innovation/experts/{other.pk}/appointments/{a.pk}/dismiss",
        {"on": "2022-06-01", "reason": "x"},
    )
    assert r.status_code == 404


@pytest.mark.django_db
def test_the_officer_registers_appoints_and_dismisses_an_expert_on_the_pages(iz):
    c = client_for(iz["p"]["office"])
    r = c.post("/innovation/experts/", {"name": "陈教授", "organisation": "广西大学", "field": "汽车电子"})
    assert r.status_code == 302
    expert = Expert.objects.get(name="陈教授")
    assert r["Location"] == f"/innovation/experts/{expert.pk}/"
    r = c.post("/innovation/experts/", {"name": "陈教授", "organisation": "广西大学", "field": "x"})
    assert r.status_code == 200 and "该单位已有同名专家" in r.content.decode()
    today = clock.today()
    url = f"/innovation/experts/{expert.pk}/"
    form = {"form": "appoint", "department_id": iz["sci"].pk, "field": "汽车电子"}
    bad = c.post(url, {**form, "term_from": str(today), "term_to": str(today - dt.timedelta(days=1))})
    assert bad.status_code == 200 and "聘期止不能早于聘期起" in bad.content.decode()
    ok = c.post(url, {**form, "term_from": str(today), "term_to": str(today + dt.timedelta(days=365))})
    assert ok.status_code == 302
    a = Appointment.objects.get(expert=expert)
    page = c.get(url).content.decode()
    assert "在聘" in page and 'name="reason"' in page
    r = c.post(url, {"form": "dismiss", "appointment": a.pk, "on": str(today), "reason": ""}, follow=True)
    assert "解聘原因" in r.content.decode()
    a.refresh_from_db()
    assert a.ended_on is None
    r = c.post(url, {"form": "dismiss", "appointment": a.pk, "on": str(today), "reason": "换届"}, follow=True)
    page = r.content.decode()
    assert "已解聘" in page and "换届" in page and 'name="reason"' not in page
    again = c.post(
        url, {"form": "dismiss", "appointment": a.pk, "on": str(today), "reason": "再次"}, follow=True
    )
    assert "不能再次解聘" in again.content.decode()
    # the list filters by name, organisation or field; enterprises do not open the roster
    assert "陈教授" in c.get("/innovation/experts/?q=汽车").content.decode()
    assert "陈教授" not in c.get("/innovation/experts/?q=生物医药").content.decode()
    assert client_for(iz["p"]["ent"]).get(url).status_code == 404
    leader = client_for(iz["p"]["leader"]).get(url).content.decode()
    assert "换届" in leader and 'name="form"' not in leader


@pytest.mark.django_db
def test_stations_postdocs_rd_centres_and_transfers_are_registered_on_the_pages(iz):
    c = client_for(iz["p"]["office"])
    r = c.post(
        "/innovation/stations/",
        {
            "form": "station",
            "st-kind": "station",
            "st-name": "高新区博士后工作站",
            "st-established_on": "2018-06-01",
        },
    )
    assert r.status_code == 302
    zone = PostdocStation.objects.get(name="高新区博士后工作站")
    r = c.post(
        "/innovation/stations/",
        {
            "form": "station",
            "st-kind": "sub_station",
            "st-name": "示例分站",
            "st-established_on": "2019-01-01",
        },
    )
    assert r.status_code == 200 and "分站须属于一个博士后工作站" in r.content.decode()
    r = c.post(
        "/innovation/stations/",
        {
            "form": "station",
            "st-kind": "sub_station",
            "st-name": "示例分站",
            "st-established_on": "2019-01-01",
            "st-parent_id": zone.pk,
            "st-host_uscc": iz["a"].uscc,
        },
    )
    assert r.status_code == 302 and PostdocStation.objects.get(name="示例分站").parent == zone
    enter = {
        "form": "postdoc",
        "pd-station": zone.pk,
        "pd-name": "李博士",
        "pd-id_card": "110105194912310021",
        "pd-field": "电池材料",
        "pd-entered_on": "2024-09-01",
        "pd-months": "24",
    }
    r = c.post("/innovation/stations/", enter)
    assert r.status_code == 200 and "校验位不正确" in r.content.decode()
    assert not Postdoc.objects.exists()
    assert c.post("/innovation/stations/", {**enter, "pd-id_card": ID_CARD}).status_code == 302
    postdoc = Postdoc.objects.get(name="李博士")
    assert postdoc.due_on == day("2026-09-01")
    page = c.get("/innovation/stations/").content.decode()
    assert "李博士" in page and ID_CARD not in page
    r = c.post(
        "/innovation/stations/",
        {"form": "leave", "postdoc": postdoc.pk, "on": "2024-08-01", "completed": "0"},
    )
    assert r.status_code == 200 and "出站日期不能早于进站日期" in r.content.decode()
    r = c.post(
        "/innovation/stations/",
        {"form": "leave", "postdoc": postdoc.pk, "on": "2025-03-01", "completed": "0"},
    )
    assert r.status_code == 302
    postdoc.refresh_from_db()
    assert postdoc.state == Postdoc.State.WITHDRAWN and postdoc.left_on == day("2025-03-01")

    r = c.post(
        "/innovation/rd-centres/",
        {
            "enterprise_uscc": iz["a"].uscc,
            "kind": "tech_centre",
            "level": "provincial",
            "certificate_no": "桂工信〔2024〕1号",
            "valid_from": "2024-01-01",
        },
    )
    assert r.status_code == 302
    assert Qualification.objects.get(certificate_no="桂工信〔2024〕1号").enterprise == iz["a"]
    r = c.post(
        "/innovation/rd-centres/",
        {
            "enterprise_uscc": iz["a"].uscc,
            "kind": "tech_centre",
            "level": "provincial",
            "certificate_no": "桂工信〔2024〕1号",
            "valid_from": "2024-01-01",
        },
    )
    assert r.status_code == 200 and "该证书编号已登记" in r.content.decode()

    transfer = {
        "name": "固态电池中试",
        "enterprise_uscc": iz["a"].uscc,
        "source": "广西大学",
        "transferred_on": "2024-05-01",
        "major": "on",
        "investment": "3000000",
    }
    assert c.post("/innovation/transfers/?year=2024", transfer).status_code == 302
    assert Transfer.objects.get(name="固态电池中试").major is True
    r = c.post("/innovation/transfers/?year=2024", transfer)
    assert r.status_code == 200 and "该企业已有同名成果转化项目" in r.content.decode()
    page = c.get("/innovation/transfers/?year=2024").content.decode()
    assert "固态电池中试" in page and "3,000,000.00" in page
    # the enterprise sees its own transfer, without the form; the other enterprise does not see it
    mine = client_for(iz["p"]["ent"]).get("/innovation/transfers/?year=2024").content.decode()
    assert "固态电池中试" in mine and "transfer-form" not in mine
    assert (
        "固态电池中试"
        not in client_for(iz["p"]["ent2"]).get("/innovation/transfers/?year=2024").content.decode()
    )


# ---- refuse, never truncate ---------------------------------------------------------------------------


def _world(iz) -> dict:
    """One of each record the API writes under, for the over-long inputs."""
    office = iz["p"]["office"]
    park = carriers.carrier_create(actor=office, kind="digital_park", name="数字经济产业园")
    inc = carriers.incubation_admit(
        actor=office,
        carrier=iz["incubator"],
        enterprise_uscc=tenants(1)[0].uscc,
        entered_on=day("2024-01-01"),
    )
    station = records.station_create(
        actor=office, kind="station", name="工作站", established_on=day("2018-01-01")
    )
    today = clock.today()
    expert, a = _appointed(
        iz, term_from=today - dt.timedelta(days=10), term_to=today + dt.timedelta(days=300)
    )
    return {"park": park, "inc": inc, "station": station, "expert": expert, "a": a}


def _bodies(iz, w) -> dict:
    uscc = iz["a"].uscc
    return {
        "carrier": ("/innovation/carriers", {"kind": "incubator", "name": "新孵化器"}),
        "exit": (f"/innovation/incubations/{w['inc'].pk}/actions/exit", {"reason": "迁出"}),
        "online": (
            f"/innovation/carriers/{w['park'].pk}/online-registrations",
            {"rows": [{"name": "线上企业", "registered_on": "2024-01-01"}]},
        ),
        "rd": (
            "/innovation/rd-centres",
            {
                "enterprise_uscc": uscc,
                "kind": "tech_centre",
                "level": "city",
                "certificate_no": "C-1",
                "valid_from": "2024-01-01",
            },
        ),
        "station": (
            "/innovation/stations",
            {"kind": "station", "name": "新工作站", "established_on": "2020-01-01", "partner": "广西大学"},
        ),
        "postdoc": (
            f"/innovation/stations/{w['station'].pk}/postdocs",
            {
                "name": "李博士",
                "id_card": ID_CARD,
                "field": "材料",
                "entered_on": "2024-01-01",
                "supervisor": "王",
            },
        ),
        "expert": (
            "/innovation/experts",
            {"name": "新专家", "organisation": "大学", "field": "材料", "title": "教授"},
        ),
        "appoint": (
            f"/innovation/experts/{w['expert'].pk}/appointments",
            {
                "department_id": department("fgw", "发改委").pk,
                "field": "规划",
                "term_from": "2024-01-01",
                "term_to": "2024-12-31",
            },
        ),
        "dismiss": (
            f"/innovation/experts/{w['expert'].pk}/appointments/{w['a'].pk}/dismiss",
            {"on": str(clock.today()), "reason": "换届"},
        ),
        "contract": (
            "/innovation/contracts",
            {
                "number": "N-1",
                "name": "合同",
                "kind": "development",
                "seller_uscc": uscc,
                "buyer": "买方",
                "amount": "100",
                "tech_amount": "50",
                "signed_on": "2024-01-01",
                "registered_on": "2024-02-01",
                "case_number": "B-1",
            },
        ),
        "transfer": (
            "/innovation/transfers",
            {"name": "转化项目", "enterprise_uscc": uscc, "source": "大学", "transferred_on": "2024-01-01"},
        ),
    }


def _counts() -> tuple:
    return (
        InnovationCarrier.objects.count(),
        Incubation.objects.filter(state="incubating").count(),
        Incubation.objects.exclude(reason="").count(),
        OnlineRegistration.objects.count(),
        Qualification.objects.count(),
        PostdocStation.objects.count(),
        Postdoc.objects.count(),
        Expert.objects.count(),
        Appointment.objects.count(),
        Appointment.objects.exclude(end_reason="").count(),
        TechContract.objects.count(),
        Transfer.objects.count(),
    )


TEXT_INPUTS = [
    ("carrier", "name", InnovationCarrier, "name"),
    ("exit", "reason", Incubation, "reason"),
    ("online", "rows.0.name", OnlineRegistration, "name"),
    ("rd", "certificate_no", Qualification, "certificate_no"),
    ("station", "name", PostdocStation, "name"),
    ("station", "partner", PostdocStation, "partner"),
    ("postdoc", "name", Postdoc, "name"),
    ("postdoc", "field", Postdoc, "field"),
    ("postdoc", "supervisor", Postdoc, "supervisor"),
    ("expert", "name", Expert, "name"),
    ("expert", "organisation", Expert, "organisation"),
    ("expert", "field", Expert, "field"),
    ("expert", "title", Expert, "title"),
    ("appoint", "field", Appointment, "field"),
    ("dismiss", "reason", Appointment, "end_reason"),
    ("contract", "number", TechContract, "number"),
    ("contract", "name", TechContract, "name"),
    ("contract", "buyer", TechContract, "buyer"),
    ("contract", "case_number", TechContract, "case_number"),
    ("transfer", "name", Transfer, "name"),
    ("transfer", "source", Transfer, "source"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "field", "model", "column"), TEXT_INPUTS, ids=[f"{r}-{f}" for r, f, *_ in TEXT_INPUTS]
)
def test_an_over_long_text_on_the_api_is_refused_naming_the_field_and_its_limit(
    iz, route, field, model, column
):
    w = _world(iz)
    url, body = _bodies(iz, w)[route]
    limit = model._meta.get_field(column).max_length
    long = "长" * (limit + 1)
    if field.startswith("rows."):
        body = {"rows": [{**body["rows"][0], "name": long}]}
    else:
        body = {**body, field: long}
    before = _counts()
    r = _post(client_for(iz["p"]["office"]), url, body)
    assert r.status_code == 422, r.content
    assert f"最多 {limit} 个字符" in r.json()["fields"][field]
    assert field in r.json()["message"]
    assert _counts() == before
    # at the limit the same body is accepted: the bound is the column's, not a smaller one
    if field.startswith("rows."):
        body = {"rows": [{**body["rows"][0], "name": "长" * limit}]}
    else:
        body = {**body, field: "长" * limit}
    assert _post(client_for(iz["p"]["office"]), url, body).status_code in (200, 201), body


def _service_calls(iz, w, long: str) -> dict:
    office = iz["p"]["office"]
    return {
        ("carrier", "name"): lambda: carriers.carrier_create(actor=office, kind="incubator", name=long),
        ("exit", "reason"): lambda: carriers.incubation_act(
            actor=office,
            incubation_id=w["inc"].pk,
            action="exit",
            revision=None,
            on=None,
            reason=long,
            months=None,
        ),
        ("station", "partner"): lambda: records.station_create(
            actor=office, kind="station", name="站", established_on=day("2020-01-01"), partner=long
        ),
        ("postdoc", "supervisor"): lambda: records.postdoc_enter(
            actor=office,
            station=w["station"],
            name="李",
            id_card=ID_CARD,
            field="材料",
            entered_on=day("2024-01-01"),
            supervisor=long,
        ),
        ("expert", "title"): lambda: records.expert_create(
            actor=office, name="专家", organisation="大学", field="材料", title=long
        ),
        ("appoint", "field"): lambda: records.appointment_add(
            actor=office,
            expert=w["expert"],
            department_id=department("fgw", "发改委").pk,
            field=long,
            term_from=day("2024-01-01"),
            term_to=day("2024-12-31"),
        ),
        ("dismiss", "reason"): lambda: records.appointment_dismiss(
            actor=office, expert=w["expert"], appointment_id=w["a"].pk, on=clock.today(), reason=long
        ),
        ("contract", "case_number"): lambda: records.contract_register(
            actor=office,
            number="N",
            name="合同",
            kind="development",
            seller_uscc=iz["a"].uscc,
            buyer="买方",
            amount=100,
            tech_amount=50,
            signed_on=day("2024-01-01"),
            registered_on=day("2024-02-01"),
            case_number=long,
        ),
        ("transfer", "source"): lambda: records.transfer_record(
            actor=office,
            name="项目",
            enterprise_uscc=iz["a"].uscc,
            source=long,
            transferred_on=day("2024-01-01"),
        ),
        ("rd", "certificate_no"): lambda: records.rd_centre_register(
            actor=office,
            enterprise_uscc=iz["a"].uscc,
            kind="tech_centre",
            level="city",
            certificate_no=long,
            valid_from=day("2024-01-01"),
        ),
    }


SERVICE_INPUTS = [
    ("carrier", "name", InnovationCarrier, "name"),
    ("exit", "reason", Incubation, "reason"),
    ("station", "partner", PostdocStation, "partner"),
    ("postdoc", "supervisor", Postdoc, "supervisor"),
    ("expert", "title", Expert, "title"),
    ("appoint", "field", Appointment, "field"),
    ("dismiss", "reason", Appointment, "end_reason"),
    ("contract", "case_number", TechContract, "case_number"),
    ("transfer", "source", Transfer, "source"),
    ("rd", "certificate_no", Qualification, "certificate_no"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "field", "model", "column"), SERVICE_INPUTS, ids=[f"{r}-{f}" for r, f, *_ in SERVICE_INPUTS]
)
def test_the_services_refuse_what_they_used_to_cut(iz, route, field, model, column):
    """The pages call the services: text too long for its column is refused there too, not shortened."""
    w = _world(iz)
    column_ = model._meta.get_field(column)
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        _service_calls(iz, w, "长" * (column_.max_length + 1))[(route, field)]()
    assert refused.value.message == f"{column_.verbose_name}过长（最多 {column_.max_length} 个字符）"
    assert _counts() == before


# ---- create or conflict -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_unique_violation_becomes_a_conflict_and_the_transaction_carries_on(iz):
    office = iz["p"]["office"]
    make = lambda: Expert.objects.create(name="陈教授", organisation="广西大学", field="x", created_by=office)  # noqa: E731
    with transaction.atomic():
        create_or_conflict(make, "该单位已有同名专家")
        with pytest.raises(Conflict) as lost:
            create_or_conflict(make, "该单位已有同名专家")  # no check first: the constraint refuses it
        assert lost.value.message == "该单位已有同名专家"
        assert Expert.objects.count() == 1  # the savepoint rolled back only the loser's insert
    with pytest.raises(Conflict):
        create_or_conflict(make, "已有", taken=Expert.objects.filter(name="陈教授"))
    # any other integrity error is not a conflict: a check constraint's refusal is raised as it is
    expert = Expert.objects.get()
    with pytest.raises(IntegrityError):
        create_or_conflict(
            lambda: Appointment.objects.create(
                expert=expert,
                department=iz["sci"],
                field="x",
                term_from=day("2024-02-01"),
                term_to=day("2024-01-01"),
            ),
            "不会用到",
        )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creates_of_one_expert_one_wins_the_other_is_refused():
    # On PostgreSQL from two threads at the same moment; SQLite serialises writers, so there the two
    # run in turn (the second is refused by the check; the constraint's branch is tested above).
    sequential = connection.vendor != "postgresql"
    office = staff_user("office", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create():
        if not sequential:
            barrier.wait(timeout=10)  # both have passed the exists() check; both insert now
        return Expert.objects.create(
            name="陈教授", organisation="广西大学", field="汽车电子", created_by=office
        )

    def run():
        try:
            with transaction.atomic():
                create_or_conflict(create, "该单位已有同名专家", taken=Expert.objects.filter(name="陈教授"))
            outcomes.append("created")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            if not sequential:
                close_old_connections()
                connection.close()

    if sequential:
        run()
        run()
    else:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(outcomes) == ["created", "该单位已有同名专家"]
    assert Expert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_offices_registering_one_transfer_at_once_get_201_and_409():
    from tests.enterprises import factories as ef
    from tests.innovation.builders import USCC_A

    office = staff_user("office", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    ef.enterprise(USCC_A, "示例科技有限公司")
    body = {
        "name": "固态电池中试",
        "enterprise_uscc": USCC_A,
        "source": "广西大学",
        "transferred_on": "2024-05-01",
    }
    statuses: list[int] = []

    def post():
        try:
            statuses.append(_post(client_for(office), "/innovation/transfers", body).status_code)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=lambda: (barrier.wait(timeout=10), post())) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        post()
        post()
    assert sorted(statuses) == [201, 409]
    assert Transfer.objects.count() == 1
