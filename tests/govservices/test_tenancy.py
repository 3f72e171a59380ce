"""Cross-tenant: an enterprise user reaches no other enterprise's case, file or licence, by page or API."""

import pytest

from gaoxin.govservices.models import CaseMaterial
from tests.govservices.helpers import act, client_for, pdf, submit
from tests.govservices.test_licences import issued_licence

pytestmark = pytest.mark.django_db


def test_other_enterprise_sees_nothing(gz):
    p = gz["p"]
    lic = issued_licence(gz)
    number = lic.case.number
    material = CaseMaterial.objects.filter(case__number=number).exclude(file="").first()
    mine, same_ent, other, citizen = (client_for(p[k]) for k in ("ent", "ent_op", "ent2", "citizen"))
    for c, ok in ((mine, True), (same_ent, True), (other, False), (citizen, False)):
        expected = 200 if ok else 404
        assert c.get(f"/api/v1/cases/{number}").status_code == expected
        assert c.get(f"/services/cases/{number}/").status_code == expected
        assert c.get(f"/services/cases/{number}/materials/{material.pk}/").status_code == expected
        assert c.get(f"/services/licences/{lic.number}/pdf/").status_code == expected
        assert (number in str(c.get("/api/v1/cases").json())) is ok
        assert act(c, number, "withdraw").status_code in ((409,) if ok else (404,))


def test_an_applicant_cannot_submit_for_another(gz):
    r = submit(client_for(gz["p"]["ent2"]), "000000000001", applicant="ent", files={1: pdf()})
    assert r.status_code == 403


def test_a_reviewer_of_another_department_sees_no_case(gz):
    p = gz["p"]
    number = submit(client_for(p["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()[
        "number"
    ]
    assert client_for(p["reviewer_land"]).get(f"/api/v1/cases/{number}").status_code == 404
    assert client_for(p["reviewer"]).get(f"/api/v1/cases/{number}").status_code == 200


def test_home_cards_count_what_waits(gz):
    p = gz["p"]
    number = submit(client_for(p["ent"]), "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
    act(client_for(p["clerk"]), number, "request_correction", problems={"2": "缺少平面图"})
    home = client_for(p["ent"]).get("/").content.decode()
    assert "待补正" in home and "在办办件" in home
    assert "待办件" in client_for(p["approver"]).get("/").content.decode()
