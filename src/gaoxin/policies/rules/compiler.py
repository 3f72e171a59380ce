"""The compiler: a rule tree → one parameterised ORM query over the whole zone.

Every condition compiles to a pair (T, F) of Q objects — "certainly true" and "certainly false" —
built only from positive comparisons, so SQL's NULL handling gives three-valued logic directly:
NOT a = (F(a), T(a)); a AND b = (T(a) & T(b), F(a) | F(b)); a OR b = (T(a) | T(b), F(a) & F(b)).
A row is eligible when T holds. Each variable becomes one alias (a column, a join, an EXISTS on
valid qualifications, or a correlated subquery on reports / IP), so the whole rule is one SELECT.

Numbers are exact (see exact.py): each numeric value is a pair (numerator, denominator > 0) of
exact decimals, a division only builds a pair, and a comparison is cross-multiplied, so the SQL
path decides exactly as the Python evaluator does, on PostgreSQL and on SQLite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    Lookup,
    Q,
    Value,
    When,
)
from django.db.models import DecimalField as DecimalF
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.db.models.lookups import In as InLookup

from gaoxin.enterprises.models import Enterprise, Report

from .ast import And, Arith, Cmp, In, Lit, Neg, Not, Or, Ref, RuleError, conjuncts
from .facts import ANNUAL, DECEMBER, valid_qualifications
from .variables import BOOL, NUMBER

ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__isnull=True)
_NUM = DecimalF(max_digits=30, decimal_places=6)


class _Compiler:
    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        self.aliases: dict[str, object] = {}
        self.names: dict[str, object] = {}

    # values ---------------------------------------------------------------------------------
    def ref(self, node: Ref):
        """The variable's expression, inlined where used (the joins it needs are registered once)."""
        key = str(node)
        if key not in self.names:
            self.names[key] = self._ref_expression(node)
        return self.names[key]

    def _ref_expression(self, node: Ref):
        var = node.var
        if var.source == "field":
            if var.column == "registered_on__year":
                from django.db.models.functions import ExtractYear

                return ExtractYear("registered_on")
            return F(var.column)
        if var.source == "qualification":
            t, _ = self._qualified(var.column)
            return Case(When(t, then=Value(True)), default=Value(False), output_field=BooleanField())
        if var.source == "data":
            return self._data(var.column, node.year)
        if var.source == "ip":
            ip = self._join(f"ip{node.year}", "ip_years", Q(ip_years__year=node.year))
            return F(f"{ip}__{var.column}")
        if var.source == "growth":
            cur, prev = (
                _exact(self._data(var.column, node.year)),
                _exact(self._data(var.column, node.year - 1)),
            )
            return _div(_sub(cur, prev), prev)
        if var.source == "person":  # person clauses run on the Python evaluator (policies.beneficiaries)
            raise RuleError(f"“{var.name}”是人才（个人）的变量，不能用于企业的匹配查询")
        raise ValueError(var.source)

    def _join(self, key: str, relation: str, condition: Q) -> str:
        """One LEFT JOIN per (table, year, kind), shared by every column read from it."""
        if key not in self.aliases:
            self.aliases[key] = FilteredRelation(relation, condition=condition)
        return key

    def _data(self, column: str, year: int):
        accepted = {"reports__state": Report.State.ACCEPTED, "reports__year": year}
        annual = self._join(f"rep{year}a", "reports", Q(**accepted, reports__month=ANNUAL))
        december = self._join(f"rep{year}d", "reports", Q(**accepted, reports__month=DECEMBER))
        field = Report._meta.get_field(column)
        return Case(
            When(**{f"{annual}__id__isnull": False}, then=F(f"{annual}__{column}")),
            default=F(f"{december}__{column}"),
            output_field=field.__class__(
                **({"max_digits": 18, "decimal_places": 2} if isinstance(field, DecimalF) else {})
            ),
        )

    def _qualified(self, kind: str) -> tuple[Q, Q]:
        """Holding a valid qualification, as an uncorrelated IN (a hashed subplan, also inside OR)."""
        holders = valid_qualifications(self.as_of).filter(kind=kind).values("enterprise_id")
        return Q(pk__in=holders), ~Q(pk__in=holders)

    def value(self, node) -> _Pair:
        """A numeric node as an exact rational pair (numerator, denominator > 0)."""
        if isinstance(node, Lit):
            return _Pair(_literal(node))
        if isinstance(node, Ref):
            if node.var.source == "growth":
                return self.ref(node)
            return _exact(self.ref(node))
        if isinstance(node, Neg):
            x = self.value(node.x)
            return _Pair(_Bin("-", Value(0), x.num), x.den)
        if isinstance(node, Arith):
            left, right = self.value(node.left), self.value(node.right)
            return {"+": _add, "-": _sub, "*": _mul, "/": _div}[node.op](left, right)
        raise TypeError(f"not a value: {node}")

    def _plain(self, node):
        """A string or boolean value, compared as it is."""
        if isinstance(node, Lit):
            return _literal(node)
        if isinstance(node, Ref):
            return self.ref(node)
        raise TypeError(f"not a value: {node}")

    # conditions -----------------------------------------------------------------------------
    def cond(self, node) -> tuple[Q, Q]:
        if isinstance(node, Lit):
            return (ALWAYS, NEVER) if node.value else (NEVER, ALWAYS)
        if isinstance(node, Ref):
            if node.var.source == "qualification":
                return self._qualified(node.var.column)
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
            if node.left.type == NUMBER:
                a, b = self.value(node.left), self.value(node.right)
                return Q(_compare(node.op, a, b)), Q(_compare(_NEGATED[node.op], a, b))
            left, right = self._plain(node.left), self._plain(node.right)
            return Q(_lookup(node.op, left, right)), Q(_lookup(_NEGATED[node.op], left, right))
        if isinstance(node, In) and node.left.type == NUMBER:
            a = self.value(node.left)
            t, f = NEVER, ALWAYS
            for item in node.items:
                b = _Pair(_literal(item))
                t |= Q(_compare("==", a, b))
                f &= Q(_compare("!=", a, b))
            return t, f
        if isinstance(node, In):
            left = self._plain(node.left)
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
        if connection.vendor == "sqlite":
            # exact decimal text, read by the gx_* functions (a float would round)
            return Value(str(v))
        return Value(v, output_field=_NUM)
    return Value(node.value)


# exact rational arithmetic in SQL (see exact.py) ---------------------------------------------
class _Pair:
    """numerator / denominator; den None means 1. The denominator is always positive."""

    __slots__ = ("num", "den")

    def __init__(self, num, den=None):
        self.num, self.den = num, den


class _Exact(Func):
    """A column's value as an exact number: numeric on PostgreSQL, decimal text on SQLite."""

    output_field = _NUM

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS numeric)", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="gx_num", **extra)


def _exact(expr) -> _Pair:
    return _Pair(_Exact(expr))


_SQLITE_OPS = {"+": "gx_add", "-": "gx_sub", "*": "gx_mul"}


class _Bin(Func):
    output_field = _NUM

    def __init__(self, op: str, a, b):
        super().__init__(a, b)
        self.op = op

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=f" {self.op} ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=_SQLITE_OPS[self.op], **extra)


class _Compare(Func):
    """a <op> b, exactly; NULL when either side is unknown."""

    output_field = BooleanField()

    def __init__(self, op: str, a, b):
        super().__init__(a, b)
        self.op = op

    def as_sql(self, compiler, connection, **extra):
        op = "<>" if self.op == "!=" else ("=" if self.op == "==" else self.op)
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=f" {op} ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        op = "<>" if self.op == "!=" else ("=" if self.op == "==" else self.op)
        return super().as_sql(compiler, connection, template=f"(gx_cmp(%(expressions)s) {op} 0)", **extra)


def _times(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return _Bin("*", a, b)


def _add(a: _Pair, b: _Pair, op: str = "+") -> _Pair:
    if a.den is None and b.den is None:
        return _Pair(_Bin(op, a.num, b.num))
    return _Pair(_Bin(op, _times(a.num, b.den), _times(b.num, a.den)), _times(a.den, b.den))


def _sub(a: _Pair, b: _Pair) -> _Pair:
    return _add(a, b, "-")


def _mul(a: _Pair, b: _Pair) -> _Pair:
    return _Pair(_Bin("*", a.num, b.num), _times(a.den, b.den))


def _div(a: _Pair, b: _Pair) -> _Pair:
    """a / b; unknown when b is 0 (as in the Python evaluator)."""
    num, den = _times(a.num, b.den), _times(a.den, b.num)
    positive, negative = _Compare(">", b.num, Value(0)), _Compare("<", b.num, Value(0))

    def signed(x):
        return Case(
            When(positive, then=x),
            When(negative, then=_Bin("-", Value(0), x)),
            default=Value(None),
            output_field=_NUM,
        )

    return _Pair(signed(num), signed(den))


def _compare(op: str, a: _Pair, b: _Pair) -> _Compare:
    return _Compare(op, _times(a.num, b.den), _times(b.num, a.den))


class CompiledRule:
    def __init__(self, node, as_of: dt.date):
        self.node = node
        self.as_of = as_of
        self._c = _Compiler(as_of)
        self.true, self.false = self._c.cond(node)
        self.parts = [self._c.cond(c)[0] for c in conjuncts(node)]

    def _fresh_aliases(self) -> dict:
        return _fresh(self._c)

    def queryset(self, base=None):
        base = Enterprise.objects.all() if base is None else base
        return base.alias(**self._fresh_aliases()).filter(self.true)

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
            base.alias(**self._fresh_aliases())
            .annotate(**flags)
            .annotate(passed=total)
            .filter(passed=len(self.parts) - 1)
            .annotate(missed=missed)
        )


def _fresh(compiler: _Compiler) -> dict:
    # Django binds a FilteredRelation to the query that uses it: give each query its own copy
    return {k: v.clone() if isinstance(v, FilteredRelation) else v for k, v in compiler.aliases.items()}


def compile_rule(node, as_of: dt.date) -> CompiledRule:
    return CompiledRule(node, as_of)


class CompiledRules:
    """Many rules over one scan: their joins are shared, each rule is one FILTER (WHERE …) column."""

    def __init__(self, nodes, as_of: dt.date):
        self._c = _Compiler(as_of)
        self.true = [self._c.cond(n)[0] for n in nodes]

    def counts(self, base=None) -> list[int]:
        base = Enterprise.objects.all() if base is None else base
        row = base.alias(**_fresh(self._c)).aggregate(
            **{f"c{i}": Count("pk", filter=t) for i, t in enumerate(self.true)}
        )
        return [row[f"c{i}"] for i in range(len(self.true))]

    def matches(self, base=None):
        """(pk, [rule indexes it meets]) for every enterprise meeting at least one rule."""
        base = Enterprise.objects.all() if base is None else base
        flags = {
            f"m{i}": Case(When(t, then=Value(True)), default=Value(False)) for i, t in enumerate(self.true)
        }
        any_rule = self.true[0]
        for t in self.true[1:]:
            any_rule |= t
        rows = base.alias(**_fresh(self._c)).filter(any_rule).annotate(**flags).values_list("pk", *flags)
        for pk, *hits in rows.iterator(chunk_size=2000):
            yield pk, [i for i, hit in enumerate(hits) if hit]
