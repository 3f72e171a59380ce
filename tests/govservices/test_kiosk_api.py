"""The kiosk over the API, as a native kiosk client uses it: a one-time code by ID card number, a
short-lived bearer token for the account it went to, the kiosk-capable items, a kiosk case with its
photographed materials (retried with the same Idempotency-Key: one case), and the result and the
licence to print; nobody else's case, and no token for a wrong code."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.models import ApiToken
from gaoxin.govservices.models import Case
from tests.govservices.builders import PNG
from tests.govservices.helpers import client_for, pdf
from tests.govservices.kiosk_world import ID_CARD, KIOSK_ITEM, kiosk_world, last_code

API = "/api/v1"


@pytest.fixture
def kz(gz):
    gz["person"] = kiosk_world(gz["p"]["admin"], gz["d"]["approval"])
    return gz


def _json(c: Client, url: str, body: dict, **extra):
    return c.post(f"{API}{url}", json.dumps(body), content_type="application/json", **extra)


def _token(person) -> str:
    c = Client()
    assert _json(c, "/kiosk/codes", {"id_card": ID_CARD}).status_code == 200
    r = _json(c, "/kiosk/token", {"id_card": ID_CARD, "code": last_code(person)})
    assert r.status_code == 201, r.content
    return r.json()["token"]


def test_from_the_code_to_a_printed_licence(kz):
    person = kz["person"]
    c = Client()
    r = _json(c, "/kiosk/codes", {"id_card": ID_CARD})
    assert r.status_code == 200 and "验证码已发送" in r.json()["message"]
    r = _json(c, "/kiosk/token", {"id_card": ID_CARD, "code": last_code(person)})
    assert r.status_code == 201, r.content
    login = r.json()
    assert login["id_card_masked"] != ID_CARD and login["id_card_masked"].startswith("4502")
    token = ApiToken.objects.get(pk=login["token_id"])
    assert token.user == person and token.expires_at <= timezone.now() + dt.timedelta(minutes=31)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {login['token']}"}

    assert c.get(f"{API}/auth/me", **auth).json()["username"] == person.username
    items = c.get(f"{API}/kiosk/items", **auth).json()["items"]
    assert [i["code"] for i in items] == [KIOSK_ITEM]

    form = {"payload": json.dumps({"item": KIOSK_ITEM, "data": {"company": "韦记小吃店"}})}
    r = c.post(
        f"{API}/kiosk/cases", {**form, "file_1": pdf("id.png", PNG)}, HTTP_IDEMPOTENCY_KEY="k-1", **auth
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(applicant=person)
    assert (case.channel, case.state, r.json()["number"]) == ("kiosk", "issued", case.number)
    again = c.post(
        f"{API}/kiosk/cases", {**form, "file_1": pdf("id.png", PNG)}, HTTP_IDEMPOTENCY_KEY="k-1", **auth
    )
    assert again.status_code == 200 and again.json()["number"] == case.number
    assert Case.objects.filter(applicant=person).count() == 1

    result = c.get(f"{API}/kiosk/cases/{case.number}", **auth).json()
    assert result["printable"] and result["licence"]["number"] == case.licence.number
    assert result["state_name"] == "已出证" or result["state"] == "issued"
    pdf_answer = c.get(f"{API}/kiosk/licences/{result['licence']['number']}", **auth)
    assert pdf_answer.status_code == 200 and pdf_answer["Content-Type"] == "application/pdf"
    assert pdf_answer.content.startswith(b"%PDF")


def test_a_wrong_code_gets_no_token_and_a_chinese_message(kz):
    c = Client()
    _json(c, "/kiosk/codes", {"id_card": ID_CARD})
    code = last_code(kz["person"])
    r = _json(c, "/kiosk/token", {"id_card": ID_CARD, "code": "000000" if code != "000000" else "111111"})
    assert r.status_code == 422 and "验证码不正确" in r.json()["message"]
    r = _json(c, "/kiosk/codes", {"id_card": "450203199004120356"})  # wrong check character
    assert r.status_code == 422 and "身份证号" in r.json()["message"]
    assert not ApiToken.objects.exists()


def test_code_requests_are_rate_limited_over_the_api_too(kz, settings):
    settings.KIOSK_CODES_PER_MINUTE = 3
    c = Client()
    answers = [_json(c, "/kiosk/codes", {"id_card": ID_CARD}).status_code for _ in range(3)]
    assert answers[0] == 200 and answers[-1] == 429


def test_the_kiosk_routes_need_the_token_and_show_only_ones_own_case(kz):
    assert Client().get(f"{API}/kiosk/items").status_code == 401
    assert _json(Client(), "/kiosk/cases", {"item": KIOSK_ITEM}).status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(kz['person'])}"}
    c = Client()
    form = {
        "payload": json.dumps({"item": KIOSK_ITEM, "data": {"company": "韦记小吃店"}}),
        "file_1": pdf("id.png", PNG),
    }
    number = c.post(f"{API}/kiosk/cases", form, **auth).json()["number"]
    stranger = client_for(kz["p"]["citizen"])
    assert stranger.get(f"{API}/kiosk/cases/{number}").status_code == 404
    licence = Case.objects.get(number=number).licence.number
    assert stranger.get(f"{API}/kiosk/licences/{licence}").status_code == 404
    # An item not marked for the kiosk is refused; an unknown one is 404.
    r = _json(c, "/kiosk/cases", {"item": "000000000001", "data": {}}, **auth)
    assert 400 <= r.status_code < 500 and any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert _json(c, "/kiosk/cases", {"item": "999999999999"}, **auth).status_code == 404
