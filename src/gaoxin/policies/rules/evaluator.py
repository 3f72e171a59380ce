"""The Python evaluator: one enterprise, every condition explained with its actual values.

Three-valued like SQL: None is unknown; a comparison with unknown is unknown; !unknown is
unknown; `false && unknown` is false, `true || unknown` is true; unknown is not eligible.
Numbers are exact: arithmetic is on Fractions (a division never rounds), as the SQL side computes
with exact rational pairs (see exact.py); no float anywhere."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .ast import And, Arith, Call, Cmp, Cond, In, Lit, Neg, Not, Or, Ref, conjuncts
from .exact import fraction, round_to_fen, to_decimal
from .facts import Facts
from .variables import BOOL

_CMP = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass
class Check:
    text: str
    result: bool | None
    values: list[tuple[str, str, str]] = field(default_factory=list)  # (name, label, shown value)

    @property
    def verdict(self) -> str:
        return {True: "符合", False: "不符合", None: "数据缺失"}[self.result]


@dataclass
class Explanation:
    result: bool | None
    conditions: list[tuple[Check, list[Check]]]  # top-level condition and its leaf checks

    @property
    def eligible(self) -> bool:
        return self.result is True

    @property
    def failed(self) -> list[Check]:
        return [c for c, _ in self.conditions if c.result is not True]


def value(node, facts: Facts):
    """The value of a node: bool / Decimal / Fraction / str, or None when unknown."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Ref):
        var = node.var
        if var.source == "field":
            return facts.field(var.column)
        if var.source == "qualification":
            return var.column in facts.qualifications
        if var.source == "data":
            return facts.data(var.column, node.year)
        if var.source == "ip":
            return facts.ip_count(var.column, node.year)
        if var.source == "person":
            return facts.person(var.column, node.year)
        if var.source == "growth":
            cur, prev = facts.data(var.column, node.year), facts.data(var.column, node.year - 1)
            if cur is None or prev is None or prev == 0:
                return None
            return (fraction(cur) - fraction(prev)) / fraction(prev)
        raise ValueError(var.source)
    if isinstance(node, Not):
        x = value(node.x, facts)
        return None if x is None else not x
    if isinstance(node, And):
        vals = [value(i, facts) for i in node.items]
        if any(v is False for v in vals):
            return False
        return None if any(v is None for v in vals) else True
    if isinstance(node, Or):
        vals = [value(i, facts) for i in node.items]
        if any(v is True for v in vals):
            return True
        return None if any(v is None for v in vals) else False
    if isinstance(node, Cmp):
        left, right = value(node.left, facts), value(node.right, facts)
        if left is None or right is None:
            return None
        left, right = _align(left, right)
        return _CMP[node.op](left, right)
    if isinstance(node, In):
        left = value(node.left, facts)
        if left is None:
            return None
        return any(_CMP["=="](*_align(left, i.value)) for i in node.items)
    if isinstance(node, Arith):
        left, right = value(node.left, facts), value(node.right, facts)
        if left is None or right is None:
            return None
        a, b = fraction(left), fraction(right)
        if node.op == "/":
            return None if b == 0 else a / b
        return {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op](a, b)
    if isinstance(node, Neg):
        x = value(node.x, facts)
        return None if x is None else -fraction(x)
    if isinstance(node, Cond):
        test = value(node.test, facts)
        if test is None:
            return None
        return value(node.a if test else node.b, facts)
    if isinstance(node, Call):
        vals = [value(a, facts) for a in node.args]
        if any(v is None for v in vals):
            return None
        vals = [fraction(v) for v in vals]
        return min(vals) if node.name == "min" else max(vals)
    raise TypeError(node)


def _align(a, b):
    """Numbers compare exactly as Fractions (1 == 1.0); strings and booleans as they are."""
    if _is_number(a) and _is_number(b):
        return fraction(a), fraction(b)
    return a, b


def _is_number(v) -> bool:
    return isinstance(v, Decimal | Fraction | int) and not isinstance(v, bool)


def is_eligible(node, facts: Facts) -> bool:
    return value(node, facts) is True


def explain(node, facts: Facts) -> Explanation:
    conditions = []
    for cond in conjuncts(node):
        leaves = [_check(leaf, facts) for leaf in _leaves(cond)]
        conditions.append((_check(cond, facts), leaves))
    return Explanation(value(node, facts), conditions)


def _leaves(node):
    if isinstance(node, And | Or):
        for i in node.items:
            yield from _leaves(i)
    elif isinstance(node, Not):
        yield from _leaves(node.x)
    else:
        yield node


def _refs(node):
    if isinstance(node, Ref):
        yield node
    for attr in ("x", "left", "right", "test", "a", "b"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, str):
            yield from _refs(child)
    for attr in ("items", "args"):
        for child in getattr(node, attr, ()) or ():
            yield from _refs(child)


def _check(node, facts: Facts) -> Check:
    result = value(node, facts) if node.type == BOOL else None
    seen, shown = set(), []
    for ref in _refs(node):
        if str(ref) in seen:
            continue
        seen.add(str(ref))
        shown.append((str(ref), ref.var.label, display(value(ref, facts), ref)))
    return Check(str(node), result, shown)


def display(v, ref: Ref | None = None) -> str:
    if v is None:
        return "缺失"
    if isinstance(v, bool):
        return "是" if v else "否"
    if ref is not None and ref.var.choices and isinstance(v, str):
        return f"{dict(ref.var.choices).get(v, v)}（{v}）"
    if ref is not None and ref.var.source == "growth":
        return f"{to_decimal(fraction(v) * 100, 2):.2f}%"
    if isinstance(v, Fraction):
        v = to_decimal(v, 4) if v.denominator != 1 else Decimal(v.numerator)
    if isinstance(v, Decimal):
        return f"{v:,.2f}".rstrip("0").rstrip(".") if v != v.to_integral_value() else f"{v:,.0f}"
    return str(v)


CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e15")  # beyond any award; also keeps within DecimalField(18, 2)


def award_amount(formula, facts: Facts, cap: Decimal | None) -> Decimal | None:
    """The award in yuan, rounded half-up to the fen and capped; None when data are missing or ≤ 0."""
    v = value(formula, facts)
    if v is None:
        return None
    exact = fraction(v)
    if exact >= MAX_AMOUNT:
        return cap if cap is not None else None
    amount = round_to_fen(exact)
    if cap is not None and amount > cap:
        amount = cap
    return amount if amount > 0 else None
