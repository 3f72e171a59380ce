"""The compiler: a rule tree → one parameterised ORM query over the whole zone.

Every condition compiles to a pair (T, F) of Q objects — "certainly true" and "certainly false" —
built only from positive comparisons, so SQL's NULL handling gives three-valued logic directly:
NOT a = (F(a), T(a)); a AND b = (T(a) & T(b), F(a) | F(b)); a OR b = (T(a) | T(b), F(a) & F(b)).
A row is eligible when T holds. Each variable becomes one alias (a column, a join, an EXISTS on
valid qualifications, or a correlated subquery on reports / IP), so the whole rule is one SELECT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import DecimalField as DecimalF
from django.db.models.functions import Cast, NullIf
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.db.models.lookups import In as InLookup

from gaoxin.enterprises.models import Enterprise, IntellectualProperty

from .ast import And, Arith, Cmp, In, Lit, Neg, Not, Or, Ref, conjuncts
from .facts import reported_reports, valid_qualifications
from .variables import BOOL, NUMBER

ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__isnull=True)
_NUM = DecimalF(max_digits=30, decimal_places=6)


class _Compiler:
    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        self.aliases: dict[str, object] = {}
        self.names: dict[str, str] = {}

    # values ---------------------------------------------------------------------------------
    def ref(self, node: Ref):
        key = str(node)
        if key not in self.names:
            name = f"r{len(self.names)}"
            self.names[key] = name
            self.aliases[name] = self._ref_expression(node)
        return F(self.names[key])

    def _ref_expression(self, node: Ref):
        var = node.var
        if var.source == "field":
            if var.column == "registered_on__year":
                from django.db.models.functions import ExtractYear

                return ExtractYear("registered_on")
            return F(var.column)
        if var.source == "qualification":
            return Exists(valid_qualifications(self.as_of).filter(enterprise=OuterRef("pk"), kind=var.column))
        if var.source == "data":
            return self._data(var.column, node.year)
        if var.source == "ip":
            rows = IntellectualProperty.objects.filter(enterprise=OuterRef("pk"), year=node.year)
            return Subquery(rows.values(var.column)[:1])
        if var.source == "growth":
            cur, prev = self._data(var.column, node.year), self._data(var.column, node.year - 1)
            return ExpressionWrapper(
                Cast(ExpressionWrapper(cur - prev, output_field=_NUM), FloatField())
                / NullIf(Cast(prev, FloatField()), Value(0.0)),
                output_field=FloatField(),
            )
        raise ValueError(var.source)

    def _data(self, column: str, year: int):
        rows = reported_reports().filter(enterprise=OuterRef("pk"), year=year).order_by("month")
        return Subquery(rows.values(column)[:1])

    def value(self, node):
        if isinstance(node, Lit):
            return _literal(node)
        if isinstance(node, Ref):
            return self.ref(node)
        if isinstance(node, Neg):
            return ExpressionWrapper(self.value(node.x) * Value(-1), output_field=_NUM)
        if isinstance(node, Arith):
            left, right = self.value(node.left), self.value(node.right)
            if node.op == "/":
                return ExpressionWrapper(
                    Cast(left, FloatField()) / NullIf(Cast(right, FloatField()), Value(0.0)),
                    output_field=FloatField(),
                )
            combined = {"+": left + right, "-": left - right, "*": left * right}[node.op]
            return ExpressionWrapper(combined, output_field=_NUM)
        raise TypeError(f"not a value: {node}")

    # conditions -----------------------------------------------------------------------------
    def cond(self, node) -> tuple[Q, Q]:
        if isinstance(node, Lit):
            return (ALWAYS, NEVER) if node.value else (NEVER, ALWAYS)
        if isinstance(node, Ref):
            expr = self.ref(node)
            return Q(Exact(expr, True)), Q(Exact(expr, False))
        if isinstance(node, Not):
            t, f = self.cond(node.x)
            return f, t
        if isinstance(node, And | Or):
            pairs = [self.cond(i) for i in node.items]
            t, f = pairs[0]
            for pt, pf in pairs[1:]:
                if isinstance(node, And):
                    t, f = t & pt, f | pf
                else:
                    t, f = t | pt, f & pf
            return t, f
        if isinstance(node, Cmp):
            if node.left.type == BOOL:
                lt, lf = self.cond(node.left)
                rt, rf = self.cond(node.right)
                same, differ = (lt & rt) | (lf & rf), (lt & rf) | (lf & rt)
                return (same, differ) if node.op == "==" else (differ, same)
            left, right = self.value(node.left), self.value(node.right)
            return Q(_lookup(node.op, left, right)), Q(_lookup(_NEGATED[node.op], left, right))
        if isinstance(node, In):
            left = self.value(node.left)
            items = [_literal(i) for i in node.items]
            t = Q(InLookup(left, items))
            # NOT IN without Django's negation (which would add its own NULL handling)
            f = ALWAYS
            for item in items:
                f &= Q(_lookup("!=", left, item))
            return t, f
        raise TypeError(f"not a condition: {node}")


_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _lookup(op: str, left, right):
    cls = {
        "==": Exact,
        "!=": _NotEqual,
        "<": LessThan,
        "<=": LessThanOrEqual,
        ">": GreaterThan,
        ">=": GreaterThanOrEqual,
    }[op]
    return cls(left, right)


class _NotEqual(Lookup):
    """a <> b as a plain comparison (NULL stays unknown; Django's negation would add NULL checks)."""

    lookup_name = "rule_ne"

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} <> {rhs_sql}", (*lhs_params, *rhs_params)


def _literal(node: Lit):
    if node.type == NUMBER:
        v: Decimal = node.value
        if v == v.to_integral_value():
            return Value(int(v), output_field=IntegerField())
        if connection.vendor == "sqlite":
            # SQLite binds Decimal as text, which never compares equal to a number
            return Value(float(v), output_field=FloatField())
        return Value(v, output_field=_NUM)
    return Value(node.value)


class CompiledRule:
    def __init__(self, node, as_of: dt.date):
        self.node = node
        self.as_of = as_of
        self._c = _Compiler(as_of)
        self.true, self.false = self._c.cond(node)
        self.parts = [self._c.cond(c)[0] for c in conjuncts(node)]

    def queryset(self, base=None):
        base = Enterprise.objects.all() if base is None else base
        return base.alias(**self._c.aliases).filter(self.true)

    def near_misses(self, base=None):
        """Enterprises failing exactly one top-level condition; `missed` is its index."""
        base = Enterprise.objects.all() if base is None else base
        if len(self.parts) < 2:
            return base.none().annotate(missed=Value(0))
        flags = {
            f"c{i}": Case(When(part, then=Value(1)), default=Value(0)) for i, part in enumerate(self.parts)
        }
        total = sum((F(k) for k in flags), Value(0))
        missed = Case(
            *[When(**{f"c{i}": 0}, then=Value(i)) for i in range(len(self.parts))], default=Value(-1)
        )
        return (
            base.alias(**self._c.aliases)
            .annotate(**flags)
            .annotate(passed=total)
            .filter(passed=len(self.parts) - 1)
            .annotate(missed=missed)
        )


def compile_rule(node, as_of: dt.date) -> CompiledRule:
    return CompiledRule(node, as_of)
