"""The innovation pages: the office registers a carrier and a technology contract on the pages; the R&D
page counts what the evaluation counts; enterprises see only what names them; the menu and home card."""

import pytest

from gaoxin.innovation.models import InnovationCarrier, TechContract
from gaoxin.innovation.services import carriers, records
from tests.govservices.helpers import client_for
from tests.innovation.builders import day, tenants

pytestmark = pytest.mark.django_db


def test_the_office_registers_a_carrier_and_a_contract_on_the_pages(iz):
    c = client_for(iz["p"]["office"])
    r = c.post(
        "/innovation/", {"kind": "accelerator", "name": "示例加速器", "level": "provincial", "area": "1200"}
    )
    assert r.status_code == 302
    assert InnovationCarrier.objects.get(name="示例加速器").level == "provincial"
    r = c.post("/innovation/", {"kind": "accelerator", "name": "示例加速器", "level": "provincial"})
    assert r.status_code == 200 and "已有同名载体" in r.content.decode()
    form = {
        "number": "2020450200001",
        "name": "电池管理系统开发合同",
        "kind": "development",
        "seller_uscc": iz["a"].uscc,
        "buyer": "示例汽车有限公司",
        "amount": "1200000",
        "tech_amount": "1000000",
        "signed_on": "2020-05-01",
        "registered_on": "2020-05-20",
    }
    assert c.post("/innovation/contracts/?year=2020", form).status_code == 302
    assert TechContract.objects.get(number="2020450200001").seller == iz["a"]
    page = c.get("/innovation/contracts/?year=2020").content.decode()
    assert "电池管理系统开发合同" in page and "1,200,000.00" in page
    # the seller sees its contract, the other enterprise does not
    assert (
        "电池管理系统开发合同"
        in client_for(iz["p"]["ent"]).get("/innovation/contracts/?year=2020").content.decode()
    )
    assert (
        "电池管理系统开发合同"
        not in client_for(iz["p"]["ent2"]).get("/innovation/contracts/?year=2020").content.decode()
    )


def test_the_rd_page_counts_national_and_provincial_centres(iz):
    office = iz["p"]["office"]
    for no, kind, level in [
        ("T1", "tech_centre", "national"),
        ("E1", "eng_centre", "city"),
        ("Z1", "tech_transfer", "provincial"),
    ]:
        records.rd_centre_register(
            actor=office,
            enterprise_uscc=iz["a"].uscc,
            kind=kind,
            level=level,
            certificate_no=no,
            valid_from=day("2019-01-01"),
        )
    page = client_for(iz["p"]["leader"]).get("/innovation/rd-centres/").content.decode()
    assert "T1" in page and "E1" in page and "Z1" in page
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert [d.split("</dd>")[0] for d in facts.split("<dd>")[1:]] == ["1", "2", "1"]


def test_menu_and_home_card_for_the_office(iz):
    office = iz["p"]["office"]
    e = tenants(1)[0]
    carriers.incubation_admit(
        actor=office, carrier=iz["incubator"], enterprise_uscc=e.uscc, entered_on=day("2020-01-01")
    )
    home = client_for(office).get("/").content.decode()
    assert "/innovation/rd-centres/" in home and "90天内孵化期满的在孵企业" in home
    ent_home = client_for(iz["p"]["ent"]).get("/").content.decode()
    assert "/innovation/" in ent_home and "/innovation/rd-centres/" not in ent_home
    assert client_for(iz["p"]["finance"]).get("/innovation/").status_code == 404


def test_talent_and_innovation_share_one_menu(iz):
    from django.test import RequestFactory

    from gaoxin.accounts.context_processors import navigation

    request = RequestFactory().get("/innovation/")
    request.user = iz["p"]["office"]
    request.COOKIES = {}
    groups = [g for g in navigation(request)["nav_groups"] if "entries" in g]
    titled = [g for g in groups if str(g["title"]) == "人才与双创"]
    assert len(titled) == 1
    urls = [e["url"] for e in titled[0]["entries"]]
    assert "/talent/" in urls and "/innovation/" in urls and "/innovation/contracts/" in urls


def _empty_states(body: str) -> list[str]:
    import re

    return re.findall(r'class="muted empty-state"[^>]*>(.*?)</(?:td|p)>', body, re.S)


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_empty_new_pages_say_what_to_do_and_their_links_open(iz, who):
    import re

    c = client_for(iz["p"][who])
    expert = records.expert_create(
        actor=iz["p"]["office"], name="陈教授", organisation="广西大学", field="材料"
    )
    records.station_create(
        actor=iz["p"]["office"], kind="station", name="工作站", established_on=day("2018-01-01")
    )
    for url in [
        "/innovation/rd-centres/",
        "/innovation/stations/",
        "/innovation/experts/?q=无此人",
        f"/innovation/experts/{expert.pk}/",
        "/innovation/transfers/?year=2020",
    ]:
        body = c.get(url).content.decode()
        states = _empty_states(body)
        assert states, url
        for text in states:
            links = re.findall(r'<a href="([^"]+)"', text)
            assert links, (url, text)
            for href in links:
                if href.startswith("#"):
                    assert f'id="{href[1:]}"' in body, (url, href)
                else:
                    assert c.get(href.replace("&amp;", "&")).status_code < 400, (url, href)
