"""The indicator catalogue: versions on a changed definition, targets per year, the Excel import, and
a value computed from the pillars' read contracts against a hand computation."""

import io
from decimal import Decimal

import openpyxl
import pytest

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.economy.models import Indicator
from gaoxin.economy.services.catalogue import indicator_save, indicator_value, indicators_import, rating
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import department, staff_user

pytestmark = pytest.mark.django_db
YI = Decimal(100_000_000)


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


OUTPUT = {"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": YI}


def test_a_changed_definition_is_a_new_version_and_an_unchanged_one_is_not(stat):
    v1 = indicator_save(actor=stat, code="GY01", fields=OUTPUT, targets={2020: Decimal("10")})
    same = indicator_save(actor=stat, code="GY01", fields=dict(OUTPUT))
    assert same.pk == v1.pk and same.version == 1
    v2 = indicator_save(actor=stat, code="GY01", fields={**OUTPUT, "scale": Decimal(10000), "unit": "万元"})
    assert v2.version == 2 and v2.current
    v1.refresh_from_db()
    assert not v1.current and v1.unit == "亿元"  # the old definition stays as it was
    assert v2.targets.get(year=2020).value == Decimal("10")  # targets carried over
    assert Indicator.objects.filter(code="GY01").count() == 2


def test_only_the_statistics_office_edits_and_sources_are_named(stat):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    with pytest.raises(PermissionDenied):
        indicator_save(actor=clerk, code="GY01", fields=OUTPUT)
    with pytest.raises(ValidationFailed, match="未知的数据来源"):
        indicator_save(actor=stat, code="GY01", fields={**OUTPUT, "source": "__import__('os')"})


def test_value_from_accepted_reports_scaled_and_ratio(stat):
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    b = enterprise(other_uscc(2), "乙", above_scale=True)
    report(
        a,
        2020,
        0,
        output_value=Decimal("123456789.00"),
        revenue=Decimal("200000000"),
        rd_expense=Decimal("5000000"),
    )
    report(
        b,
        2020,
        0,
        output_value=Decimal("100000000.00"),
        revenue=Decimal("50000000"),
        rd_expense=Decimal("2500000"),
    )
    out = indicator_save(actor=stat, code="GY01", fields=OUTPUT)
    # (123456789 + 100000000) / 1e8 = 2.23456789 → 2.23
    assert indicator_value(out, user=stat, period=(2020, None)) == {"value": Decimal("2.23"), "inputs": 2}
    rd = indicator_save(
        actor=stat,
        code="CX01",
        fields={
            "name": "研发投入强度",
            "unit": "%",
            "source": "reporting.rd_expense",
            "denominator": "reporting.revenue",
        },
    )
    # 7,500,000 / 250,000,000 = 3.00 %
    assert indicator_value(rd, user=stat, period=(2020, None))["value"] == Decimal("3.00")
    assert indicator_value(rd, user=stat, period=(2019, None))["value"] is None


def test_rating_by_thresholds(stat):
    ind = indicator_save(
        actor=stat, code="GY01", fields={**OUTPUT, "warning": Decimal(90), "excellent": Decimal(110)}
    )
    assert rating(ind, Decimal("8.9"), Decimal("10")) == "warning"
    assert rating(ind, Decimal("10"), Decimal("10")) == "ok"
    assert rating(ind, Decimal("11"), Decimal("10")) == "excellent"
    assert rating(ind, None, Decimal("10")) == ""


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        ["指标编码", "指标名称", "单位", "数据来源", "换算除数", "频度", "责任部门", "目标年度", "目标值"]
    )
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_from_excel_all_or_nothing(stat):
    good = _xlsx(
        [
            [
                "GY01",
                "规上工业总产值",
                "亿元",
                "reporting.output_value",
                100000000,
                "月度",
                "统计局",
                2020,
                1000,
            ],
            ["QY01", "高新技术企业", "家", "registry.hte", 1, "年度", "科技局", 2020, 200],
        ]
    )
    assert indicators_import(actor=stat, content=good) == {"rows": 2, "new_versions": 2}
    hte = Indicator.objects.get(code="QY01", current=True)
    assert (hte.frequency, hte.department, hte.targets.get(year=2020).value) == ("yearly", "科技局", 200)
    bad = _xlsx(
        [
            ["GY02", "营业收入", "亿元", "reporting.revenue", 100000000, "月度", "统计局", 2020, 10],
            ["GY03", "坏指标", "亿元", "reporting.nothing", 1, "月度", "统计局", None, None],
        ]
    )
    with pytest.raises(ValidationFailed, match="第3行"):
        indicators_import(actor=stat, content=bad)
    assert not Indicator.objects.filter(code="GY02").exists()
