"""E-licences: signature, altered fields, forged numbers, key rotation, the PDF, reuse as a material;
public verification by the QR code's token only, nothing personal by number, a rate limit per client."""

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


def verification(number, **params):
    """The public answer by the number alone."""
    from django.test import Client

    return Client().get(f"/api/v1/licences/{number}/verification", params).json()


def token_verification(lic: Licence):
    """The public answer by the QR code's token."""
    from django.test import Client

    return Client().get(f"/api/v1/licences/tokens/{lic.token}/verification").json()


def test_a_genuine_licence_verifies_publicly(gz):
    lic = issued_licence(gz)
    v = token_verification(lic)
    assert v["status"] == "valid" and v["fields"]["holder_name"] == "示例科技有限公司"
    assert lic.pdf.read().startswith(b"%PDF-")
    assert len(lic.token) >= 24 and lic.number not in lic.token


def test_a_field_altered_in_the_database_is_named(gz):
    lic = issued_licence(gz)
    Licence.objects.filter(pk=lic.pk).update(holder_name="冒名顶替有限公司")
    v = token_verification(lic)
    assert v["status"] == "not_genuine" and v["altered"] == ["持证主体"]
    assert v["fields"]["holder_name"] == "示例科技有限公司"
    assert verification(lic.number)["status"] == "not_genuine"


def test_the_number_alone_says_only_genuine_and_the_title(gz):
    lic = issued_licence(gz)
    v = verification(lic.number)
    assert v["status"] == "valid" and v["fields"] == {"number": lic.number, "title": lic.title}
    assert "示例科技" not in str(v) and lic.holder_id not in str(v)


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
    assert token_verification(first)["status"] == "valid" and token_verification(second)["status"] == "valid"


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
    v = token_verification(lic)
    assert (
        v["status"] == "valid"
        and v["fields"]["holder_id"] != lic.holder_id
        and v["fields"]["holder_id"].endswith("002X")
    )
    # The citizen's name and the licence's content are masked on the public page too.
    assert v["fields"]["holder_name"] != lic.holder_name and lic.holder_name not in str(v)
    for label, value in lic.content.items():
        assert len(value) < 2 or v["fields"]["content"][label] != value


def citizen_licences(gz, n: int) -> list[Licence]:
    p = gz["p"]
    clerk = client_for(p["clerk"])
    from gaoxin.govservices.models import ItemVersion

    ItemVersion.objects.filter(item__code="000000000001").update(result_type="licence")
    for _ in range(n):
        number = submit(
            clerk, "000000000001", applicant="citizen", files={1: pdf()}, data={"project": "幸福路88号"}
        ).json()["number"]
        act(clerk, number, "accept_instant")
    return list(Licence.objects.order_by("number"))


def test_sequential_numbers_give_nothing_personal(gz):
    lics = citizen_licences(gz, 2)
    first = int(lics[0].number[-8:])
    personal = {lics[0].holder_name, lics[0].holder_id, "幸福路88号", lics[0].holder_id[-4:]}
    for n in range(first - 2, first + 5):
        for path in (f"/verify/GXZ{lics[0].number[3:7]}{n:08d}/", None):
            from django.test import Client

            answer = (
                Client().get(path).content.decode()
                if path
                else str(verification(f"GXZ{lics[0].number[3:7]}{n:08d}"))
            )
            assert not any(p in answer for p in personal), (n, answer)


def test_guessing_the_holder_id_does_not_change_the_answer(gz):
    lic = citizen_licences(gz, 1)[0]
    plain = verification(lic.number)
    right = verification(lic.number, holder_id=lic.holder_id, holder_name=lic.holder_name)
    wrong = verification(lic.number, holder_id="110105194912310038", holder_name="李四")
    assert plain == right == wrong and plain["status"] == "valid"


def test_verification_is_rate_limited_per_client(gz, settings):
    from django.test import Client

    settings.VERIFY_RATE_PER_MINUTE = 3
    lic = issued_licence(gz)
    one, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        assert one.get(f"/api/v1/licences/GXZ2026{_:08d}/verification").status_code == 200
    r = one.get(f"/api/v1/licences/{lic.number}/verification")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited" and "频繁" in r.json()["message"]
    assert one.get(f"/api/v1/licences/tokens/{lic.token}/verification").status_code == 429
    page = one.get(f"/verify/{lic.token}/")
    assert page.status_code == 429 and "请求过于频繁" in page.content.decode()
    assert other.get(f"/verify/{lic.token}/").status_code == 200


def test_the_qr_code_points_to_the_site_url_or_the_requests_host(gz, settings):
    lic = issued_licence(gz)
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "zone.example.gov.cn"]
    c = client_for(gz["p"]["ent"])
    r = c.get(f"/services/licences/{lic.number}/pdf/", HTTP_HOST="zone.example.gov.cn")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert f"http://zone.example.gov.cn/verify/{lic.token}/".encode() in r.content
    assert b":8000" not in r.content
    settings.SITE_URL = "https://gaoxin.example.gov.cn"
    r = c.get(f"/services/licences/{lic.number}/pdf/", HTTP_HOST="zone.example.gov.cn")
    assert f"https://gaoxin.example.gov.cn/verify/{lic.token}/".encode() in r.content


def test_key_rotation_from_the_command_line(gz):
    from io import StringIO

    from django.core.management import call_command

    first = issued_licence(gz)
    out = StringIO()
    call_command("licence_key", "--rotate", stdout=out)
    assert "新签名密钥" in out.getvalue()
    assert token_verification(first)["status"] == "valid"
    assert issued_licence(gz, "ent2").key_id != first.key_id


def test_the_licence_pdf_embeds_its_chinese_font_and_reads_back(gz, tmp_path):
    """A licence opened on a machine without a Chinese language pack still shows its words."""
    import shutil
    import subprocess

    lic = issued_licence(gz)
    path = tmp_path / "licence.pdf"
    with lic.pdf.open("rb") as f:
        path.write_bytes(f.read())
    pdffonts, pdftotext = shutil.which("pdffonts"), shutil.which("pdftotext")
    assert pdffonts and pdftotext, "poppler-utils (scripts/setup.sh test) reads the PDF"
    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, check=True, text=True).stdout
    chinese = [line.split() for line in fonts.splitlines()[2:] if "WenQuanYi" in line]
    assert chinese and chinese[0][3] == "yes" and "STSong" not in fonts, fonts  # emb column: embedded
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert lic.title in text.replace(" ", "") and "示例科技有限公司" in text.replace(" ", "")
