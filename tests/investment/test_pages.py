"""The pillar's pages: every one loads for the bureau, staff see the map and KPIs, the project page offers
exactly the actions the machine allows, and no template carries inline script or style (CSP)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

import gaoxin.investment
from gaoxin.core import clock
from gaoxin.investment.services import carriers, chains
from tests.factories import department, staff_user

from .builders import bureau, lead, move, sign_ready

pytestmark = pytest.mark.django_db
TEMPLATES = Path(gaoxin.investment.__file__).parent / "templates"


@pytest.fixture
def world(db):
    a, b = bureau()
    chain = chains.chain_create(actor=a, code="nev", name="新能源汽车")
    link = chains.link_add(actor=a, chain=chain, name="电芯", gbt_codes="C3841")
    p = lead(a, link=link)
    trip = carriers.trip_create(
        actor=a, leader="何主任", destination="合肥", start_on=dt.date(2026, 1, 5), end_on=dt.date(2026, 1, 6)
    )
    carriers.carrier_create(actor=a, kind="plot", name="A-01", area_mu=Decimal("50"))
    return {"a": a, "b": b, "chain": chain, "project": p, "trip": trip}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_every_page_loads_for_the_bureau(world):
    c = _client(world["a"])
    for url in (
        "/investment/",
        f"/investment/projects/{world['project'].pk}/",
        "/investment/chains/",
        f"/investment/chains/{world['chain'].pk}/",
        "/investment/carriers/",
        "/investment/trips/",
        f"/investment/trips/{world['trip'].pk}/",
        "/investment/kpis/?by=officer&as_of=2020-12-31",
        "/investment/kpis.xlsx?year=2020",
        "/investment/projects.xlsx",
    ):
        r = c.get(url)
        assert r.status_code == 200, url


def test_other_staff_see_the_map_and_kpis_but_not_projects_or_trips(world):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    c = _client(clerk)
    assert c.get(f"/investment/chains/{world['chain'].pk}/").status_code == 200
    assert c.get("/investment/kpis/").status_code == 200
    assert c.get(f"/investment/projects/{world['project'].pk}/").status_code == 404
    assert c.get(f"/investment/trips/{world['trip'].pk}/").status_code == 404
    assert world["project"].company not in c.get("/investment/").content.decode()


def test_the_project_page_moves_the_project_and_shows_the_gate(world):
    a, b, p = world["a"], world["b"], world["project"]
    c = _client(a)
    r = c.post(f"/investment/projects/{p.pk}/", {"form": "move", "action": "talk", "revision": p.revision})
    assert r.status_code == 302
    page = c.get(f"/investment/projects/{p.pk}/").content.decode()
    assert "进入「签约」还需要" in page and "须登记承诺" in page
    assert 'value="sign"' in page and 'value="review_ok"' not in page
    sign_ready(a, p)
    r = c.post(
        f"/investment/projects/{p.pk}/",
        {"form": "move", "action": "sign", "revision": 999, "agreement_no": "X", "signed_amount": "100"},
        follow=True,
    )
    assert "已被他人推进" in r.content.decode()  # a stale page loses
    p.refresh_from_db()
    c.post(
        f"/investment/projects/{p.pk}/",
        {
            "form": "move",
            "action": "sign",
            "revision": p.revision,
            "agreement_no": "X",
            "signed_amount": "100",
        },
    )
    p.refresh_from_db()
    assert p.stage == "signed" and p.pending_review
    assert 'value="review_ok"' in _client(b).get(f"/investment/projects/{p.pk}/").content.decode()


def test_home_cards_for_the_bureau(world):
    a, b, p = world["a"], world["b"], world["project"]
    with clock.frozen(clock.today()):
        move(a, p, "talk")
        sign_ready(a, p)
        move(a, p, "sign", agreement_no="X", signed_amount=Decimal("1"), signed_on=clock.today())
    from gaoxin.investment.home import cards

    by_label = {c["label"]: c["value"] for c in cards(b)}
    assert by_label["待审核的项目阶段变更"] == 1


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)|\son[a-z]+\s*=|\sstyle\s*=", re.I)


def test_no_inline_script_handlers_or_styles_in_the_templates():
    found = [
        f"{path.name}: {m.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for m in INLINE.finditer(path.read_text("utf-8"))
    ]
    assert not found
    assert INLINE.search('<button onclick="x()">') and INLINE.search('<div style="x">')
