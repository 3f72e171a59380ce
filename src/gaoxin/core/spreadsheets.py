"""Writing cells of the platform's Excel exports: user text is always text, never a formula.

A bank name `=HYPERLINK(...)` typed by an enterprise must not become a live formula in a file the
finance office opens. Every export writes its rows through `write_row` (or its cells through
`safe_cell`): a string that a spreadsheet would read as a formula or a DDE command — one starting with
`=`, `+`, `-`, `@`, a tab or a carriage return (OWASP "CSV injection") — gets a leading `'`, and
characters that an .xlsx file cannot hold are removed. Numbers, dates and booleans stay as they are,
so amounts stay numbers; a time of day is written to the whole second, because a spreadsheet's date
serial cannot hold microseconds and office programs round the fraction differently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download named `filename` (".xlsx" added when missing); a Chinese name is sent
    as RFC 6266's ``filename*``, so every browser saves it under that name."""
    from urllib.parse import quote

    name = filename if filename.endswith(".xlsx") else f"{filename}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    if name.isascii():
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def safe_cell(value: Any) -> Any:
    """`value` as it may be written to a cell: strings neutralised, everything else unchanged."""
    if isinstance(value, Promise):  # a label marked for translation: its text in the current language
        value = str(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def write_row(ws, values: Iterable[Any]) -> None:
    """Append one row to worksheet `ws` (a normal or a write-only one), every cell through `safe_cell`."""
    ws.append(safe_row(values))


def read_cell(value: Any) -> Any:
    """The inverse of `safe_cell` for an import reading back one of the platform's own exports:
    `'=x` becomes `=x` again (stored as text; the platform never evaluates it)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS:
        return value[1:]
    return value
