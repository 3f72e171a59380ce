"""Matching both ways: a clause's eligible enterprises and near misses (政策找企业), an enterprise's
eligible clauses with explanations and estimated amounts (企业找政策), and notices to the newly eligible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import DataError, transaction
from django.utils.translation import gettext as _

from gaoxin.core import clock
from gaoxin.enterprises.models import Enterprise

from ..beneficiaries import person_facts
from ..models import Clause, Notification, Policy
from ..rules import RuleError, parse_formula, parse_rule
from ..rules.ast import conjuncts
from ..rules.compiler import compile_rule
from ..rules.evaluator import Explanation, award_amount, explain
from ..rules.facts import Facts, PersonFacts, enterprises_with_facts, facts_for, load_facts
from ..rules.sentences import Reading, readings, sentences


def operating():
    return Enterprise.objects.filter(status=Enterprise.Status.OPERATING)


@dataclass
class Preview:
    count: int
    sample: list
    misses: list  # (enterprise, index of the one condition it fails)
    near_miss_count: int
    conditions: list[str]  # the top-level conditions as rule text
    sentences: list[str]  # the same conditions read as sentences

    @property
    def near_misses(self) -> list:
        """(enterprise, the failed condition as a sentence), for people."""
        return [(e, self.sentences[i]) for e, i in self.misses]

    @property
    def near_miss_rules(self) -> list:
        """(enterprise, the failed condition as rule text), for the API."""
        return [(e, self.conditions[i]) for e, i in self.misses]


def preview(rule: str, *, as_of: dt.date | None = None, limit: int = 10) -> Preview:
    """The match count and near misses of a rule text (raises RuleError on a bad rule)."""
    node = parse_rule(rule)
    compiled = compile_rule(node, as_of or clock.today())
    matches = compiled.queryset(operating()).order_by("pk")
    misses = compiled.near_misses(operating()).order_by("pk")
    try:
        with transaction.atomic():
            return Preview(
                count=matches.count(),
                sample=list(matches[:limit]),
                misses=[(e, e.missed) for e in misses[:limit]],
                near_miss_count=misses.count(),
                conditions=[str(c) for c in conjuncts(node)],
                sentences=sentences(node),
            )
    except DataError:  # e.g. a product beyond double precision
        raise RuleError("计算结果超出数值范围，请检查表达式") from None


def clause_matches(clause: Clause, *, as_of: dt.date | None = None):
    if clause.pays_persons:
        return operating().none()  # no enterprise is the beneficiary of a person clause
    return compile_rule(parse_rule(clause.rule), as_of or clock.today()).queryset(operating())


@dataclass
class Offer:
    clause: Clause
    explanation: Explanation
    amount: Decimal | None
    readings: list[Reading]

    @property
    def eligible(self) -> bool:
        return self.explanation.eligible


def offers_for(
    enterprise: Enterprise, *, as_of: dt.date | None = None, eligible_only: bool = False
) -> list[Offer]:
    """Every published clause evaluated for one enterprise, eligible ones first."""
    as_of = as_of or clock.today()
    facts = facts_for(enterprises_with_facts().get(pk=enterprise.pk), as_of)
    out = []
    clauses = Clause.objects.filter(
        policy__status=Policy.Status.PUBLISHED,
        state=Clause.State.PUBLISHED,
        beneficiary=Clause.Beneficiary.ENTERPRISE,  # person clauses pay talents, not their employers
    ).select_related("policy")
    for clause in clauses:
        item = offer(clause, facts)
        if item.eligible or not eligible_only:
            out.append(item)
    out.sort(key=lambda o: (not o.eligible, len(o.explanation.failed), o.clause.code))
    return out


def offer_for(enterprise: Enterprise, clause: Clause, *, as_of: dt.date | None = None) -> Offer:
    facts = facts_for(enterprises_with_facts().get(pk=enterprise.pk), as_of or clock.today())
    return offer(clause, facts)


def offer(clause: Clause, facts: Facts) -> Offer:
    node = parse_rule(clause.rule)
    explanation = explain(node, facts)
    amount = (
        award_amount(parse_formula(clause.formula), facts, clause.award_cap) if explanation.eligible else None
    )
    return Offer(clause, explanation, amount, readings(node, facts))


def eligible_persons(clause: Clause, as_of: dt.date) -> list[tuple[PersonFacts, Explanation]]:
    """The persons a person clause finds eligible on a day, each with the explanation of the rule."""
    node = parse_rule(clause.rule, person=True)
    out = []
    for facts in person_facts(as_of):
        explanation = explain(node, facts)
        if explanation.eligible:
            out.append((facts, explanation))
    return out


def rule_sentences(rule: str) -> list[str]:
    """A stored rule as sentences for reading (a rule that no longer parses says so in words). Read
    in the persons' scope, a superset of the enterprises', so a person clause's rule reads too."""
    try:
        return sentences(parse_rule(rule, person=True))
    except RuleError:
        return [_("（规则有误，请政策管理员修改）")]


def estimate(clause: Clause, enterprises, as_of: dt.date) -> dict[int, Decimal | None]:
    formula = parse_formula(clause.formula)
    facts = load_facts(enterprises, as_of)
    return {pk: award_amount(formula, f, clause.award_cap) for pk, f in facts.items()}


@transaction.atomic
def notify_newly_eligible(*, clause: Clause, as_of: dt.date | None = None) -> int:
    from .catalogue import require_published

    require_published(clause)
    """One in-app notice per newly eligible enterprise (the unique constraint makes reruns quiet)."""
    ids = list(clause_matches(clause, as_of=as_of).values_list("pk", flat=True))
    notices = [
        Notification(
            enterprise_id=pk,
            clause=clause,
            kind="eligible",
            message=f"贵企业符合“{clause.policy.title}”中“{clause.title}”的条件（{clause.get_mode_display()}）",
        )
        for pk in ids
    ]
    before = Notification.objects.filter(clause=clause, kind="eligible").count()
    Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
    return Notification.objects.filter(clause=clause, kind="eligible").count() - before
