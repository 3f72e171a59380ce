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
        ("O80", 500, "services"),
        ("Q85", 500, "services"),
        ("Q84", 1000, "services"),
        ("K7020", 1000, "services"),
        ("P83", 1000, "services"),
        ("N77", 2000, "services"),
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
    # K701 房地产开发经营 is not a service unit, whether written to the group or to the class
    kind, rule = above_scale("K701", revenue=Decimal(10**10))
    assert kind == "" and "房地产开发" in rule
    assert "不属于" in above_scale("A01", revenue=Decimal(10**10))[1]


# 《统计上大中小微型企业划分办法（2017）》, written out again here from the published table:
# sector code, [(size, {indicator: lower bound})]; employees in persons, revenue and assets in 万元.
E, Y, Z = "employees", "revenue", "assets"
BOUNDS = [
    ("A01", [("large", {Y: 20000}), ("medium", {Y: 500}), ("small", {Y: 50})]),
    ("C36", [("large", {E: 1000, Y: 40000}), ("medium", {E: 300, Y: 2000}), ("small", {E: 20, Y: 300})]),
    ("B06", [("large", {E: 1000, Y: 40000}), ("medium", {E: 300, Y: 2000}), ("small", {E: 20, Y: 300})]),
    ("D44", [("large", {E: 1000, Y: 40000}), ("medium", {E: 300, Y: 2000}), ("small", {E: 20, Y: 300})]),
    ("E47", [("large", {Y: 80000, Z: 80000}), ("medium", {Y: 6000, Z: 5000}), ("small", {Y: 300, Z: 300})]),
    ("F51", [("large", {E: 200, Y: 40000}), ("medium", {E: 20, Y: 5000}), ("small", {E: 5, Y: 1000})]),
    ("F52", [("large", {E: 300, Y: 20000}), ("medium", {E: 50, Y: 500}), ("small", {E: 10, Y: 100})]),
    ("G54", [("large", {E: 1000, Y: 30000}), ("medium", {E: 300, Y: 3000}), ("small", {E: 20, Y: 200})]),
    ("G58", [("large", {E: 1000, Y: 30000}), ("medium", {E: 300, Y: 3000}), ("small", {E: 20, Y: 200})]),
    ("G59", [("large", {E: 200, Y: 30000}), ("medium", {E: 100, Y: 1000}), ("small", {E: 20, Y: 100})]),
    ("G60", [("large", {E: 1000, Y: 30000}), ("medium", {E: 300, Y: 2000}), ("small", {E: 20, Y: 100})]),
    ("H61", [("large", {E: 300, Y: 10000}), ("medium", {E: 100, Y: 2000}), ("small", {E: 10, Y: 100})]),
    ("H62", [("large", {E: 300, Y: 10000}), ("medium", {E: 100, Y: 2000}), ("small", {E: 10, Y: 100})]),
    ("I63", [("large", {E: 2000, Y: 100000}), ("medium", {E: 100, Y: 1000}), ("small", {E: 10, Y: 100})]),
    ("I64", [("large", {E: 2000, Y: 100000}), ("medium", {E: 100, Y: 1000}), ("small", {E: 10, Y: 100})]),
    ("I65", [("large", {E: 300, Y: 10000}), ("medium", {E: 100, Y: 1000}), ("small", {E: 10, Y: 50})]),
    (
        "K701",
        [("large", {Y: 200000, Z: 10000}), ("medium", {Y: 1000, Z: 5000}), ("small", {Y: 100, Z: 2000})],
    ),
    (
        "K7010",
        [("large", {Y: 200000, Z: 10000}), ("medium", {Y: 1000, Z: 5000}), ("small", {Y: 100, Z: 2000})],
    ),
    ("K7020", [("large", {E: 1000, Y: 5000}), ("medium", {E: 300, Y: 1000}), ("small", {E: 100, Y: 500})]),
    ("L72", [("large", {E: 300, Z: 120000}), ("medium", {E: 100, Z: 8000}), ("small", {E: 10, Z: 100})]),
    ("L71", [("large", {E: 300, Z: 120000}), ("medium", {E: 100, Z: 8000}), ("small", {E: 10, Z: 100})]),
    # 其他未列明行业: employees only
    ("K7030", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
    ("M75", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
    ("N77", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
    ("O80", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
    ("Q85", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
    ("R88", [("large", {E: 300}), ("medium", {E: 100}), ("small", {E: 10})]),
]
LOWER = {"large": "medium", "medium": "small", "small": "micro"}
ONE = {E: 1, Y: CENT, Z: CENT}


def _figures(bounds: dict) -> dict:
    """Exactly the lower bounds; indicators the sector does not list are left out (None)."""
    return {
        "employees": bounds.get(E),
        "revenue": Decimal(bounds[Y]) * WAN if Y in bounds else None,
        "assets": Decimal(bounds[Z]) * WAN if Z in bounds else None,
    }


@pytest.mark.parametrize(("code", "rows"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_size_classes_at_their_lower_bounds(code, rows):
    for size, bounds in rows:
        at = _figures(bounds)
        assert size_class(code, **at)[0] == size, (code, size)
        for name in bounds:
            # One unit short of any listed bound drops exactly one class (the next bounds are lower).
            short = {**at, name: at[name] - ONE[name]}
            assert size_class(code, **short)[0] == LOWER[size], (code, size, name)


@pytest.mark.parametrize(("code", "rows"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_size_needs_every_listed_indicator(code, rows):
    listed = rows[0][1]
    for name in listed:
        figures = {**_figures(listed), name: None}
        size, rule = size_class(code, **figures)
        assert size == ""
        assert "无法划分" in rule


def test_sectors_outside_the_2017_method_get_no_size():
    for code, word in [
        ("Q84", "卫生"),
        ("J66", "金融"),
        ("P83", "教育"),
        ("S92", "公共管理"),
        ("T96", "国际组织"),
    ]:
        size, rule = size_class(code, employees=5000, revenue=Decimal(10**12), assets=Decimal(10**12))
        assert size == "", code
        assert word in rule


def test_codes_too_coarse_to_size_say_what_is_needed():
    assert size_class("K70", employees=500, revenue=Decimal(10**9), assets=Decimal(10**9))[0] == ""
    assert "中类" in size_class("K70", employees=500, revenue=Decimal(10**9), assets=Decimal(10**9))[1]
    assert "大类" in size_class("G", employees=500, revenue=Decimal(10**9))[1]
    assert "行业代码" in size_class("", employees=500, revenue=Decimal(10**9))[1]


def test_the_examples_of_the_issue():
    # 建筑 with 5 people and 10 亿 revenue was micro by head count; it is sized by revenue and assets.
    assert size_class("E47", employees=5, revenue=Decimal(10**9))[0] == ""
    assert size_class("E47", employees=5, revenue=Decimal(10**9), assets=Decimal(10**9))[0] == "large"
    # 租赁和商务服务 with 150 people and 50 万 assets was medium; assets below 100 万 make it micro.
    size, rule = size_class("L72", employees=150, revenue=Decimal(10**6), assets=Decimal(500_000))
    assert size == "micro"
    assert "资产总额 50.00万元（<100万元）" in rule


def test_size_needs_every_indicator_micro_needs_only_one():
    # Many employees but small revenue: the revenue decides (工业 medium needs both ≥300 and ≥2000万).
    assert size_class("C36", employees=5000, revenue=Decimal(19_999_999))[0] == "small"
    assert size_class("C36", employees=19, revenue=Decimal(10**12))[0] == "micro"
    size, rule = size_class("C36", employees=19, revenue=Decimal(10**12))
    assert rule.startswith("工业：从业人员 19 人（<20 人）")
    size, rule = size_class("C36", employees=5000, revenue=Decimal(19_999_999))
    assert "未达中型：营业收入 1,999.99万元（<2,000万元）" in rule


def test_classify_keeps_the_reasons():
    c = classify("C36", employees=350, revenue=Decimal(50_000_000))
    assert (c.above_scale, c.scale_kind, c.size) == (True, "industry", "medium")
    assert set(c.reasons) == {"above_scale", "size"}
    assert "为中型企业" in c.reasons["size"]
