"""Every classification rule at its boundaries: exactly at the threshold, and one unit below."""

from decimal import Decimal

import pytest

from gaoxin.enterprises.classification import above_scale, classify, size_class

WAN = Decimal(10000)
CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("code", "threshold_wan", "kind"),
    [
        ("C36", 2000, "industry"),
        ("B06", 2000, "industry"),
        ("D44", 2000, "industry"),
        ("F51", 2000, "trade"),
        ("F52", 500, "trade"),
        ("H61", 200, "trade"),
        ("H62", 200, "trade"),
        ("G59", 2000, "services"),
        ("I65", 2000, "services"),
        ("M75", 1000, "services"),
        ("L72", 1000, "services"),
        ("R88", 500, "services"),
    ],
)
def test_above_scale_threshold(code, threshold_wan, kind):
    at = Decimal(threshold_wan) * WAN
    assert above_scale(code, revenue=at)[0] == kind
    found, rule = above_scale(code, revenue=at - CENT)
    assert found == ""
    assert f"< {threshold_wan:,}万元" in rule


def test_above_scale_rule_text_and_out_of_scope_sectors():
    kind, rule = above_scale("C36", revenue=Decimal(25_000_000))
    assert rule == "规模以上工业：年主营业务收入 2,500.00万元 ≥ 2,000万元"
    assert above_scale("E47", revenue=Decimal(10**10))[0] == ""
    assert above_scale("K7010", revenue=Decimal(10**10))[0] == ""
    assert "不属于" in above_scale("A01", revenue=Decimal(10**10))[1]


# sector code, [(size, employees, revenue in 万元 or None)] — the lower bounds of the 2017 method
BOUNDS = [
    ("C36", [("large", 1000, 40000), ("medium", 300, 2000), ("small", 20, 300)]),
    ("F51", [("large", 200, 40000), ("medium", 20, 5000), ("small", 5, 1000)]),
    ("F52", [("large", 300, 20000), ("medium", 50, 500), ("small", 10, 100)]),
    ("I65", [("large", 300, 10000), ("medium", 100, 1000), ("small", 10, 50)]),
    ("M75", [("large", 300, None), ("medium", 100, None), ("small", 10, None)]),
]
LOWER = {"large": "medium", "medium": "small", "small": "micro"}


@pytest.mark.parametrize(("code", "rows"), BOUNDS)
def test_size_classes_at_their_lower_bounds(code, rows):
    for size, staff, revenue_wan in rows:
        revenue = Decimal(revenue_wan or 0) * WAN
        assert size_class(code, employees=staff, revenue=revenue)[0] == size
        # One person fewer: drops a class (the next class's bounds are lower, so it lands exactly one down).
        assert size_class(code, employees=staff - 1, revenue=revenue)[0] == LOWER[size]
        if revenue_wan is not None:
            # One cent short of the revenue bound: drops a class too.
            assert size_class(code, employees=staff, revenue=revenue - CENT)[0] == LOWER[size]


def test_size_needs_every_indicator_micro_needs_only_one():
    # Many employees but small revenue: the revenue decides (工业 medium needs both ≥300 and ≥2000万).
    assert size_class("C36", employees=5000, revenue=Decimal(19_999_999))[0] == "small"
    assert size_class("C36", employees=19, revenue=Decimal(10**12))[0] == "micro"
    size, rule = size_class("C36", employees=19, revenue=Decimal(10**12))
    assert rule.startswith("工业：从业人员 19 人（<20）")


def test_classify_keeps_the_reasons():
    c = classify("C36", employees=350, revenue=Decimal(50_000_000))
    assert (c.above_scale, c.scale_kind, c.size) == (True, "industry", "medium")
    assert set(c.reasons) == {"above_scale", "size"}
    assert "为中型企业" in c.reasons["size"]
