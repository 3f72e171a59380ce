"""The rule builder: rows picked by Chinese labels give a checked rule that matches exactly the
enterprises the evaluator accepts; a rule the rows can express re-opens as rows; bad rows are
refused at the row with a 400 and nothing is saved."""

import pytest

from gaoxin.core import clock
from gaoxin.policies.models import Clause
from gaoxin.policies.rules import RuleError, parse_rule
from gaoxin.policies.rules.builder import Row, build, rows_of
from gaoxin.policies.rules.evaluator import is_eligible
from gaoxin.policies.rules.facts import enterprises_with_facts, load_facts
from gaoxin.policies.rules.variables import BOOL, NUMBER, VARIABLES
from gaoxin.policies.services import catalogue, matching
from tests.conftest import DEFAULT_PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db
LAST = clock.today().year - 1


def _evaluator_count(rule: str) -> int:
    node = parse_rule(rule)
    ents = list(enterprises_with_facts().filter(status="operating"))
    facts = load_facts(ents, clock.today())
    return sum(is_eligible(node, facts[e.pk]) for e in ents)


@pytest.fixture
def firms(db):
    small = f.enterprise("小而强科技有限公司", size="small")
    f.report(small, LAST, revenue=6_000_000)
    micro = f.enterprise("微型差一点有限公司", size="micro")
    f.report(micro, LAST, revenue=4_800_000)
    big = f.enterprise("大型制造有限公司", size="large")
    f.report(big, LAST, revenue=900_000_000)
    return small, micro, big


def _row_for(var):
    year = str(LAST) if var.takes_year else ""
    if var.type == BOOL:
        return Row(var.name, "is_true", year=year)
    if var.choices:
        return Row(var.name, "in", values=(var.choices[0][0],), year=year)
    if var.type == NUMBER:
        return Row(var.name, ">=", "1", year=year)
    return Row(var.name, "==", "x1", year=year)


def test_every_variable_builds_a_checked_rule_that_reopens_as_the_same_rows(firms):
    for var in VARIABLES.values():
        rule = build([_row_for(var)])
        assert str(parse_rule(rule)) == rule, var.name
        rows, join = rows_of(rule)
        assert build(rows, join) == rule, var.name


def test_small_or_micro_with_revenue_of_500_wan_counts_as_the_evaluator_does(firms):
    rows = [
        Row("enterprise.size", "in", values=("small", "micro")),
        Row("data.revenue", ">=", "500", year=str(LAST), scale="万元"),
    ]
    rule = build(rows)
    assert rule == f'enterprise.size in ["small", "micro"] && data.revenue({LAST}) >= 5000000'
    preview = matching.preview(rule)
    assert preview.count == _evaluator_count(rule) == 1
    assert [e.name for e, _i in preview.misses] == ["微型差一点有限公司", "大型制造有限公司"]
    rows_back, join = rows_of(rule)
    assert (rows_back[1].value, rows_back[1].scale, join) == ("500", "万元", "all")
    any_rule = build(rows, "any")
    assert matching.preview(any_rule).count == _evaluator_count(any_rule) == 3


def test_growth_is_typed_in_percent_and_not_in_is_a_negation(firms):
    rule = build(
        [
            Row("growth.revenue_yoy", ">=", "10", year=str(LAST), scale="%"),
            Row("enterprise.size", "not_in", values=("large",)),
        ]
    )
    assert rule == f'growth.revenue_yoy({LAST}) >= 0.1 && !(enterprise.size in ["large"])'
    assert rows_of(rule)[0][0].value == "10"
    typed = build([Row("growth.revenue_yoy", ">=", "10", year=str(LAST))])  # the row shows “数值（%）”
    assert typed == f"growth.revenue_yoy({LAST}) >= 0.1"


def test_bad_rows_have_chinese_messages():
    with pytest.raises(RuleError, match="“5百万”不是数字"):
        build([Row("data.revenue", ">=", "5百万", year="2025")])
    with pytest.raises(RuleError, match="请勾选“企业规模”的取值"):
        build([Row("enterprise.size", "in")])
    with pytest.raises(RuleError, match="请至少添加一个条件"):
        build([Row("")])


def test_a_rule_the_rows_cannot_express_stays_as_code():
    assert rows_of("data.revenue(2025) / data.employees(2025) >= 100000") is None
    assert rows_of("enterprise.hte || (enterprise.listed && enterprise.top500_branch)") is None


def _login(client, officer):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)


def test_the_editor_reopens_the_rule_as_rows(client, officer, rd_clause):
    _login(client, officer)
    body = client.get(f"/policies/clauses/{rd_clause.pk}/rule/").content.decode()
    assert '<option value="enterprise.hte" selected>' in body
    assert '<option value="data.rd_expense" selected>' in body
    assert 'name="val1" value="100"' in body and '<option value="万元" selected>' in body
    assert '<option value="&gt;=" selected>不少于</option>' in body


def test_a_complex_rule_shows_sentences_and_the_code_under_advanced(client, officer, rd_clause):
    Clause.objects.filter(pk=rd_clause.pk).update(rule="data.revenue(2025) / data.employees(2025) >= 100000")
    _login(client, officer)
    body = client.get(f"/policies/clauses/{rd_clause.pk}/rule/").content.decode()
    assert 'name="var0"' not in body and "不能用条件表单编辑" in body
    assert '<details class="advanced" open>' in body and 'id="rule-sentences"' in body


def test_without_javascript_build_shows_the_count_and_does_not_save(client, officer, rd_clause, firms):
    _login(client, officer)
    data = {
        "var0": "enterprise.size",
        "op0": "in",
        "vals0": ["small", "micro"],
        "var1": "data.revenue",
        "op1": ">=",
        "val1": "500",
        "scale1": "万元",
        "year1": str(LAST),
        "join": "all",
        "formula": "100000",
        "action": "build",
    }
    r = client.post(f"/policies/clauses/{rd_clause.pk}/rule/", data)
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="match-count">1<' in body and "企业规模为小型或微型" in body
    assert "微型差一点有限公司" in body.split('id="near-misses"')[1] and "480 万元" in body
    rd_clause.refresh_from_db()
    assert rd_clause.rule.startswith("enterprise.hte")
    r = client.post(f"/policies/clauses/{rd_clause.pk}/rule/", {**data, "action": "save"})
    assert r.status_code == 302
    rd_clause.refresh_from_db()
    assert rd_clause.rule == f'enterprise.size in ["small", "micro"] && data.revenue({LAST}) >= 5000000'


def test_a_bad_value_is_refused_at_its_row_and_not_saved(client, officer, rd_clause):
    _login(client, officer)
    before = rd_clause.rule
    data = {
        "var0": "data.revenue",
        "op0": ">=",
        "val0": "五百",
        "year0": "2025",
        "formula": "1",
        "action": "save",
    }
    r = client.post(f"/policies/clauses/{rd_clause.pk}/rule/", data)
    assert r.status_code == 400
    assert 'id="err0">“五百”不是数字' in r.content.decode()
    r = client.post(
        f"/policies/clauses/{rd_clause.pk}/rule/", {"var0": "enterprise.size", "op0": "in", "action": "save"}
    )
    assert r.status_code == 400 and "请勾选“企业规模”的取值" in r.content.decode()
    rd_clause.refresh_from_db()
    assert rd_clause.rule == before


def test_rows_are_added_and_removed(client, officer):
    _login(client, officer)
    r = client.post("/policies/rules/builder/", {"var0": "enterprise.hte", "op0": "is_true", "action": "add"})
    body = r.content.decode()
    assert 'name="var1"' in body and 'name="var2"' not in body
    r = client.post(
        "/policies/rules/builder/",
        {"var0": "enterprise.hte", "op0": "is_true", "var1": "enterprise.listed", "action": "remove0"},
    )
    body = r.content.decode()
    assert '<option value="enterprise.listed" selected>' in body and 'name="var1"' not in body


def test_the_batch_result_says_what_happens_next_and_links_there(
    client, officer, rd_clause, hte_firm, django_capture_on_commit_callbacks
):
    _login(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/policies/clauses/{rd_clause.pk}/batch/")
    assert r.status_code == 302 and f"/policies/clauses/{rd_clause.pk}/batch/?run=" in r["Location"]
    body = client.get(r["Location"]).content.decode()
    step = body.split('id="next-step"')[1]
    assert "已生成 1 条待审核奖励，下一步：到 奖励审核 逐条核定" in step
    assert f'href="/policies/awards/?clause={rd_clause.pk}&amp;state=draft"' in step
    awards = client.get(f"/policies/awards/?clause={rd_clause.pk}&state=draft")
    assert awards.status_code == 200 and hte_firm.name in awards.content.decode()
    assert client.get(f"/policies/clauses/{rd_clause.pk}/batch/?run=x").status_code == 404


def test_a_batch_run_is_shown_only_under_its_own_clause(
    client, officer, policy, rd_clause, django_capture_on_commit_callbacks
):
    other = catalogue.clause_create(
        actor=officer, policy=policy, code="other", title="另一条款", period=2026, rule="enterprise.hte"
    )
    _login(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/policies/clauses/{rd_clause.pk}/batch/")
    run = r["Location"].split("?run=")[1]
    assert client.get(f"/policies/clauses/{rd_clause.pk}/batch/?run={run}").status_code == 200
    assert client.get(f"/policies/clauses/{other.pk}/batch/?run={run}").status_code == 404
