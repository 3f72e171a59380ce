"""Amounts in 元 / 万元 / 亿元 with the unit named and the exact yuan on hover, and the data charts are drawn
from: one rule, boundaries included."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from gaoxin.core import amounts


@pytest.mark.parametrize(
    ("largest", "unit"),
    [
        (Decimal("0"), "元"),
        (Decimal("9999.99"), "元"),
        (Decimal("10000"), "万元"),
        (Decimal("-10000"), "万元"),  # a clawback counts by its size
        (Decimal("99999999.99"), "万元"),
        (Decimal("100000000"), "亿元"),
        (365_000_000, "亿元"),
    ],
)
def test_a_set_of_amounts_is_shown_in_the_largest_unit_its_largest_reaches(largest, unit):
    assert amounts.scale_for([Decimal("1.00"), largest, None]).unit == unit


def test_shown_and_exact():
    assert amounts.shown(Decimal("365000000")) == "3.65 亿元"
    assert amounts.shown(Decimal("250000")) == "25.00 万元"
    assert amounts.shown(Decimal("12345.678"), amounts.WAN) == "1.23 万元"
    assert amounts.shown(Decimal("999.5")) == "999.50 元"
    assert amounts.exact(Decimal("1234567.891")) == "1,234,567.89 元"
    assert amounts.shown(None) == amounts.exact(None) == "—"
    # half up, like every amount of the platform
    assert amounts.shown(Decimal("15000"), amounts.YI) == "0.00 亿元"
    assert amounts.shown(Decimal("500000"), amounts.YI) == "0.01 亿元"


def test_the_filter_shows_the_unit_and_keeps_the_exact_yuan_on_hover():
    html = Template('{% load amounts %}{{ v|amount }}|{{ v|amount:"万元" }}|{{ n|amount }}').render(
        Context({"v": Decimal("365000000.00"), "n": None})
    )
    assert html == (
        '<span class="amount" title="365,000,000.00 元">3.65 亿元</span>|'
        '<span class="amount" title="365,000,000.00 元">36,500.00 万元</span>|—'
    )


def test_a_chart_shares_one_unit_over_its_series_and_keeps_each_exact_figure():
    spec = amounts.chart(
        categories=["甲", "乙"],
        series=[("已拨付", [Decimal("250000"), None]), ("已承诺", [Decimal("3000"), Decimal("120000000")])],
    )
    assert spec["unit"] == "亿元"
    assert spec["series"][0]["data"] == [
        {"value": 0.0, "exact": "250,000.00 元"},
        {"value": None, "exact": "—"},
    ]
    assert spec["series"][1]["data"][1] == {"value": 1.2, "exact": "120,000,000.00 元"}
    counts = amounts.chart(categories=["1月"], series=[("收件", [1234])], unit="count")
    assert counts["series"][0]["data"] == [{"value": 1234.0, "exact": "1,234"}]
    rate = amounts.chart(categories=["1月"], series=[("按时办结率", [Decimal("66.7")])], unit="percent")
    assert (rate["unit"], rate["series"][0]["data"][0]["exact"]) == ("%", "66.7%")


def test_chart_data_cannot_break_out_of_its_script_element():
    spec = amounts.chart(categories=["</script><script>alert(1)</script>"], series=[("x", [1])])
    html = Template('{% load amounts %}{% chart_data spec "chart-x" %}').render(Context({"spec": spec}))
    assert html.count("</script>") == 1 and html.startswith(
        '<script type="application/json" data-chart="chart-x">'
    )
