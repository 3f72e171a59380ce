"""The pillar's read contract feeds the national evaluation: 1.1 国家级和省级研发机构数 from the R&D
centres held (as enterprise qualifications) and 2.3 人均技术合同成交额 from the registered contracts over
the reported employees; an entered value is refused for them; the records behind the API and the
science office's other records (stations, postdocs, experts) with their checks and audit."""

from decimal import Decimal

import pytest

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEvent
from gaoxin.economy.services import evaluation
from gaoxin.innovation import selectors
from gaoxin.innovation.services import records
from tests.enterprises import factories as ef
from tests.govservices.helpers import client_for
from tests.innovation.builders import day

pytestmark = pytest.mark.django_db


def _centre(iz, kind, level, no, start="2018-01-01", end=None, who="a"):
    return records.rd_centre_register(
        actor=iz["p"]["office"],
        enterprise_uscc=iz[who].uscc,
        kind=kind,
        level=level,
        certificate_no=no,
        valid_from=day(start),
        valid_to=day(end) if end else None,
    )


def _contract(iz, no, amount, registered, who="a"):
    return records.contract_register(
        actor=iz["p"]["office"],
        number=no,
        name="电驱控制软件开发",
        kind="development",
        seller_uscc=iz[who].uscc,
        buyer="示例汽车有限公司",
        amount=Decimal(amount),
        tech_amount=Decimal(amount) / 2,
        signed_on=day(registered),
        registered_on=day(registered),
    )


def test_the_evaluation_indicators_come_from_the_records(iz):
    p = iz["p"]
    _centre(iz, "tech_centre", "national", "T1")
    _centre(iz, "eng_centre", "provincial", "E1", who="b")
    _centre(iz, "key_lab", "provincial", "K1", start="2021-03-01")  # not yet at the end of 2020
    _centre(iz, "eng_centre", "city", "E2")  # city level: not counted by 1.1
    _centre(iz, "tech_centre", "provincial", "T2", who="b", end="2020-06-30")  # lapsed
    _centre(iz, "tech_transfer", "provincial", "Z1")  # a transfer institution is not an R&D centre
    _contract(iz, "C1", "3000000", "2020-04-01")
    _contract(iz, "C2", "1000000", "2020-12-31", who="b")
    _contract(iz, "C3", "9000000", "2021-01-01")
    ef.report(iz["a"], 2020, 0, employees=150)
    ef.report(iz["b"], 2020, 0, employees=50)
    system = evaluation.evaluation_system_load(actor=p["stats"])
    values = evaluation.own_values(user=p["leader"], system=system, year=2020)
    assert values["1.1"]["computed"] and values["1.1"]["value"] == Decimal(2)
    # (3 000 000 + 1 000 000) 元 ÷ 200 人 = 20 000 元 = 2 万元 per person
    assert values["2.3"]["computed"] and values["2.3"]["value"] == Decimal("2.0000")
    total = selectors.innovation_stats(user=p["leader"], period=(2020, None))["total"]
    assert (total["rd_institutions"], total["rd_centres"], total["tech_transfer"]) == (2, 3, 1)
    assert (total["contracts"], total["contract_amount"]) == (2, Decimal("4000000"))
    with pytest.raises(Conflict):
        evaluation.own_value_enter(
            actor=p["stats"], system=system, year=2020, code="1.1", value=Decimal(9), source_note="台账"
        )
    # an enterprise reading the contract sees its own contracts only
    mine = selectors.innovation_stats(user=p["ent"], period=(2020, None))["total"]
    assert (mine["contracts"], mine["contract_amount"]) == (1, Decimal("3000000"))


def test_contracts_and_centres_are_checked_and_audited(iz):
    p = iz["p"]
    c = _contract(iz, "C1", "100", "2020-04-01")
    assert AuditEvent.objects.filter(action="tech_contract.register", object_id=str(c.pk)).exists()
    with pytest.raises(Conflict):
        _contract(iz, "C1", "100", "2020-04-01")
    with pytest.raises(ValidationFailed):  # technology share larger than the contract
        records.contract_register(
            actor=p["office"],
            number="C2",
            name="x",
            kind="service",
            seller_uscc=iz["a"].uscc,
            buyer="y",
            amount=Decimal(10),
            tech_amount=Decimal(11),
            signed_on=day("2020-01-01"),
        )
    with pytest.raises(PermissionDenied):
        records.contract_register(
            actor=p["ent"],
            number="C3",
            name="x",
            kind="service",
            seller_uscc=iz["a"].uscc,
            buyer="y",
            amount=Decimal(10),
            tech_amount=Decimal(1),
            signed_on=day("2020-01-01"),
        )
    with pytest.raises(ValidationFailed):  # not an R&D kind
        _centre(iz, "hte", "national", "H1")
    api = client_for(p["office"])
    r = api.post(
        "/api/v1/innovation/contracts",
        {
            "number": "N" * 31,
            "name": "x",
            "kind": "service",
            "seller_uscc": iz["a"].uscc,
            "buyer": "y",
            "amount": "10",
            "tech_amount": "1",
            "signed_on": "2020-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 422  # longer than the column
    r = client_for(p["ent"]).get("/api/v1/innovation/contracts")
    assert [row["number"] for row in r.json()["items"]] == ["C1"]
    assert client_for(p["ent2"]).get(f"/api/v1/innovation/contracts/{c.pk}").status_code == 404


def test_stations_postdocs_and_experts(iz):
    p = iz["p"]
    office = p["office"]
    zone_station = records.station_create(
        actor=office, kind="station", name="高新区博士后科研工作站", established_on=day("2014-07-01")
    )
    with pytest.raises(ValidationFailed):  # a sub-station needs its station and its enterprise
        records.station_create(
            actor=office, kind="sub_station", name="分站", established_on=day("2019-01-01")
        )
    sub = records.station_create(
        actor=office,
        kind="sub_station",
        name="示例科技博士后分站",
        established_on=day("2019-01-01"),
        host_uscc=iz["a"].uscc,
        parent=zone_station,
    )
    doc = records.postdoc_enter(
        actor=office,
        station=sub,
        name="李博士",
        id_card="11010519491231002X",
        field="电池材料",
        entered_on=day("2019-09-01"),
    )
    assert doc.due_on == day("2021-09-01")
    with pytest.raises(Conflict):  # in one station at a time
        records.postdoc_enter(
            actor=office,
            station=zone_station,
            name="李博士",
            id_card="11010519491231002x",
            field="x",
            entered_on=day("2020-01-01"),
        )
    assert selectors.innovation_stats(user=p["leader"], period=(2020, None))["total"]["postdocs"] == 1
    records.postdoc_leave(actor=office, postdoc_id=doc.pk, on=day("2021-09-01"))
    with pytest.raises(Conflict):
        records.postdoc_leave(actor=office, postdoc_id=doc.pk, on=day("2021-09-02"))
    assert selectors.innovation_stats(user=p["leader"], period=(2021, None))["total"]["postdocs"] == 0
    # the host enterprise sees its sub-station and its postdoc, masked; the other enterprise nothing
    r = client_for(p["ent"]).get(f"/api/v1/innovation/stations/{sub.pk}")
    assert r.status_code == 200 and r.json()["postdocs"][0]["id_card"] != "11010519491231002X"
    assert client_for(p["ent2"]).get(f"/api/v1/innovation/stations/{sub.pk}").status_code == 404
    expert = records.expert_create(actor=office, name="陈教授", organisation="广西大学", field="汽车电子")
    records.appointment_add(
        actor=office,
        expert=expert,
        department_id=iz["sci"].pk,
        field="汽车电子",
        term_from=day("2020-01-01"),
        term_to=day("2022-12-31"),
    )
    with pytest.raises(Conflict):  # overlapping terms of one department
        records.appointment_add(
            actor=office,
            expert=expert,
            department_id=iz["sci"].pk,
            field="x",
            term_from=day("2022-01-01"),
            term_to=day("2023-12-31"),
        )
    assert client_for(p["ent"]).get(f"/api/v1/innovation/experts/{expert.pk}").status_code == 404
    r = client_for(p["leader"]).get(f"/api/v1/innovation/experts/{expert.pk}")
    assert r.status_code == 200 and r.json()["appointments"][0]["field"] == "汽车电子"
    page = client_for(office).get("/innovation/stations/").content.decode()
    assert "示例科技博士后分站" in page and "李博士" in page and "11010519491231002X" not in page
    assert "陈教授" in client_for(office).get("/innovation/experts/").content.decode()
    assert client_for(p["ent"]).get("/innovation/experts/").status_code == 404
