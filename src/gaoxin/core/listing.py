"""One mechanism for the staff lists: declared columns and filters give sortable headers, a GET
filter form that keeps its values, paging, and an Excel export of exactly the filtered, sorted rows.

A list declares itself once::

    AUDIT = Listing(
        columns=[Column("at", "时间", sort="at", value=lambda e: e.at), ...],
        filters=[DateRange("at", "时间"), Choice("action", "动作", choices=...), Text("actor", "操作人")],
        default_sort="-at",
    )

and a view calls ``page = AUDIT.apply(request, Model.objects.visible_to(request.user))``: the
queryset always starts from the caller's tenancy. A bad filter value (a date like 2025-13-40, an
unknown sort key) does not raise: ``page.errors`` holds a Chinese message and the view answers 400.
``AUDIT.export(page, title)`` returns the .xlsx response through `spreadsheets.write_row`.

Each staff list registers itself (``register("inbox", title=..., url=..., rows=..., listing=...)``) in
``REGISTRY``, so one view helper (``Entry.respond``) serves its page, its 400 and its export, and one
test sweeps every declared list. A list whose rows can also be imported declares its ``layout``:
``export=template`` gives the filtered rows in the import's layout, which imports back as the same
records once a spreadsheet program has opened and saved it again."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import spreadsheets
from .spreadsheets import XLSX

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None = None  # the ORM field the header sorts by; None: not sortable
    value: Callable[[Any], Any] | None = None  # how the cell reads (default: the attribute `key`)
    link: Callable[[Any], str] | None = None  # where the cell leads on the page (not in the export)
    shown: bool = True  # False: only in the export (the page keeps to the columns a reader scans)

    def cell(self, row: Any) -> Any:
        return self.value(row) if self.value else getattr(row, self.key, "")


@dataclass(frozen=True)
class Text:
    name: str
    label: str
    lookup: str = "icontains"

    def params(self) -> list[str]:
        return [self.name]

    def apply(self, qs: QuerySet, data, errors: list[str]) -> QuerySet:
        value = data.get(self.name, "").strip()[:100]
        return qs.filter(**{f"{self.name}__{self.lookup}": value}) if value else qs


@dataclass(frozen=True)
class Search:
    """One box that matches any of several fields (case number, applicant, item name…)."""

    name: str
    label: str
    fields: Sequence[str] = ()
    through_many: bool = False  # a field crosses a to-many relation: match by id so rows stay unique
    where: Callable[[QuerySet, str], QuerySet] | None = None  # a search of the app's own (pinyin…)
    searches = True  # drawn as a search box that filters as one types

    def params(self) -> list[str]:
        return [self.name]

    def apply(self, qs: QuerySet, data, errors: list[str]) -> QuerySet:
        value = data.get(self.name, "").strip()[:100]
        if not value:
            return qs
        if self.where:
            return self.where(qs, value)
        q = Q()
        for f in self.fields:
            q |= Q(**{f"{f}__icontains": value})
        if self.through_many:
            return qs.filter(pk__in=qs.model._base_manager.filter(q).values("pk"))
        return qs.filter(q)


@dataclass(frozen=True)
class Choice:
    name: str
    label: str
    # The options as (value, label) pairs, or a function giving them (read when the page is drawn).
    choices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]] = ()
    lookup: str = "exact"
    field: str = ""  # the ORM path when it differs from the parameter name
    where: Callable[[QuerySet, str], QuerySet] | None = None  # when one lookup does not say it

    def params(self) -> list[str]:
        return [self.name]

    @property
    def records(self) -> bool:
        """Options read from the database (departments, industries, policies) are people's records,
        shown as typed and not translated; declared choices are labels."""
        return callable(self.choices)

    def options(self) -> list[tuple[str, str]]:
        found = self.choices() if callable(self.choices) else self.choices
        return [(str(c), str(label)) for c, label in found if str(c) != ""]

    def apply(self, qs: QuerySet, data, errors: list[str]) -> QuerySet:
        value = data.get(self.name, "")
        if not value:
            return qs
        if value not in {c for c, _ in self.options()}:
            errors.append(f"“{self.label}”没有这个选项，请从列表中选择")
            return qs.none()
        if self.where:
            return self.where(qs, value)
        return qs.filter(**{f"{self.field or self.name}__{self.lookup}": value})


@dataclass(frozen=True)
class DateRange:
    name: str
    label: str

    def params(self) -> list[str]:
        return [f"{self.name}_from", f"{self.name}_to"]

    def _date(self, data, key: str, which: str, errors: list[str]) -> dt.date | None:
        raw = data.get(key, "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            errors.append(f"“{self.label}”的{which}日期“{raw[:20]}”不是有效日期，请按 2026-03-02 的格式填写")
            return None

    def apply(self, qs: QuerySet, data, errors: list[str]) -> QuerySet:
        start = self._date(data, f"{self.name}_from", "起始", errors)
        end = self._date(data, f"{self.name}_to", "截止", errors)
        if start and end and start > end:
            errors.append(f"“{self.label}”的起始日期晚于截止日期")
            return qs.none()
        if start:
            qs = qs.filter(
                **{f"{self.name}__date__gte" if self._is_datetime(qs) else f"{self.name}__gte": start}
            )
        if end:
            qs = qs.filter(
                **{f"{self.name}__date__lte" if self._is_datetime(qs) else f"{self.name}__lte": end}
            )
        return qs

    def _is_datetime(self, qs: QuerySet) -> bool:
        return qs.model._meta.get_field(self.name).get_internal_type() == "DateTimeField"


Filter = Text | Search | Choice | DateRange


@dataclass
class Header:
    label: str
    url: str | None
    aria_sort: str  # "ascending" / "descending" / "none"


@dataclass
class ListPage:
    rows: Any
    headers: list[Header]
    values: dict[str, str]
    errors: list[str]
    query: str  # the filters and sort as a query string (for export and paging links)
    queryset: QuerySet
    sort: str
    paginator_page: Any = None
    cells: list[tuple[Any, list[tuple[Any, str | None]]]] = field(default_factory=list)  # (row, cells)


@dataclass(frozen=True)
class Listing:
    columns: Sequence[Column]
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    page_size: int = PAGE_SIZE

    def _sort_keys(self) -> set[str]:
        return {c.sort for c in self.columns if c.sort}

    def filter(self, data, qs: QuerySet) -> tuple[QuerySet, list[str], str]:
        errors: list[str] = []
        for f in self.filters:
            qs = f.apply(qs, data, errors)
        sort = data.get("sort", "") or self.default_sort
        if sort.lstrip("-") not in self._sort_keys():
            errors.append("无法按该列排序，已按默认顺序显示")
            sort = self.default_sort
        if sort:
            qs = qs.order_by(sort, "-pk" if sort.startswith("-") else "pk")
        return (qs.none() if errors else qs), errors, sort

    def apply(self, request, qs: QuerySet) -> ListPage:
        data = request.GET
        qs, errors, sort = self.filter(data, qs)
        names = [p for f in self.filters for p in f.params()]
        values = {n: data.get(n, "")[:100] for n in names}
        kept = {n: v for n, v in values.items() if v}
        headers = []
        shown = [c for c in self.columns if c.shown]
        for c in shown:
            if not c.sort:
                headers.append(Header(c.label, None, "none"))
                continue
            current = sort.lstrip("-") == c.sort
            desc = current and sort.startswith("-")
            nxt = c.sort if (not current or desc) else f"-{c.sort}"
            aria = ("descending" if desc else "ascending") if current else "none"
            headers.append(Header(c.label, "?" + urlencode({**kept, "sort": nxt}), aria))
        page = Paginator(qs, self.page_size).get_page(data.get("page"))
        query = urlencode({**kept, "sort": sort})
        result = ListPage(page.object_list, headers, values, errors, query, qs, sort, page)
        result.cells = [
            (r, [(_display(c.cell(r)), c.link(r) if c.link else None) for c in shown])
            for r in page.object_list
        ]
        return result

    def export(self, data, qs: QuerySet, title: str) -> HttpResponse | None:
        """The filtered, sorted rows as .xlsx; None when a filter value is bad (the view shows why)."""
        qs, errors, _sort = self.filter(data, qs)
        if errors:
            return None
        wb = Workbook(write_only=True)
        title = str(title)
        ws = wb.create_sheet(title[:31])
        spreadsheets.write_row(ws, [str(c.label) for c in self.columns])
        for row in qs[:EXPORT_LIMIT]:
            spreadsheets.write_row(ws, [_excel(c.cell(row)) for c in self.columns])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(title)}.xlsx"
        return response


def _excel(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _local(value)
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)) or hasattr(value, "as_tuple"):
        return value
    return str(value)


def _display(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def _local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


@dataclass(frozen=True)
class Entry:
    """A registered staff list: its title, its page's URL name, the rows a user may see, its declaration."""

    name: str
    title: str
    url: str
    rows: Callable[[Any], QuerySet]  # user -> queryset that starts from the user's tenancy
    listing: Listing | Callable[[QuerySet], Listing]
    # the filtered rows as a workbook in the layout of the list's import (``export=template``), so an
    # export saved again by a spreadsheet program imports back as the same records
    layout: Callable[[QuerySet], bytes] | None = None

    def spec(self, qs: QuerySet) -> Listing:
        return self.listing if isinstance(self.listing, Listing) else self.listing(qs)

    def respond(self, request, template: str, context: dict | None = None, *, qs: QuerySet | None = None):
        """The page of filtered, sorted rows (400 with the reason for a bad filter) or, with
        ``export=xlsx``, the same rows as .xlsx."""
        qs = self.rows(request.user) if qs is None else qs
        spec = self.spec(qs)
        if request.GET.get("export") == "xlsx":
            response = spec.export(request.GET, qs, self.title)
            if response is not None:
                return response
        if request.GET.get("export") == "template" and self.layout is not None:
            response = self.layout_export(request.GET, qs)
            if response is not None:
                return response
        page = spec.apply(request, qs)
        ctx = {"page": page, "spec": spec, "list": self, **(context or {})}
        return render(request, template, ctx, status=400 if page.errors else 200)

    def layout_export(self, data, qs: QuerySet) -> HttpResponse | None:
        """The filtered, sorted rows in the import's layout; None when a filter value is bad."""
        assert self.layout is not None
        qs, errors, _sort = self.spec(qs).filter(data, qs)
        if errors:
            return None
        response = HttpResponse(self.layout(qs[:EXPORT_LIMIT]), content_type=XLSX)
        name = _quote(f"{self.title}（{_('导入模板格式')}）")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.xlsx"
        return response


REGISTRY: dict[str, Entry] = {}


def register(
    name: str,
    *,
    title: str,
    url: str,
    rows: Callable[[Any], QuerySet],
    listing: Listing | Callable[[QuerySet], Listing],
    layout: Callable[[QuerySet], bytes] | None = None,
) -> Entry:
    entry = Entry(name, title, url, rows, listing, layout)
    REGISTRY[name] = entry
    return entry
