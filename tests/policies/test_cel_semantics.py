"""Where the rule language deviates from CEL, it does so as the rule editor's help says, on both
paths (SQL and Python). One test per documented behaviour; the help is checked to state each one."""

import pytest

from gaoxin.policies.rules import RuleError, parse_rule
from gaoxin.policies.rules.compiler import compile_rule
from gaoxin.policies.rules.evaluator import is_eligible, value
from gaoxin.policies.rules.facts import enterprises_with_facts, load_facts
from tests.factories import DEFAULT_PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def _both(rule: str, ent) -> tuple[bool, bool]:
    node = parse_rule(rule)
    by_sql = compile_rule(node, f.AS_OF).queryset().filter(pk=ent.pk).exists()
    by_python = is_eligible(node, load_facts(enterprises_with_facts(), f.AS_OF)[ent.pk])
    return by_sql, by_python


@pytest.fixture
def ten(db):
    ent = f.enterprise()
    f.report(ent, 2025, employees=10, revenue=10)
    return ent


def test_division_is_exact_not_integer_division(ten):
    assert _both("data.employees(2025) / 7 > 1", ten) == (True, True)  # CEL: 10 / 7 == 1
    assert _both("data.employees(2025) / 7 == 1", ten) == (False, False)
    assert _both("data.employees(2025) / 7 * 7 == 10", ten) == (True, True)  # no rounding on the way


def test_one_number_type_so_int_equals_decimal(ten):
    assert _both("data.employees(2025) == 10.0", ten) == (True, True)  # CEL: a type error
    assert _both("data.revenue(2025) == data.employees(2025)", ten) == (True, True)
    assert value(parse_rule("1 == 1.0"), None) is True


def test_not_keeps_unknown_unknown(db):
    ent = f.enterprise()  # no report at all: revenue is unknown
    assert _both("data.revenue(2025) > 1", ent) == (False, False)
    assert _both("!(data.revenue(2025) > 1)", ent) == (False, False)
    assert _both("!!(data.revenue(2025) > 1)", ent) == (False, False)
    assert _both("false && data.revenue(2025) > 1", ent) == (False, False)
    assert _both("!(false && data.revenue(2025) > 1)", ent) == (True, True)  # false && unknown is false
    assert _both("true || data.revenue(2025) > 1", ent) == (True, True)


def test_division_by_zero_is_unknown_and_literal_zero_refused(db):
    ent = f.enterprise()
    f.report(ent, 2025, revenue=0, rd_expense=5)
    f.report(ent, 2024, revenue=0)
    assert _both("data.rd_expense(2025) / data.revenue(2025) > 0", ent) == (False, False)
    assert _both("!(data.rd_expense(2025) / data.revenue(2025) > 0)", ent) == (False, False)
    assert _both("!(growth.revenue_yoy(2025) > 0)", ent) == (False, False)
    with pytest.raises(RuleError):
        parse_rule("data.revenue(2025) / 0 > 1")


def test_year_must_be_an_integer_constant():
    with pytest.raises(RuleError):
        parse_rule("data.revenue(2024 + 1) > 1")


def test_the_editor_help_states_each_deviation(client, officer, rd_clause):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    body = client.get(f"/policies/clauses/{rd_clause.pk}/rule/").content.decode()
    for text in [
        "1 == 1.0 为真",
        "10 / 7 == 1",
        "除以 0",
        "“!”（非）作用于“未知”结果仍为“未知”",
        "整数年度常量",
    ]:
        assert text in body, text
