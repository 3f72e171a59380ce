"""E-licences: signature, altered fields, forged numbers, key rotation, the PDF, reuse as a material."""

import pytest

from gaoxin.govservices.models import Licence
from gaoxin.govservices.services import licences
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db


def issued_licence(gz, who="ent") -> Licence:
    p = gz["p"]
    number = submit(client_for(p[who]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    act(client_for(p["clerk"]), number, "accept")
    act(client_for(p["reviewer"]), number, "review", verdict="agree")
    act(client_for(p["approver"]), number, "approve")
    act(client_for(p["approver"]), number, "issue")
    return Licence.objects.get(case__number=number)


def verification(number, **claimed):
    from django.test import Client

    return Client().get(f"/api/v1/licences/{number}/verification", claimed).json()


def test_a_genuine_licence_verifies_publicly(gz):
    lic = issued_licence(gz)
    v = verification(lic.number)
    assert v["status"] == "valid" and v["fields"]["holder_name"] == "示例科技有限公司"
    assert lic.pdf.read().startswith(b"%PDF-")


def test_a_field_altered_in_the_database_is_named(gz):
    lic = issued_licence(gz)
    Licence.objects.filter(pk=lic.pk).update(holder_name="冒名顶替有限公司")
    v = verification(lic.number)
    assert v["status"] == "not_genuine" and v["altered"] == ["持证主体"]
    assert v["fields"]["holder_name"] == "示例科技有限公司"


def test_a_presented_copy_with_an_altered_field_is_caught(gz):
    lic = issued_licence(gz)
    v = verification(lic.number, holder_name="示例科技有限公司", valid_to="2099-12-31")
    assert v["status"] == "not_genuine" and v["altered"] == ["有效期至"]


def test_a_forged_number_is_not_genuine(gz):
    v = verification("GXZ202600009999")
    assert v["status"] == "not_genuine" and "查无此证" in v["message"]


def test_the_public_page_answers_by_token(gz, client):
    lic = issued_licence(gz)
    page = client.get(f"/verify/{lic.token}/").content.decode()
    assert "证照真实有效" in page and lic.number in page
    assert "查无此证" in client.get("/verify/forged-token/").content.decode()


def test_old_keys_keep_verifying_after_rotation(gz):
    first = issued_licence(gz)
    kid = licences.signing_key_rotate(actor=gz["p"]["admin"])
    second = issued_licence(gz, "ent2")
    assert second.key_id == kid != first.key_id
    assert (
        verification(first.number)["status"] == "valid" and verification(second.number)["status"] == "valid"
    )


def test_a_licence_is_reused_as_a_material(gz):
    p = gz["p"]
    clerk = client_for(p["clerk"])
    first = submit(clerk, "000000000001", applicant="ent", files={1: pdf()}).json()["number"]
    # The instant item gives a 名称告知书 (not a licence): issue a licence for it through 000000000002 is not
    # possible, so a licence of item 000000000001 is created by making that item's result a licence.
    from gaoxin.govservices.models import ItemVersion

    ItemVersion.objects.filter(item__code="000000000001").update(result_type="licence")
    act(clerk, first, "accept_instant")
    lic = Licence.objects.get(case__number=first)
    ent = client_for(p["ent"])
    r = submit(ent, "000000000002", files={1: pdf(), 2: pdf()}, materials={"3": f"licence:{lic.number}"})
    assert r.status_code == 201, r.json()
    assert next(m for m in r.json()["materials"] if m["order"] == 3)["licence"] == lic.number
    r = submit(
        client_for(p["ent2"]),
        "000000000002",
        files={1: pdf(), 2: pdf()},
        materials={"3": f"licence:{lic.number}"},
    )
    assert r.status_code == 422 and "不属于申请人" in r.json()["message"]


def test_a_citizens_id_number_is_masked_on_public_verification(gz):
    p = gz["p"]
    clerk = client_for(p["clerk"])
    from gaoxin.govservices.models import ItemVersion

    ItemVersion.objects.filter(item__code="000000000001").update(result_type="licence")
    number = submit(clerk, "000000000001", applicant="citizen", files={1: pdf()}).json()["number"]
    act(clerk, number, "accept_instant")
    lic = Licence.objects.get(case__number=number)
    assert lic.holder_id == "11010519491231002X"
    v = verification(lic.number, holder_id="11010519491231002X")
    assert (
        v["status"] == "valid"
        and v["fields"]["holder_id"] != lic.holder_id
        and v["fields"]["holder_id"].endswith("002X")
    )


def test_key_rotation_from_the_command_line(gz):
    from io import StringIO

    from django.core.management import call_command

    first = issued_licence(gz)
    out = StringIO()
    call_command("licence_key", "--rotate", stdout=out)
    assert "新签名密钥" in out.getvalue()
    assert verification(first.number)["status"] == "valid"
    assert issued_licence(gz, "ent2").key_id != first.key_id
