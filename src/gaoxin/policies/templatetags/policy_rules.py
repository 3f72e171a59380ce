"""`{{ clause.rule|rule_sentences }}`: a stored eligibility rule as Chinese sentences."""

from django import template

from ..services.matching import rule_sentences as _rule_sentences

register = template.Library()


@register.filter
def rule_sentences(rule: str) -> list[str]:
    return _rule_sentences(rule or "")
