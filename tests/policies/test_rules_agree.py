"""The compiler (one SQL query) and the Python evaluator must agree on every rule and enterprise,
including missing data (three-valued logic), and on near misses. Runs on SQLite and PostgreSQL alike."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.enterprises.models import Report
from gaoxin.policies.rules import parse_rule
from gaoxin.policies.rules.ast import conjuncts
from gaoxin.policies.rules.compiler import CompiledRules, compile_rule
from gaoxin.policies.rules.evaluator import is_eligible, value
from gaoxin.policies.rules.facts import enterprises_with_facts, load_facts

from . import factories as f

pytestmark = pytest.mark.django_db

SMALL = st.sampled_from([None, 0, 1, 2, 5, 10, 100, 150])
THRESHOLD = st.sampled_from(["0", "1", "2", "5", "10", "100", "0.5", "1.5", "0.25", "-1"])
CMP = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
DATA = st.sampled_from(["revenue", "rd_expense", "employees"])
YEAR = st.sampled_from([2024, 2025])


def _atoms():
    return st.one_of(
        st.sampled_from(
            [
                'enterprise.size == "small"',
                'enterprise.size in ["small", "micro"]',
                "enterprise.above_scale",
                "enterprise.hte",
                "enterprise.tech_sme",
                'enterprise.industry == "ind1"',
                'enterprise.industry != "ind1"',
                'enterprise.industry in ["ind1", "ind2"]',
                "enterprise.listed == enterprise.hte",
                "enterprise.registered_year >= 2015",
                "true",
            ]
        ),
        st.builds(lambda d, y, op, t: f"data.{d}({y}) {op} {t}", DATA, YEAR, CMP, THRESHOLD),
        st.builds(
            lambda a, b, op, t: f"data.{a}(2025) / data.{b}(2025) {op} {t}", DATA, DATA, CMP, THRESHOLD
        ),
        st.builds(
            lambda a, b, op, t: f"data.{a}(2025) + data.{b}(2024) * 2 {op} {t}", DATA, DATA, CMP, THRESHOLD
        ),
        st.builds(lambda d, op, t: f"-data.{d}(2025) {op} {t}", DATA, CMP, THRESHOLD),
        st.builds(lambda op, t: f"growth.revenue_yoy(2025) {op} {t}", CMP, THRESHOLD),
        st.builds(lambda op, t: f"ip.invention_granted(2025) {op} {t}", CMP, THRESHOLD),
        st.builds(lambda t: f"data.revenue(2025) in [{t}, 10]", THRESHOLD),
    )


RULES = st.recursive(
    _atoms(),
    lambda inner: st.one_of(
        st.builds(lambda a: f"!({a})", inner),
        st.builds(lambda a, b: f"({a}) && ({b})", inner, inner),
        st.builds(lambda a, b: f"({a}) || ({b})", inner, inner),
    ),
    max_leaves=6,
)

QUAL_WINDOWS = st.sampled_from(
    [
        None,
        (dt.date(2024, 1, 1), dt.date(2027, 1, 1)),
        (dt.date(2020, 1, 1), dt.date(2023, 1, 1)),
        (dt.date(2026, 1, 1), None),
    ]
)
REPORT = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "month": st.sampled_from([0, 12, 6]),
            "state": st.sampled_from([Report.State.ACCEPTED, Report.State.ACCEPTED, Report.State.SUBMITTED]),
            "revenue": SMALL,
            "rd_expense": SMALL,
            "employees": SMALL,
        }
    ),
)
ENTERPRISE = st.fixed_dictionaries(
    {
        "size": st.sampled_from(["large", "medium", "small", "micro"]),
        "above_scale": st.booleans(),
        "listed": st.booleans(),
        "industry": st.sampled_from([None, "ind1", "ind2", "ind3"]),
        "year": st.sampled_from([2010, 2015, 2020]),
        "hte": QUAL_WINDOWS,
        "tech_sme": QUAL_WINDOWS,
        "reports": st.lists(st.tuples(YEAR, REPORT), max_size=3),
        "ip": st.one_of(st.none(), SMALL.filter(lambda v: v is not None)),
    }
)


class _Rollback(Exception):
    pass


def _build(spec):
    ent = f.enterprise(
        size=spec["size"],
        above_scale=spec["above_scale"],
        listed=spec["listed"],
        industry=f.industry(spec["industry"]) if spec["industry"] else None,
        registered_on=dt.date(spec["year"], 5, 1),
    )
    for kind in ("hte", "tech_sme"):
        if spec[kind]:
            f.qualify(ent, kind, valid_from=spec[kind][0], valid_to=spec[kind][1])
    seen = set()
    for year, rep in spec["reports"]:
        if rep is None or (year, rep["month"]) in seen:
            continue
        seen.add((year, rep["month"]))
        f.report(ent, year, **rep)
    if spec["ip"] is not None:
        f.ip(ent, 2025, invention_granted=spec["ip"])
    return ent


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=RULES, population=st.lists(ENTERPRISE, min_size=1, max_size=5))
def test_sql_and_python_agree(db, rule, population):
    node = parse_rule(rule)
    try:
        with transaction.atomic():
            for spec in population:
                _build(spec)
            compiled = compile_rule(node, f.AS_OF)
            by_sql = set(compiled.queryset().values_list("pk", flat=True))
            facts = load_facts(enterprises_with_facts(), f.AS_OF)
            by_python = {pk for pk, fact in facts.items() if is_eligible(node, fact)}
            assert by_sql == by_python, rule
            assert CompiledRules([node], f.AS_OF).counts() == [len(by_sql)], rule
            parts = conjuncts(node)
            near_sql = {(e.pk, e.missed) for e in compiled.near_misses()}
            near_python = set()
            for pk, fact in facts.items():
                failing = [i for i, part in enumerate(parts) if value(part, fact) is not True]
                if len(parts) > 1 and len(failing) == 1:
                    near_python.add((pk, failing[0]))
            assert near_sql == near_python, rule
            raise _Rollback
    except _Rollback:
        pass


def test_builder_produces_checked_cel():
    from gaoxin.policies.rules import RuleError
    from gaoxin.policies.rules.builder import Row, build

    rule = build(
        [
            Row("enterprise.size", "in", "small，micro"),
            Row("data.rd_expense", ">=", "5,000,000", "2025"),
            Row("enterprise.hte", "is_true"),
        ]
    )
    assert (
        rule == 'enterprise.size in ["small", "micro"] && data.rd_expense(2025) >= 5000000 && enterprise.hte'
    )
    assert str(parse_rule(rule)) == rule
    with pytest.raises(RuleError, match="请选择“营业收入”的年度"):
        build([Row("data.revenue", ">=", "1")])
    with pytest.raises(RuleError, match="“企业规模”不能选“多于”，可选：是其中之一、不是其中之一"):
        build([Row("enterprise.size", ">", "small")])


# ---- generated boundary cases: exact arithmetic on both paths ---------------------------------
# Values are put exactly on the threshold of a comparison (and one fen either side), through
# products, sums, ratios and growth. Both paths must agree and be exactly right: any float on
# either side (or SQLite's REAL arithmetic) shows up here.

_OPS = ["==", "!=", "<", "<=", ">", ">="]
_PY_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
FEN = Decimal("0.01")
MONEY = st.integers(min_value=1, max_value=10**14 - 1).map(lambda n: Decimal(n) / 100)
DELTA = st.sampled_from([Decimal(0), Decimal(0), FEN, -FEN])


@st.composite
def _boundary(draw):
    """(rule, report values for 2025 and 2024, the exact expected verdict)."""
    op = draw(st.sampled_from(_OPS))
    kind = draw(st.sampled_from(["equal", "product", "sum", "ratio", "ratio_long", "growth", "people"]))
    d = draw(DELTA)
    cur: dict = {}
    prev: dict = {}
    if kind == "equal":
        a = draw(MONEY)
        cur["revenue"] = a
        rule, lhs, rhs = f"data.revenue(2025) {op} {a + d}", Fraction(a), Fraction(a + d)
    elif kind == "product":
        a, k = draw(MONEY), Decimal(draw(st.sampled_from(["0.05", "0.3", "3", "1.1", "0.07", "2.5"])))
        cur["revenue"] = a
        t = a * k + d
        rule, lhs, rhs = f"data.revenue(2025) * {k} {op} {t}", Fraction(a) * Fraction(k), Fraction(t)
    elif kind == "sum":
        a, b = draw(MONEY), draw(MONEY)
        cur["revenue"], cur["rd_expense"] = a, b
        t = a + b + d
        rule, lhs, rhs = (
            f"data.revenue(2025) + data.rd_expense(2025) {op} {t}",
            Fraction(a) + Fraction(b),
            Fraction(t),
        )
    elif kind == "ratio":
        b = Decimal(draw(st.integers(min_value=1, max_value=10**12)))
        t = Decimal(draw(st.sampled_from(["0.03", "0.05", "0.1", "0.25", "1.5", "0.07"])))
        a = b * t + d
        cur["revenue"], cur["rd_expense"] = b, a
        rule, lhs, rhs = (
            f"data.rd_expense(2025) / data.revenue(2025) {op} {t}",
            Fraction(a) / Fraction(b),
            Fraction(t),
        )
    elif kind == "ratio_long":
        # a threshold with many digits, just beside a ratio that does not terminate (e.g. 1/3)
        a, b = draw(MONEY), draw(MONEY)
        cur["revenue"], cur["rd_expense"] = b, a
        t = Decimal(round(Fraction(a) / Fraction(b) * 10**20)).scaleb(-20)
        rule, lhs, rhs = (
            f"data.rd_expense(2025) / data.revenue(2025) {op} {t}",
            Fraction(a) / Fraction(b),
            Fraction(t),
        )
    elif kind == "growth":
        # prev with 1 decimal, rate with 1 decimal: cur = prev·(1 + rate) has 2 decimals exactly
        p = Decimal(draw(st.integers(min_value=1, max_value=10**13))) / 10
        r = Decimal(draw(st.sampled_from(["0.1", "0.2", "0.5", "0", "-0.1", "1.5", "0.3"])))
        c = p * (1 + r) + d
        cur["revenue"], prev["revenue"] = c, p
        rule, lhs, rhs = (
            f"growth.revenue_yoy(2025) {op} {r}",
            (Fraction(c) - Fraction(p)) / Fraction(p),
            Fraction(r),
        )
    else:  # integer column times a decimal
        n = draw(st.integers(min_value=1, max_value=10**6))
        k = Decimal(draw(st.sampled_from(["1.5", "0.3", "0.07"])))
        cur["employees"] = n
        t = n * k + d
        rule, lhs, rhs = f"data.employees(2025) * {k} {op} {t}", Fraction(n) * Fraction(k), Fraction(t)
    return rule, cur, prev, _PY_OPS[op](lhs, rhs)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_boundary())
def test_boundaries_agree_exactly(db, case):
    rule, cur, prev, expected = case
    node = parse_rule(rule)
    try:
        with transaction.atomic():
            ent = f.enterprise()
            f.report(ent, 2025, **cur)
            if prev:
                f.report(ent, 2024, **prev)
            by_sql = ent.pk in set(compile_rule(node, f.AS_OF).queryset().values_list("pk", flat=True))
            by_python = is_eligible(node, load_facts(enterprises_with_facts(), f.AS_OF)[ent.pk])
            counted = CompiledRules([node], f.AS_OF).counts() == [1 if expected else 0]
            assert (by_sql, by_python, counted) == (expected, expected, True), (rule, cur, prev)
            raise _Rollback
    except _Rollback:
        pass


def test_growth_of_exactly_ten_percent_is_eligible_on_both_paths(db):
    """The reported case: 100,000,000.50 → 110,000,000.55 is +10.000%, and a 10% clause is met."""
    ent = f.enterprise()
    f.report(ent, 2024, revenue=Decimal("100000000.50"))
    f.report(ent, 2025, revenue=Decimal("110000000.55"))
    node = parse_rule("growth.revenue_yoy(2025) >= 0.1")
    assert list(compile_rule(node, f.AS_OF).queryset().values_list("pk", flat=True)) == [ent.pk]
    assert is_eligible(node, load_facts(enterprises_with_facts(), f.AS_OF)[ent.pk])
    assert not compile_rule(parse_rule("growth.revenue_yoy(2025) > 0.1"), f.AS_OF).queryset().exists()


def test_enterprise_page_and_batch_agree_on_the_reported_growth(officer, policy):
    """企业找政策 and the 免申即享 batch: the same enterprise, the same verdict and the same amount."""
    from gaoxin.policies.models import Award
    from gaoxin.policies.services import catalogue, matching, money

    ent = f.enterprise(size="small")
    f.report(ent, 2024, revenue=Decimal("100000000.50"))
    f.report(ent, 2025, revenue=Decimal("110000000.55"))
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="growth10",
        title="营收增长奖励",
        period=2026,
        rule="growth.revenue_yoy(2025) >= 0.1",
        formula="300000",
    )
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("1000000"))
    catalogue.clause_check_and_publish(actor=officer, clause=clause)
    offer = next(o for o in matching.offers_for(ent) if o.clause.code == "growth10")
    assert offer.eligible and offer.amount == Decimal("300000.00")
    assert "10.00%" in offer.explanation.conditions[0][0].values[0][2]
    run = money.award_batch.run_now(clause_id=clause.pk, actor_id=officer.pk)
    assert run.status == "succeeded", run.error
    assert list(Award.objects.filter(clause=clause).values_list("enterprise_id", "amount")) == [
        (ent.pk, Decimal("300000.00"))
    ]
