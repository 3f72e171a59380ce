"""The self-service kiosk: login by ID card number and a one-time code sent through the outbox (SMS),
rate-limited; a kiosk-capable 即办件 submitted and finished on the spot with its licence; server-side
logout after idle time."""

import time

import pytest
from django.test import Client

from gaoxin.core.errors import TooManyRequests, ValidationFailed
from gaoxin.core.models import AuditEvent, Delivery
from gaoxin.govservices.models import Case, KioskCode
from gaoxin.govservices.services import kiosk
from tests.govservices.builders import PNG
from tests.govservices.helpers import pdf
from tests.govservices.kiosk_world import ID_CARD, KIOSK_ITEM, kiosk_world, last_code


@pytest.fixture
def kz(gz):
    gz["person"] = kiosk_world(gz["p"]["admin"], gz["d"]["approval"])
    return gz


def test_the_code_goes_out_by_sms_once_and_logs_in_once(kz):
    person = kz["person"]
    answer = kiosk.kiosk_code_request(id_card=" " + ID_CARD, client="10.0.0.9")
    assert "验证码已发送" in answer
    assert Delivery.objects.filter(message__recipient=person, channel="sms", address="13907720000").exists()
    code = last_code(person)
    assert KioskCode.objects.get().digest != code  # stored as a keyed hash
    with pytest.raises(ValidationFailed):
        kiosk.kiosk_code_verify(id_card=ID_CARD, code="000000" if code != "000000" else "111111", client="k")
    assert kiosk.kiosk_code_verify(id_card=ID_CARD, code=code, client="k") == person
    with pytest.raises(ValidationFailed):  # used
        kiosk.kiosk_code_verify(id_card=ID_CARD, code=code, client="k")
    assert AuditEvent.objects.filter(action="kiosk.login").count() == 1


def test_an_unknown_number_gets_the_same_answer_and_no_message(kz):
    assert kiosk.kiosk_code_request(id_card="450203199101010115", client="k") == kiosk.SENT
    assert not KioskCode.objects.exists()
    with pytest.raises(ValidationFailed, match="身份证号"):
        kiosk.kiosk_code_request(id_card="450203199004120356", client="k")  # wrong check character


def test_five_wrong_codes_burn_the_code(kz):
    kiosk.kiosk_code_request(id_card=ID_CARD, client="k")
    code = last_code(kz["person"])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(kiosk.MAX_TRIES):
        with pytest.raises(ValidationFailed):
            kiosk.kiosk_code_verify(id_card=ID_CARD, code=wrong, client="k")
    with pytest.raises(ValidationFailed):
        kiosk.kiosk_code_verify(id_card=ID_CARD, code=code, client="k")


def test_code_requests_are_rate_limited(kz, settings):
    settings.KIOSK_CODES_PER_MINUTE = 3
    kiosk.kiosk_code_request(id_card=ID_CARD, client="kiosk-1")
    with pytest.raises(TooManyRequests):  # per ID card number: a third of the kiosk's allowance
        kiosk.kiosk_code_request(id_card=ID_CARD, client="kiosk-2")
    r = Client().post("/services/kiosk/login/", {"id_card": ID_CARD, "step": "code"}, REMOTE_ADDR="10.1.1.1")
    assert r.status_code == 429 and "频繁" in r.content.decode()


def test_a_kiosk_session_submits_an_instant_item_and_gets_the_licence(kz):
    c = Client()
    c.post("/services/kiosk/login/", {"id_card": ID_CARD, "step": "code"})
    r = c.post(
        "/services/kiosk/login/", {"id_card": ID_CARD, "step": "login", "code": last_code(kz["person"])}
    )
    assert r.status_code == 302 and r["Location"] == "/services/kiosk/"
    page = c.get("/services/kiosk/").content.decode()
    assert "个体工商户登记" in page and "企业名称自主申报" not in page  # kiosk-capable items only
    form = c.get(f"/services/kiosk/items/{KIOSK_ITEM}/").content.decode()
    assert 'accept="image/*" capture' in form
    r = c.post(
        f"/services/kiosk/items/{KIOSK_ITEM}/",
        {"company": "韦记小吃店", "token": "t-1", "file_1": pdf("id.png", PNG)},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get(applicant=kz["person"])
    assert (case.channel, case.state) == ("kiosk", "issued")
    result = c.get(r["Location"]).content.decode()
    assert case.licence.number in result and "打印结果与证照" in result
    assert c.get(f"/services/licences/{case.licence.number}/pdf/")["Content-Type"] == "application/pdf"
    # An item that is not kiosk-capable is not offered, nor accepted.
    assert c.get("/services/kiosk/items/000000000001/").status_code == 404


def test_a_kiosk_session_ends_on_the_server_after_idle_time(kz, settings):
    settings.KIOSK_IDLE_SECONDS = 1
    c = Client()
    c.post("/services/kiosk/login/", {"id_card": ID_CARD, "step": "code"})
    c.post("/services/kiosk/login/", {"id_card": ID_CARD, "step": "login", "code": last_code(kz["person"])})
    assert c.get("/services/kiosk/").status_code == 200
    time.sleep(2.2)
    r = c.get("/services/kiosk/")
    assert r.status_code == 302 and r["Location"].startswith("/services/kiosk/login/")
