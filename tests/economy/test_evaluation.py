"""The national evaluation: score and rank of a small hand-made set of zones against a hand computation,
this zone's computed and entered values, the peers' Excel import (good file, bad file with its error
sheet), the what-if, and who may read and edit."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.economy.models import EvaluationIndicator, EvaluationSystem, EvaluationValue
from gaoxin.economy.services import evaluation as svc
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db
USCC = other_uscc(1)


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


@pytest.fixture
def leader(db):
    return staff_user("leader", department("gwh", "管委会"), ["leader"])


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


def _xlsx(rows, headers=("高新区", "年度", "指标序号", "数值", "数据出处")) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def small(stat):
    """Three indicators, this zone and two peers (2020):

    A (weight 50, more is better, entered):  own 10, P1 20, P2 0   → normalised 50, 100, 0
    B (weight 30, less is better, entered):  own 2,  P1 4,  P2 1   → 66.67, 0, 100
    C (weight 20, profit margin % from the accepted reports): own 10 (20 of 200 million), P1 5, P2 15
                                                              → 50, 0, 100
    scores: own 25 + 20 + 10 = 55; P1 50; P2 30 + 20 = 50 → own first, the peers share second."""
    system = EvaluationSystem.objects.create(code="T", name="测试体系", current=True)
    common = {"system": system, "dimension": "一", "dimension_weight": Decimal(100)}
    EvaluationIndicator.objects.create(code="A", name="甲", weight=Decimal(50), unit="个", **common)
    EvaluationIndicator.objects.create(
        code="B", name="乙", weight=Decimal(30), higher_is_better=False, **common
    )
    EvaluationIndicator.objects.create(
        code="C",
        name="丙",
        weight=Decimal(20),
        unit="%",
        source="reporting.profit",
        denominator="reporting.revenue",
        **common,
    )
    report(enterprise(USCC, "甲企业"), 2020, 0, revenue=Decimal("200000000"), profit=Decimal("20000000"))
    svc.own_value_enter(
        actor=stat, system=system, year=2020, code="A", value=Decimal(10), source_note="科技局台账"
    )
    svc.own_value_enter(
        actor=stat, system=system, year=2020, code="B", value=Decimal(2), source_note="统计年鉴"
    )
    rows = [("P1", 2020, "A", 20), ("P1", 2020, "B", 4), ("P1", 2020, "C", 5)]
    rows += [("P2", 2020, "A", 0), ("P2", 2020, "B", 1), ("P2", 2020, "C", 15)]
    done = svc.peers_import(actor=stat, system=system, content=_xlsx([(*r, "评价结果汇编") for r in rows]))
    assert done == {"rows": 6, "zones": 2}
    return system


def test_score_and_rank_equal_the_hand_computation(small, leader):
    r = svc.evaluation_result(user=leader, system=small, year=2020)
    by = {i["code"]: i for i in r["indicators"]}
    assert by["C"]["value"] == Decimal("10.0000") and by["C"]["computed"]  # from the reports
    assert by["A"]["source"] == "科技局台账" and not by["A"]["computed"]
    assert [by[c]["normalised"] for c in "ABC"] == [Decimal("50.00"), Decimal("66.67"), Decimal("50.00")]
    assert r["score"] == Decimal("55.00") and r["rank"] == 1 and r["zones"] == 3
    assert [(z["zone"], z["score"], z["rank"]) for z in r["ranking"]][1:] == [
        ("P1", Decimal("50.00"), 2),
        ("P2", Decimal("50.00"), 2),
    ]
    # A loses 25 points against the best zone, B and C 10 each
    assert [(p["code"], p["lost"]) for p in r["pulling_down"]] == [
        ("A", Decimal("25.0000")),
        ("B", Decimal("10.0000")),
        ("C", Decimal("10.0000")),
    ]
    assert r["pulling_down"][0]["best"] == {"zone": "P1", "value": Decimal(20)}


def test_a_record_changes_the_computed_value_and_the_score(small, leader):
    # a second enterprise with a 0% margin: C = 20 / 400 million = 5%, the lowest with P1 → 0 points
    report(enterprise(other_uscc(2), "乙企业"), 2020, 0, revenue=Decimal("200000000"), profit=Decimal(0))
    r = svc.evaluation_result(user=leader, system=small, year=2020)
    assert r["score"] == Decimal("45.00") and r["rank"] == 3


def test_what_if_raises_and_lowers_the_rank(small, leader):
    up = svc.what_if(user=leader, system=small, year=2020, overrides={"A": Decimal(20)})
    assert up["before"] == {"score": Decimal("55.00"), "rank": 1}
    assert up["after"] == {"score": Decimal("80.00"), "rank": 1}
    # A 0 (range 0–20 → 0) and C 5 (range 5–15 → 0): 20 points from B alone, last of three
    down = svc.what_if(user=leader, system=small, year=2020, overrides={"A": Decimal(0), "C": Decimal(5)})
    assert down["after"] == {"score": Decimal("20.00"), "rank": 3}
    assert [c["code"] for c in down["changed"]] == ["A", "C"]
    # nothing was stored
    assert EvaluationValue.objects.get(zone="", indicator__code="A").value == Decimal(10)
    with pytest.raises(ValidationFailed, match="未知的指标序号"):
        svc.what_if(user=leader, system=small, year=2020, overrides={"Z": Decimal(1)})


def test_a_bad_peer_file_writes_nothing_and_gives_its_error_sheet(small, stat):
    before = EvaluationValue.objects.count()
    bad = _xlsx(
        [
            ("P3", 2020, "A", 7, "汇编"),  # fine, but the file is refused whole
            ("P3", 2020, "X9", 1, "汇编"),
            ("P3", "二〇二〇", "B", "多", ""),
            ("", 2020, "C", 1, "汇编"),
            ("P3", 2020, "A", 8, "汇编"),
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        svc.peers_import(actor=stat, system=small, content=bad)
    assert EvaluationValue.objects.count() == before
    message = exc.value.message
    assert "未写入任何数据" in message and "第 3 行" in message and "不在《测试体系》中" in message
    sheet = openpyxl.load_workbook(io.BytesIO(exc.value.error_sheet)).worksheets[0]
    notes = {row[0].row: row[-1].value for row in sheet.iter_rows(min_row=2)}
    assert notes[2] is None
    assert "年度" in notes[4] and "数值" in notes[4] and "数据出处不能为空" in notes[4]
    assert "高新区不能为空" in notes[5] and "与第 2 行重复" in notes[6]
    with pytest.raises(ValidationFailed, match="模板缺少列"):
        svc.peers_import(actor=stat, system=small, content=_xlsx([("P3", 2020)], headers=("高新区", "年度")))


def test_the_template_reads_back_and_the_own_zone_is_refused(small, stat):
    wb = openpyxl.load_workbook(io.BytesIO(svc.peer_template()))
    assert wb.sheetnames[:2] == ["同类高新区指标值", "填表说明"]
    header = [c.value for c in wb.worksheets[0][1]]
    assert set(svc.PEER_HEADERS) <= set(header)
    with pytest.raises(ValidationFailed, match="本区的数值"):
        svc.peers_import(actor=stat, system=small, content=_xlsx([("本区", 2020, "A", 1, "x")]))


def test_a_computed_indicator_cannot_be_typed_and_entries_need_a_source(small, stat):
    with pytest.raises(Conflict, match="由平台记录计算"):
        svc.own_value_enter(actor=stat, system=small, year=2020, code="C", value=Decimal(1), source_note="x")
    with pytest.raises(ValidationFailed, match="数据出处"):
        svc.own_value_enter(actor=stat, system=small, year=2020, code="A", value=Decimal(1), source_note=" ")


def test_the_2021_system_has_the_published_weights(stat):
    system = svc.evaluation_system_load(actor=stat)
    inds = list(system.indicators.all())
    dims = {}
    for i in inds:
        dims[i.dimension] = dims.get(i.dimension, 0) + i.weight
    assert dims == {
        "创新能力和创业活跃度": 20,
        "结构优化和产业价值链": 20,
        "绿色发展和宜居包容性": 15,
        "开放创新和国际竞争力": 15,
        "综合质效和持续创新力": 30,
    }
    assert {i.code: i.weight for i in inds if i.code in ("1.1", "1.2")} == {
        "1.1": Decimal("0.8"),
        "1.2": Decimal("1.2"),
    }
    assert system.current and system.document == "国科发火〔2021〕106号"
    assert svc.evaluation_system_load(actor=stat).indicators.count() == len(
        inds
    )  # loading again changes nothing


def test_the_api_lets_the_office_edit_leaders_read_and_refuses_enterprises(small, stat, leader):
    office, boss = _client(stat), _client(leader)
    r = office.put(
        "/api/v1/economy/evaluation/2020/values",
        {"indicator": "A", "value": "20", "source": "科技局 2020 年台账"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = boss.get("/api/v1/economy/evaluation/2020")
    assert r.status_code == 200
    body = r.json()
    assert body["score"] == "80.00" and body["rank"] == 1
    r = boss.post(
        "/api/v1/economy/evaluation/2020/what-if",
        {"values": [{"indicator": "A", "value": "0"}]},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["after"] == {"score": "30.00", "rank": 3}
    r = boss.put(
        "/api/v1/economy/evaluation/2020/values",
        {"indicator": "A", "value": "1", "source": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403 and "统计部门" in r.json()["message"]
    r = boss.post(
        "/api/v1/economy/evaluation/peers/import", {"file": io.BytesIO(_xlsx([("P9", 2020, "A", 1, "x")]))}
    )
    assert r.status_code == 403
    r = office.post(
        "/api/v1/economy/evaluation/peers/import", {"file": io.BytesIO(_xlsx([("P9", 2020, "Q", 1, "x")]))}
    )
    assert r.status_code == 422 and r.json()["error_sheet"].startswith("/api/v1/import-errors/")
    company = _client(enterprise_user("ent", USCC, "甲企业"))
    for url in ("/api/v1/economy/evaluation/2020", "/api/v1/economy/evaluation/systems"):
        assert company.get(url).status_code == 403
    r = company.post(
        "/api/v1/economy/evaluation/2020/what-if",
        {"values": [{"indicator": "A", "value": "0"}]},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert company.get("/economy/evaluation/").status_code == 403
    assert boss.get("/economy/evaluation/?year=2020&a_A=20").status_code == 200


def test_before_a_system_is_loaded_the_page_and_api_say_so(leader):
    assert _client(leader).get("/api/v1/economy/evaluation/2020").status_code == 404
    page = _client(leader).get("/economy/evaluation/")
    assert page.status_code == 200 and "请统计部门先载入指标体系" in page.content.decode()


def test_only_the_office_loads_a_system(leader):
    with pytest.raises(PermissionDenied):
        svc.evaluation_system_load(actor=leader)


def test_the_page_imports_peers_for_the_office_shows_the_error_sheet_and_refuses_leaders(small, stat, leader):
    office = _client(stat)
    good = io.BytesIO(_xlsx([("P3", 2020, "A", 5, "汇编")]))
    good.name = "peers.xlsx"
    r = office.post("/economy/evaluation/?year=2020", {"kind": "peers", "file": good})
    assert r.status_code == 302
    page = office.get("/economy/evaluation/?year=2020").content.decode()
    assert "P3" in page and "第 1 / 4 名" in page
    bad = io.BytesIO(_xlsx([("P4", 2020, "Z", 5, "汇编")]))
    bad.name = "peers.xlsx"
    r = office.post("/economy/evaluation/?year=2020", {"kind": "peers", "file": bad})
    assert r.status_code == 200 and "下载错误说明表" in r.content.decode()
    token = r.context["error_token"]
    sheet = office.get(f"/economy/evaluation/?errors={token}")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert not EvaluationValue.objects.filter(zone="P4").exists()
    r = _client(leader).post(
        "/economy/evaluation/?year=2020", {"indicator": "A", "value": "1", "source": "x"}
    )
    assert r.status_code == 403
    page = _client(leader).get("/economy/evaluation/?year=2020&a_A=20").content.decode()
    assert "55.00 → 80.00" in page and "导入同类高新区指标值" not in page


def test_an_indicator_no_zone_has_pulls_no_one_down(small, leader):
    EvaluationIndicator.objects.create(
        system=small, code="D", dimension="一", dimension_weight=Decimal(100), name="丁", weight=Decimal(10)
    )
    r = svc.evaluation_result(user=leader, system=small, year=2020)
    assert r["score"] == Decimal("55.00") and r["missing"] == ["D"]
    assert "D" not in [p["code"] for p in r["pulling_down"]]
