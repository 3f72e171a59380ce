"""Eligibility rules and award formulas in CEL: one parse (cel-python's Lark tree → our nodes), one
type check against the variable registry, and two evaluators that must agree — `compiler` (one ORM
query for the whole zone) and `evaluator` (one enterprise, every condition explained)."""

from .ast import RuleError, parse_formula, parse_rule

__all__ = ["RuleError", "parse_formula", "parse_rule"]
