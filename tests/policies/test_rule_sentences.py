"""Eligibility read back in plain Chinese: every variable and operator gives a sentence without rule
code or internal codes, and per enterprise the sentences' verdicts add up to the matcher's verdict."""

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.policies.rules import parse_rule
from gaoxin.policies.rules.ast import conjuncts
from gaoxin.policies.rules.compiler import compile_rule
from gaoxin.policies.rules.evaluator import is_eligible
from gaoxin.policies.rules.facts import enterprises_with_facts, facts_for, load_facts
from gaoxin.policies.rules.sentences import readings, sentences
from gaoxin.policies.rules.variables import BOOL, NUMBER, VARIABLES

from . import factories as f
from .test_rules_agree import ENTERPRISE, RULES, _build

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
ASCII_WORD = re.compile(r"[A-Za-z_]{2,}|[a-z]\.[a-z]|&&|\|\||==|!=|<=|>=")
NUMBER_OPS = ("==", "!=", "<", "<=", ">", ">=")
CHOICE_CODES = {code for v in VARIABLES.values() for code, _ in v.choices}


def _values(var):
    """Every value a rule may compare the variable with: each choice code, or a sample code."""
    if var.choices:
        return [code for code, _ in var.choices]
    return {
        "enterprise.scale_kind": ["industry", "trade", "services", "unknown"],
        "enterprise.industry_tier": ["1", "3", "5"],
        "enterprise.industry": ["ind1", "nowhere"],
        "enterprise.park": ["park1", "nowhere"],
        "enterprise.gbt_code": ["3911"],
    }[var.name]


def _ref(var):
    return f"{var.name}(2025)" if var.takes_year else var.name


def _cases():
    """Rule texts over every variable in the registry and every operator its type allows."""
    for var in VARIABLES.values():
        ref = _ref(var)
        if var.type == BOOL:
            yield var, [ref, f"!{ref}", f"{ref} == true", f"{ref} != false", f"!({ref} == false)"]
        elif var.type == NUMBER:
            texts = []
            for op in NUMBER_OPS:
                texts += [f"{ref} {op} 3", f"5000000 {op} {ref}", f"!({ref} {op} 0.1)"]
            texts += [f"{ref} in [1, 2]", f"!({ref} in [1])", f"{ref} * 2 > {ref} + 1"]
            yield var, texts
        else:
            values = _values(var)
            texts = []
            for v in values:
                texts += [f'{ref} == "{v}"', f'"{v}" != {ref}', f'!({ref} == "{v}")']
            items = ", ".join(f'"{v}"' for v in values)
            texts += [f"{ref} in [{items}]", f"!({ref} in [{items}])"]
            yield var, texts


def test_every_variable_and_operator_reads_as_chinese_without_codes():
    from gaoxin.enterprises.models import Industry, Park

    Industry.objects.create(code="ind1", name="新一代信息技术", tier="3")
    Park.objects.create(code="park1", name="南宁高新区总部园")
    count = 0
    for _var, texts in _cases():
        for text in texts:
            for rule in (text, f"({text}) || enterprise.listed", f"({text}) && data.revenue(2025) >= 1"):
                for line in sentences(parse_rule(rule)):
                    count += 1
                    assert not ASCII_WORD.search(line), (rule, line)
                    assert not any(re.search(rf"\b{re.escape(c)}\b", line) for c in CHOICE_CODES), (
                        rule,
                        line,
                    )
                    assert re.search(r"[\u4e00-\u9fff]", line), (rule, line)
            label_word = sentences(parse_rule(text))[0]
            assert "满足关于" in label_word or len(label_word) > 3
    assert count > 3 * len(VARIABLES) * 3


@pytest.mark.parametrize(
    "rule, expected",
    [
        ('enterprise.size in ["small", "micro", "medium"]', "企业规模为小型、微型或中型"),
        ("ip.invention_granted(2025) >= 1", "2025 年发明专利授权不少于 1 件"),
        ("enterprise.hte", "持有有效的高新技术企业资质"),
        ("!enterprise.hte", "未持有有效的高新技术企业资质"),
        ("!enterprise.listed", "不是上市企业"),
        ('enterprise.status == "operating"', "经营状态为存续"),
        ("data.revenue(2025) >= 20000000", "2025 年营业收入不少于 2000 万元"),
        ("data.employees(2024) < 300", "2024 年从业人员小于 300 人"),
        ("growth.revenue_yoy(2025) >= 0.1", "2025 年营业收入同比增长率不少于 10%"),
        ("enterprise.registered_year >= 2015", "成立年份不早于 2015 年"),
        ("1 <= ip.trademarks(2025)", "2025 年注册商标不少于 1 件"),
        ("!(data.profit(2025) > 0)", "2025 年利润总额不超过 0 元"),
        (
            'enterprise.hte || enterprise.size == "small"',
            "满足以下任一：持有有效的高新技术企业资质；或企业规模为小型",
        ),
        (
            "data.rd_expense(2025) / data.revenue(2025) >= 0.03",
            "满足关于2025 年研发经费支出、2025 年营业收入的计算条件",
        ),
    ],
)
def test_sentences_read_naturally(rule, expected):
    assert sentences(parse_rule(rule)) == [expected]


def test_one_sentence_per_top_level_condition():
    node = parse_rule(
        'enterprise.hte && (enterprise.listed || enterprise.above_scale) && enterprise.size != "large"'
    )
    assert sentences(node) == [
        "持有有效的高新技术企业资质",
        "满足以下任一：是上市企业；或是规上/限上企业",
        "企业规模不为大型",
    ]


def test_readings_show_the_enterprise_value_and_what_is_missing():
    ent = f.enterprise(size="micro")
    f.ip(ent, 2025, invention_granted=0)
    f.report(ent, 2025, revenue=15_000_000)
    node = parse_rule(
        'enterprise.size in ["small", "medium"] && ip.invention_granted(2025) >= 1'
        " && data.revenue(2025) >= 20000000 && data.employees(2025) >= 10 && !enterprise.hte"
    )
    size, patents, revenue, staff, hte = readings(
        node, facts_for(enterprises_with_facts().get(pk=ent.pk), AS_OF)
    )
    assert (size.text, size.result, size.values) == ("企业规模为小型或中型", False, [("企业规模", "微型")])
    assert (patents.result, patents.values, patents.hint) == (
        False,
        [("2025 年发明专利授权", "0 件")],
        "还差 1 件",
    )
    assert (revenue.result, revenue.hint) == (False, "还差 500 万元")
    assert revenue.values == [("2025 年营业收入", "1500 万元")]
    assert (staff.result, staff.values, staff.verdict) == (None, [("2025 年从业人员", "未填报")], "数据缺失")
    assert staff.hint == "缺少数据：2025 年从业人员"
    assert (hte.result, hte.values, hte.verdict) == (True, [("高新技术企业", "否")], "符合")


def test_an_upper_limit_says_how_much_is_over():
    ent = f.enterprise()
    f.report(ent, 2025, employees=320)
    (r,) = readings(parse_rule("data.employees(2025) <= 300"), facts_for(ent, AS_OF))
    assert (r.result, r.hint) == (False, "超出 20 人")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=RULES, population=st.lists(ENTERPRISE, min_size=1, max_size=4))
def test_the_sentences_verdicts_add_up_to_the_matchers(db, rule, population):
    from django.db import transaction

    node = parse_rule(rule)
    try:
        with transaction.atomic():
            ents = [_build(spec) for spec in population]
            facts = load_facts(enterprises_with_facts().filter(pk__in=[e.pk for e in ents]), AS_OF)
            matched = set(
                compile_rule(node, AS_OF).queryset(enterprises_with_facts()).values_list("pk", flat=True)
            )
            for ent in ents:
                rs = readings(node, facts[ent.pk])
                assert len(rs) == len(conjuncts(node))
                together = all(r.result is True for r in rs)
                assert together == is_eligible(node, facts[ent.pk]) == (ent.pk in matched), rule
            raise _Undo
    except _Undo:
        pass


class _Undo(Exception):
    pass


CODE_ON_PAGE = re.compile(r"enterprise\.|data\.|growth\.|ip\.|&amp;&amp;|&&")


def test_enterprise_pages_show_sentences_and_no_rule_code(client, hte_user, rd_clause):
    from tests.conftest import DEFAULT_PASSWORD

    client.login(username="ent", password=DEFAULT_PASSWORD)
    for url in (
        "/policies/mine/",
        f"/policies/clauses/{rd_clause.pk}/",
        f"/policies/p/{rd_clause.policy_id}/",
    ):
        body = client.get(url).content.decode()
        assert "持有有效的高新技术企业资质" in body, url
        assert "2025 年研发经费支出不少于 100 万元" in body, url
        assert not CODE_ON_PAGE.search(body), (url, CODE_ON_PAGE.search(body))
    body = client.get("/policies/mine/").content.decode()
    assert "2025 年研发经费支出：<strong>200 万元</strong>" in body
    assert "2025 年营业收入同比增长率：<strong>33.33%</strong>" in body


def test_officers_see_the_sentences_and_the_rule_code_under_advanced(client, officer, rd_clause):
    from tests.conftest import DEFAULT_PASSWORD

    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    body = client.get(f"/policies/clauses/{rd_clause.pk}/").content.decode()
    assert '<ul class="rule-sentences" id="clause-rule"><li>持有有效的高新技术企业资质</li>' in body
    advanced = body.split('<details class="advanced">')[1].split("</details>")[0]
    assert "enterprise.hte &amp;&amp; data.rd_expense(2025)" in advanced
    assert "enterprise." not in body.split('<details class="advanced">')[0]


def test_the_rule_preview_reads_the_rule_back_and_names_near_misses_in_sentences(client, officer, hte_firm):
    from tests.conftest import DEFAULT_PASSWORD

    f.enterprise("差一点科技有限公司", size="small")
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    r = client.post(
        "/policies/rules/preview/",
        {"rule": 'enterprise.hte && enterprise.size == "small"'},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert (
        '<ol class="rule-sentences" id="rule-sentences"><li>持有有效的高新技术企业资质</li><li>企业规模为小型</li></ol>'
        in body
    )
    near = body.split('id="near-misses"')[1]
    assert "差一点科技有限公司</td><td>持有有效的高新技术企业资质</td>" in near


def test_the_builder_offers_every_variable_by_its_chinese_label_grouped(client, officer, rd_clause):
    from tests.conftest import DEFAULT_PASSWORD

    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    body = client.get(f"/policies/clauses/{rd_clause.pk}/rule/").content.decode()
    picker = body.split('name="var0"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', picker)
    assert {name for name, _ in options if name} == set(VARIABLES)
    for name, label in options:
        assert not ASCII_WORD.search(label), (name, label)
    assert '<optgroup label="资质"><option value="enterprise.hte"' in picker
    assert '<option value="ip.invention_granted">发明专利授权（件），按年度</option>' in picker
    body = client.post("/policies/rules/builder/", {"var0": "ip.invention_granted"}).content.decode()
    years = body.split('name="year0"')[1].split("</select>")[0]
    assert re.search(r'<option value="\d{4}" selected>上一年度（\d{4} 年）</option>', years)
