"""Small helpers shared by the app's pages."""

import datetime as dt

from django.http import Http404, HttpResponse

from gaoxin.core import clock
from gaoxin.core.errors import NotFound
from gaoxin.core.spreadsheets import xlsx_response

from .. import excel


def xlsx(filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    return xlsx_file(filename, excel.workbook(title, headers, rows))


def xlsx_file(filename: str, content: bytes) -> HttpResponse:
    return xlsx_response(content, filename)


def period(request) -> tuple[int, int]:
    """The year and month asked for, defaulting to last month; bad values fall back to the default."""
    today = clock.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    try:
        year = int(request.GET.get("year", last.year))
        month = int(request.GET.get("month", last.month))
    except ValueError:
        return last.year, last.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return last.year, last.month
    return year, month


def not_found(exc: NotFound):
    return Http404(exc.message)
