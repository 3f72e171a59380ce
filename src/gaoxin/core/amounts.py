"""Amounts of money as people read them: in 元, 万元 or 亿元 with the unit named, the exact yuan kept.

One rule for every page and chart: a set of amounts is shown in the largest unit in which its largest
amount is at least 1 (亿元 from 100 million yuan, 万元 from 10 thousand, else 元), to two decimals, and
the exact yuan (to the fen, with thousands separators) is what a mouse-over shows and what an export
writes. Charts get their figures through `chart`, which applies the same rule to all of a chart's
series, so bars drawn side by side share one unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scale:
    divisor: Decimal
    unit: str  # 元 / 万元 / 亿元, translated when shown

    def of(self, value: Decimal | int | float | None) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(str(value)) / self.divisor).quantize(CENT, ROUND_HALF_UP)


YUAN = Scale(Decimal(1), "元")
WAN = Scale(Decimal(10_000), "万元")
YI = Scale(Decimal(100_000_000), "亿元")


def scale_for(values: Iterable[Decimal | int | float | None]) -> Scale:
    """The unit a set of yuan amounts is shown in (see the module's rule)."""
    largest = max((abs(Decimal(str(v))) for v in values if v is not None), default=Decimal(0))
    if largest >= YI.divisor:
        return YI
    if largest >= WAN.divisor:
        return WAN
    return YUAN


def exact(value: Decimal | int | float | None) -> str:
    """The exact amount: `1,234,567.89 元`; `—` when unknown."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).quantize(CENT, ROUND_HALF_UP):,} {_('元')}"


def shown(value: Decimal | int | float | None, scale: Scale | None = None) -> str:
    """The amount in its unit: `3.65 亿元`; `—` when unknown."""
    if value is None:
        return "—"
    scale = scale or scale_for([value])
    return f"{scale.of(value):,} {_(scale.unit)}"


def chart(
    *,
    categories: Sequence[Any],
    series: Sequence[tuple[str, Sequence[Decimal | int | float | None]]],
    unit: str = "yuan",
    kind: str = "bar",
    horizontal: bool = False,
) -> dict:
    """The JSON a chart on a page is drawn from (static/gaoxin/charts.js).

    `unit` is "yuan" (amounts, scaled by the rule above), "count" or "percent". Each point carries the
    figure drawn and the exact text shown on hover."""
    values = [v for _, vs in series for v in vs]
    if unit == "yuan":
        scale = scale_for(values)
        axis = _(scale.unit)

        def point(v):
            return {"value": None if v is None else float(scale.of(v)), "exact": exact(v)}

    else:
        axis = "%" if unit == "percent" else _("个")

        def point(v):
            text = "—" if v is None else (f"{v}%" if unit == "percent" else f"{v:,}")
            return {"value": None if v is None else float(v), "exact": text}

    return {
        "kind": kind,
        "horizontal": horizontal,
        "unit": axis,
        "categories": [str(c) for c in categories],
        "series": [{"name": str(name), "data": [point(v) for v in vs]} for name, vs in series],
    }
