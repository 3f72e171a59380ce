"""GET /api/v1/economy/reviews/{year}: one entry per indicator, equal to its value, changing when a record
changes; refused to those outside the leaders and the statistics office."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.core import clock
from gaoxin.economy.services.catalogue import indicator_save
from gaoxin.economy.services.snapshots import snapshot_take
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


def test_review_figures_follow_the_records_and_keep_a_snapshots_as_of(db):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    ra = report(a, 2020, 0, output_value=Decimal("365000000"))
    indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
    )
    hte = indicator_save(
        actor=stat,
        code="QY01",
        fields={"name": "高新技术企业", "unit": "家", "source": "registry.hte", "decimals": 0},
    )
    with clock.frozen(dt.date(2021, 3, 1)):
        r = _client(leader).get("/api/v1/economy/reviews/2020")
    assert r.status_code == 200
    body = r.json()
    assert body["year"] == 2020
    assert body["figures"][0] == {
        "indicator": "GY01",
        "name": "规上工业总产值",
        "value": 3.65,
        "unit": "亿元",
        "display": "3.65亿元",
        "as_of": "2021-03-01",
    }
    assert body["figures"][1]["indicator"] == "QY01" and body["figures"][1]["value"] == 0
    ra.output_value = Decimal("400000000")
    ra.save()
    assert _client(leader).get("/api/v1/economy/reviews/2020").json()["figures"][0]["display"] == "4.00亿元"
    # a yearly snapshot, once taken, is what the review prints, with its as-of date
    with clock.frozen(dt.date(2021, 1, 20)):
        snapshot_take(actor=stat, indicator=hte, year=2020)
    fig = _client(stat).get("/api/v1/economy/reviews/2020").json()["figures"][1]
    assert (fig["display"], fig["as_of"]) == ("0家", "2021-01-20")


def test_review_refused_outside_leaders_and_statistics(db):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    assert _client(clerk).get("/api/v1/economy/reviews/2020").status_code == 404
    assert _client(clerk).get("/api/v1/economy/indicators").status_code == 404
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    assert _client(leader).get("/api/v1/economy/reviews/1").status_code == 422


def test_the_docx_prints_the_same_figures_and_follows_a_changed_record(db):
    import io

    from docx import Document

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    ra = report(
        a,
        2020,
        0,
        output_value=Decimal("365000000"),
        rd_expense=Decimal("3000000"),
        revenue=Decimal("100000000"),
    )
    indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
    )
    indicator_save(
        actor=stat,
        code="CX02",
        fields={
            "name": "研发投入强度",
            "unit": "%",
            "source": "reporting.rd_expense",
            "denominator": "reporting.revenue",
        },
    )
    c = _client(stat)

    def docx_rows():
        r = c.get("/api/v1/economy/reviews/2020.docx")
        assert r.status_code == 200
        doc = Document(io.BytesIO(r.content))
        rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows[1:]]
        return sorted(rows, key=lambda r: r[3]), "\n".join(p.text for p in doc.paragraphs)

    rows, text = docx_rows()
    figures = c.get("/api/v1/economy/reviews/2020").json()["figures"]
    assert [[r[0], r[1], r[3], r[4]] for r in rows] == [
        [f["name"], f["display"], f["indicator"], f["as_of"]] for f in figures
    ]
    assert [r[1] for r in rows] == ["3.00%", "3.65亿元"]
    assert "CX02 研发投入强度（%）：研发费用 ÷ 营业收入 × 100" in text
    ra.output_value = Decimal("366000000")
    ra.save()
    assert docx_rows()[0][1][1] == "3.66亿元"
