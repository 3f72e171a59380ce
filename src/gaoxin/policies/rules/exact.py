"""Exact arithmetic for rules, the same on both paths and both databases.

A rule's number is a rational: the Python evaluator computes with `fractions.Fraction`; the SQL
compiler carries every value as a pair (numerator, denominator > 0) of exact decimals, so a
division never rounds and a comparison is cross-multiplied (a/b >= c ⇔ a >= c·b for b > 0).

PostgreSQL's `numeric` is exact for + − ×. SQLite has no exact decimal type (its arithmetic is
binary floating point), so on SQLite the four operations and the comparison are SQL functions
registered on every connection (`gx_num`, `gx_add`, `gx_sub`, `gx_mul`, `gx_cmp`), computing with
Python's Decimal on the values' decimal text. A stored REAL is read exactly as Django reads it
(15 significant digits), so the SQL path sees the very numbers the Python path sees."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

_CTX = decimal.Context(prec=2000, Emax=100000, Emin=-100000, traps=[decimal.InvalidOperation])
_FROM_REAL = decimal.Context(prec=15).create_decimal_from_float  # as Django's SQLite converter


def fraction(v) -> Fraction:
    """A rule number (Decimal, int or Fraction) as an exact Fraction."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool | float):
        raise TypeError(f"not a rule number: {v!r}")
    return Fraction(v)


def to_decimal(v: Fraction, places: int = 6) -> Decimal:
    """For display only: the fraction rounded half-up to `places` decimals."""
    scaled = v * 10**places
    n = _round_half_up(scaled)
    return Decimal(n).scaleb(-places)


def _round_half_up(x: Fraction) -> int:
    if x >= 0:
        return int((x + Fraction(1, 2)).__floor__())
    return -int((-x + Fraction(1, 2)).__floor__())


def round_to_fen(v) -> Decimal:
    """Exactly rounded half-up to the fen (0.01)."""
    return Decimal(_round_half_up(fraction(v) * 100)).scaleb(-2).quantize(Decimal("0.01"))


# SQLite functions ---------------------------------------------------------------------------
def _dec(v) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, float):
        return _FROM_REAL(v)
    if isinstance(v, int):
        return Decimal(v)
    try:
        return _CTX.create_decimal(str(v).strip())
    except decimal.InvalidOperation:
        return None


def _text(d: Decimal | None) -> str | None:
    return None if d is None else str(d)


def _num(a):
    return _text(_dec(a))


def _op(fn):
    def call(a, b):
        x, y = _dec(a), _dec(b)
        if x is None or y is None:
            return None
        return _text(fn(x, y))

    return call


_add = _op(_CTX.add)
_sub = _op(_CTX.subtract)
_mul = _op(_CTX.multiply)


def _cmp(a, b):
    x, y = _dec(a), _dec(b)
    if x is None or y is None:
        return None
    return (x > y) - (x < y)


def register_sqlite_functions(sender=None, connection=None, **kwargs):
    if connection is None or connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("gx_num", 1, _num, deterministic=True)
    raw.create_function("gx_add", 2, _add, deterministic=True)
    raw.create_function("gx_sub", 2, _sub, deterministic=True)
    raw.create_function("gx_mul", 2, _mul, deterministic=True)
    raw.create_function("gx_cmp", 2, _cmp, deterministic=True)
