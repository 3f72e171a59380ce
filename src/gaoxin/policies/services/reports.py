"""Disbursed and committed amounts by policy, clause, industry and month — from the ledger."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import LedgerEntry

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))
DIMENSIONS = {
    "policy": ("budget__clause__policy__title", gettext_lazy("政策")),
    "clause": ("budget__clause__title", gettext_lazy("兑现事项")),
    "industry": ("award__enterprise__industry__name", gettext_lazy("产业")),
    "month": ("month", gettext_lazy("月份")),
}


def _signed(kinds_plus, kinds_minus):
    whens = [When(kind=k, then=F("amount")) for k in kinds_plus]
    whens += [When(kind=k, then=F("amount") * -1) for k in kinds_minus]
    return Coalesce(
        Sum(Case(*whens, default=ZERO, output_field=DecimalField(max_digits=18, decimal_places=2))), ZERO
    )


def funds_report(by: str, year: int | None = None) -> list[dict]:
    """Rows {key, disbursed, committed}: disbursed = paid − clawed back; committed = reserved, not yet paid."""
    column = DIMENSIONS[by][0]
    qs = LedgerEntry.objects.all()
    if year:
        qs = qs.filter(budget__year=year)
    if by == "month":
        qs = qs.annotate(month=TruncMonth("at"))
    rows = (
        qs.values(column)
        .annotate(
            disbursed=_signed(["pay"], ["clawback"]),
            committed=_signed(["reserve"], ["release", "pay"]),
        )
        .order_by(column)
    )
    out = []
    for row in rows:
        key = row[column]
        if by == "month" and key is not None:
            key = f"{key:%Y-%m}"
        out.append({"key": key or "（未分类）", "disbursed": row["disbursed"], "committed": row["committed"]})
    return out


def funds_charts(policy: list[dict], month: list[dict]) -> dict:
    """The funds page's charts from `funds_report` rows: disbursed and committed by policy, and
    disbursed by month."""
    from gaoxin.core.amounts import chart

    return {
        "policy": chart(
            categories=[r["key"] for r in policy],
            series=[
                (_("已拨付"), [r["disbursed"] for r in policy]),
                (_("已承诺未拨付"), [r["committed"] for r in policy]),
            ],
            horizontal=True,
        ),
        "month": chart(
            categories=[r["key"] for r in month],
            series=[(_("已拨付"), [r["disbursed"] for r in month])],
            kind="line",
        ),
    }


def funds_workbook(year: int | None = None) -> bytes:
    from openpyxl import Workbook

    from gaoxin.core.spreadsheets import write_row

    wb = Workbook()
    wb.remove(wb.active)
    for by, (_column, label) in DIMENSIONS.items():
        ws = wb.create_sheet(f"按{label}")
        write_row(ws, [label, "已拨付（元）", "已承诺未拨付（元）"])
        for row in funds_report(by, year):
            write_row(ws, [row["key"], row["disbursed"], row["committed"]])
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = ws.column_dimensions["C"].width = 20
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
