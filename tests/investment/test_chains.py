"""Chains: links keyed to GB/T 4754 classes, the registry placed on them, and the gap analysis on a small
hand-made chain."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.investment.services import chains
from tests.enterprises import factories as ef
from tests.factories import department, staff_user

from .builders import bureau, lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def battery(db):
    """整车 → 动力电池 → {电芯, 正极, 隔膜}; 电机 beside it. Registry: 3 cell makers (one by hand), 1 cathode."""
    a, _ = bureau()
    chain = chains.chain_create(actor=a, code="nev", name="新能源汽车", anchor="上汽通用五菱")
    vehicle = chains.link_add(actor=a, chain=chain, name="整车", gbt_codes="C361")
    pack = chains.link_add(actor=a, chain=chain, name="动力电池", parent=vehicle, gbt_codes="C384")
    cell = chains.link_add(actor=a, chain=chain, name="电芯", parent=pack, gbt_codes="C3841")
    cathode = chains.link_add(
        actor=a, chain=chain, name="正极材料", parent=pack, gbt_codes="C3985", imported_demand=True
    )
    separator = chains.link_add(actor=a, chain=chain, name="隔膜", parent=pack, gbt_codes="C2922")
    motor = chains.link_add(actor=a, chain=chain, name="驱动电机", parent=vehicle, gbt_codes="C3812")
    for n, code in (
        (1, "C3611"),
        (2, "C3611"),
        (3, "C3611"),
        (4, "C3841"),
        (5, "C3841"),
        (6, "C3985"),
        (7, "C3812"),
    ):
        e = ef.enterprise(ef.other_uscc(n), f"企业{n}", gbt_code=code)
        ef.report(e, 2025, 12, output_value=Decimal(100_000_000 if n <= 3 else 1_000_000))
    hand = ef.enterprise(ef.other_uscc(8), "电芯手工企业", gbt_code="C36")
    chains.placement_add(actor=a, link=cell, uscc=hand.uscc, note="主营电芯，登记代码为大类")
    chains.target_add(actor=a, link=separator, company="某隔膜股份有限公司", city="深圳")
    lead(a, link=cell)
    return {"officer": a, "chain": chain, "links": locals()}


def test_gap_analysis_on_a_hand_made_chain(battery):
    m = chains.chain_map(battery["chain"], year=2025)
    nodes = {n["name"]: n for n in m["nodes"]}
    assert nodes["整车"]["count"] == 3 and nodes["整车"]["gaps"] == []
    assert nodes["电芯"]["count"] == 3  # two by code (C3841), one placed by hand
    assert [e["name"] for e in nodes["电芯"]["enterprises"] if e["manual"]] == ["电芯手工企业"]
    assert nodes["电芯"]["projects"] == 1
    assert nodes["电芯"]["gaps"] == ["weak"]  # three firms, but 0.6 % of the chain's output
    assert nodes["隔膜"]["gaps"] == ["missing"] and nodes["隔膜"]["proposal"] == "延链"
    assert nodes["隔膜"]["targets"] == ["某隔膜股份有限公司"]
    assert set(nodes["正极材料"]["gaps"]) == {"weak", "imported"} and nodes["正极材料"]["proposal"] == "补链"
    assert nodes["动力电池"]["count"] == 2  # C384 matches the C3841 makers
    assert nodes["动力电池"]["proposal"] == "补链"  # a weak link inside the chain
    # The anchors' imports come first, then missing links, then weak ones.
    assert [p["name"] for p in m["proposals"]][:2] == ["正极材料", "隔膜"]
    assert nodes["整车"]["output_share"] > 90


def test_the_map_follows_the_records(battery):
    chains.placement_add(
        actor=battery["officer"], link=battery["links"]["separator"], uscc=ef.other_uscc(7), note="兼营隔膜"
    )
    nodes = {n["name"]: n for n in chains.chain_map(battery["chain"], year=2025)["nodes"]}
    assert nodes["隔膜"]["gaps"] == ["weak"]


def test_link_codes_must_be_gbt_classes(battery):
    a, chain = battery["officer"], battery["chain"]
    with pytest.raises(ValidationFailed):
        chains.link_add(actor=a, chain=chain, name="x", gbt_codes="Z99")
    with pytest.raises(ValidationFailed):
        chains.link_add(actor=a, chain=chain, name="x", gbt_codes="C3841x")
    link = chains.link_add(actor=a, chain=chain, name="电解液", gbt_codes=" c2669 ，C2661")
    assert link.codes() == ["C2669", "C2661"]
    with pytest.raises(Conflict):
        chains.placement_add(actor=a, link=battery["links"]["cell"], uscc=ef.other_uscc(8))
    with pytest.raises(ValidationFailed):
        chains.placement_add(actor=a, link=link, uscc=ef.other_uscc(90))


def test_staff_read_the_map_and_only_the_bureau_edits_it(battery):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    with pytest.raises(PermissionDenied):
        chains.link_add(actor=clerk, chain=battery["chain"], name="x")
    c = Client()
    c.force_login(clerk)
    r = c.get(f"/api/v1/investment/chains/{battery['chain'].pk}?year=2025")
    assert r.status_code == 200 and len(r.json()["nodes"]) == 6
    r = c.post(
        f"/api/v1/investment/chains/{battery['chain'].pk}/links",
        json.dumps({"name": "x"}),
        content_type="application/json",
    )
    assert r.status_code == 403
