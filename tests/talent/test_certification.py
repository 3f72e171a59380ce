"""人才认定: registration with a checked ID number, certification from an issued case whose licence is the
certificate, renewal, revocation, moves between enterprises and leaving the zone."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from gaoxin.core.audit import AuditEvent
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.govservices.models import Licence
from gaoxin.talent.models import Certification, Employment, Talent
from gaoxin.talent.services import registry
from tests.govservices.helpers import client_for
from tests.talent.builders import ID_CARD, apply, issued_case

pytestmark = pytest.mark.django_db


def test_registration_normalises_the_id_number_and_refuses_a_wrong_check_digit(tz):
    assert tz["talent"].id_card == ID_CARD  # the lower-case x became X
    with pytest.raises(ValidationFailed, match="校验位"):
        registry.talent_register(
            actor=tz["p"]["office"], id_card="110105194912310037", name="李", employer_uscc=tz["a"].uscc
        )
    with pytest.raises(Conflict, match="已登记"):
        registry.talent_register(
            actor=tz["p"]["office"], id_card=ID_CARD, name="重复", employer_uscc=tz["a"].uscc
        )


def test_registration_needs_an_enterprise_of_the_registry_and_the_office(tz):
    from tests.enterprises.factories import other_uscc

    with pytest.raises(ValidationFailed, match="企业名录"):
        registry.talent_register(
            actor=tz["p"]["office"], id_card="110105198001010016", name="李", employer_uscc=other_uscc(50)
        )
    with pytest.raises(PermissionDenied):
        registry.talent_register(
            actor=tz["p"]["finance"], id_card="110105198001010016", name="李", employer_uscc=tz["a"].uscc
        )
    assert Talent.objects.count() == 1


def test_only_a_registered_talent_may_apply(tz):
    r = apply(tz["p"], who="citizen2")
    assert r.status_code == 409 and "尚未登记" in r.json()["message"]


def test_an_issued_case_certifies_the_talent_and_its_licence_is_the_certificate(tz):
    number = issued_case(tz["p"])
    cert = registry.certification_from_case(actor=tz["p"]["office"], case_number=number, tier_code="c")
    assert cert.state == "certified" and cert.tier.code == "C"
    assert cert.licence.case.number == number and cert.licence.holder_id == ID_CARD
    assert cert.licence.title == "高新区人才认定证书"
    assert cert.valid_to == cert.licence.valid_to
    assert AuditEvent.objects.filter(action="talent_certification.certify").count() == 1
    with pytest.raises(Conflict, match="已用于"):
        registry.certification_from_case(actor=tz["p"]["office"], case_number=number, tier_code="C")


def test_a_tier_whose_criteria_are_not_met_is_refused_with_the_reasons(tz):
    number = issued_case(tz["p"], tier="B")
    with pytest.raises(ValidationFailed) as exc:
        registry.certification_from_case(actor=tz["p"]["office"], case_number=number, tier_code="B")
    assert "正高级职称" in exc.value.message and "500,000" in exc.value.message
    assert not Certification.objects.exists()
    assert registry.qualifying_tier(tz["talent"]).code == "C"


def test_a_case_not_yet_issued_is_not_a_certification(tz):
    r = apply(tz["p"])
    with pytest.raises(Conflict, match="出证后"):
        registry.certification_from_case(
            actor=tz["p"]["office"], case_number=r.json()["number"], tier_code="C"
        )


def test_changed_criteria_apply_to_the_next_certification(tz):
    office = tz["p"]["office"]
    registry.tier_save(
        actor=office,
        code="C",
        name="高层次人才",
        rank=3,
        min_degree=3,
        min_title=2,
        min_salary=Decimal("400000"),
    )
    number = issued_case(tz["p"])
    with pytest.raises(ValidationFailed, match="400,000"):
        registry.certification_from_case(actor=office, case_number=number, tier_code="C")


def test_a_second_case_renews_and_keeps_one_current_certification(tz):
    office = tz["p"]["office"]
    first = registry.certification_from_case(actor=office, case_number=issued_case(tz["p"]), tier_code="C")
    second = registry.certification_from_case(actor=office, case_number=issued_case(tz["p"]), tier_code="D")
    first.refresh_from_db()
    assert first.state == "renewed" and second.state == "certified"
    assert Certification.objects.filter(talent=tz["talent"], state="certified").count() == 1
    assert [e.action for e in tz["talent"].events.all()] == ["register", "certify", "cert_renew", "certify"]


def test_revocation_revokes_the_certificate_and_needs_a_reason(tz):
    office = tz["p"]["office"]
    cert = registry.certification_from_case(actor=office, case_number=issued_case(tz["p"]), tier_code="C")
    with pytest.raises(ValidationFailed, match="理由"):
        registry.certification_revoke(actor=office, certification_id=cert.pk, reason=" ")
    cert = registry.certification_revoke(actor=office, certification_id=cert.pk, reason="学历造假")
    assert cert.state == "revoked" and Licence.objects.get(pk=cert.licence_id).state == Licence.State.REVOKED
    with pytest.raises(Conflict, match="已撤销"):
        registry.certification_revoke(actor=office, certification_id=cert.pk, reason="再次")
    v = client_for(tz["p"]["citizen"]).get(f"/api/v1/licences/{cert.licence.number}/verification").json()
    assert v["status"] == "revoked"


def test_a_move_keeps_the_history_and_changes_who_sees_the_talent(tz):
    office, t = tz["p"]["office"], tz["talent"]
    registry.talent_act(
        actor=office, talent_id=t.pk, action="move", uscc=tz["b"].uscc, on=dt.date(2026, 3, 1)
    )
    jobs = list(Employment.objects.filter(talent=t).order_by("start_on", "id"))
    assert [(j.uscc, j.end_on) for j in jobs] == [(tz["a"].uscc, dt.date(2026, 3, 1)), (tz["b"].uscc, None)]
    assert not Talent.objects.visible_to(tz["p"]["ent"]).exists()
    assert Talent.objects.visible_to(tz["p"]["ent2"]).get() == t
    with pytest.raises(Conflict, match="相同"):
        registry.talent_act(actor=office, talent_id=t.pk, action="move", uscc=tz["b"].uscc)


def test_leaving_the_zone_closes_the_job_and_stops_certification(tz):
    office, t = tz["p"]["office"], tz["talent"]
    number = issued_case(tz["p"])
    start = Employment.objects.get(talent=t).start_on
    t = registry.talent_act(actor=office, talent_id=t.pk, action="leave", on=start + dt.timedelta(days=30))
    assert t.state == "left" and t.employer_uscc == "" and t.left_on == start + dt.timedelta(days=30)
    assert Employment.objects.get(talent=t).end_on == t.left_on
    with pytest.raises(Conflict, match="离开园区"):
        registry.certification_from_case(actor=office, case_number=number, tier_code="C")
    with pytest.raises(Conflict, match="已离区"):
        registry.talent_act(actor=office, talent_id=t.pk, action="leave")
    t = registry.talent_act(actor=office, talent_id=t.pk, action="return", uscc=tz["b"].uscc)
    assert t.state == "in_zone" and t.employer_uscc == tz["b"].uscc


def test_a_stale_revision_loses(tz):
    office, t = tz["p"]["office"], tz["talent"]
    seen = t.revision
    registry.talent_act(actor=office, talent_id=t.pk, action="move", uscc=tz["b"].uscc, revision=seen)
    with pytest.raises(Conflict, match="刷新"):
        registry.talent_act(actor=office, talent_id=t.pk, action="leave", revision=seen)
    assert Talent.objects.get(pk=t.pk).state == "in_zone"


def test_the_api_masks_the_id_number_for_everyone_but_its_owner(tz):
    t = tz["talent"]
    own = client_for(tz["p"]["citizen"]).get(f"/api/v1/talent/talents/{t.pk}").json()
    assert own["id_card"] == ID_CARD
    employer = client_for(tz["p"]["ent"]).get(f"/api/v1/talent/talents/{t.pk}").json()
    assert employer["id_card"] == "110105********002X"
    office = client_for(tz["p"]["office"]).get("/api/v1/talent/talents").json()
    assert office["items"][0]["id_card"] == "110105********002X"
    for outsider in ("ent2", "citizen2", "finance"):
        r = client_for(tz["p"][outsider]).get(f"/api/v1/talent/talents/{t.pk}")
        assert r.status_code == 404, outsider


def test_the_api_certifies_and_revokes(tz):
    office = client_for(tz["p"]["office"])
    number = issued_case(tz["p"])
    r = office.post(
        "/api/v1/talent/certifications",
        json.dumps({"case_number": number, "tier": "C"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    cert = r.json()
    assert cert["tier"] == "C" and cert["case_number"] == number
    r = client_for(tz["p"]["ent"]).post(
        f"/api/v1/talent/certifications/{cert['id']}/revoke",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    r = office.post(
        f"/api/v1/talent/certifications/{cert['id']}/revoke",
        json.dumps({"reason": "离职未报", "revision": cert["revision"]}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "revoked"


def test_the_api_refuses_a_bad_id_number_in_chinese(tz):
    r = client_for(tz["p"]["office"]).post(
        "/api/v1/talent/talents",
        json.dumps({"id_card": "110105194912310037", "name": "李", "employer_uscc": tz["a"].uscc}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "校验位" in r.json()["fields"]["id_card"]


def test_pages_list_and_show_a_talent(tz):
    t = tz["talent"]
    office = client_for(tz["p"]["office"])
    r = office.get("/talent/")
    assert r.status_code == 200 and "张博士" in r.content.decode() and ID_CARD not in r.content.decode()
    assert office.get(f"/talent/talents/{t.pk}/").status_code == 200
    assert office.get("/talent/tiers/").status_code == 200
    assert client_for(tz["p"]["citizen2"]).get(f"/talent/talents/{t.pk}/").status_code == 404
    assert ID_CARD in client_for(tz["p"]["citizen"]).get(f"/talent/talents/{t.pk}/").content.decode()


def test_a_future_date_is_refused(tz):
    from gaoxin.core import clock

    with pytest.raises(ValidationFailed, match="晚于今天"):
        registry.talent_act(
            actor=tz["p"]["office"],
            talent_id=tz["talent"].pk,
            action="leave",
            on=clock.today() + dt.timedelta(days=1),
        )
    assert Talent.objects.get(pk=tz["talent"].pk).state == "in_zone"


def test_the_office_sets_a_tiers_criteria_and_a_boolean_is_not_a_rank(tz):
    office = client_for(tz["p"]["office"])
    body = {"name": "骨干人才", "rank": 4, "min_degree": 2, "min_title": False}
    r = office.put("/api/v1/talent/tiers/D", json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    body["min_title"] = 1
    r = office.put("/api/v1/talent/tiers/D", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["min_title_label"] == "中级职称"
    r = client_for(tz["p"]["ent"]).put(
        "/api/v1/talent/tiers/D", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 403
