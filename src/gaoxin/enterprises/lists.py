"""The declared staff lists of the registry: the enterprise list and the statistical reports."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from gaoxin.core import clock
from gaoxin.core.listing import Choice, Column, DateRange, Listing, Search, register

from . import gbt, selectors
from .models import Enterprise, Industry, Park, Qualification, Report
from .selectors.registry import _search_term, valid_on
from .selectors.reporting import report_list


def _holding(qs, kind: str):
    held = Qualification.objects.filter(valid_on(clock.today()), enterprise=OuterRef("pk"), kind=kind)
    return qs.filter(Exists(held))


def _years() -> list[tuple[str, str]]:
    return [(str(y), f"{y}年") for y in range(clock.today().year, 2015, -1)]


def _report_state(report: Report) -> str:
    if report.late:
        return f"{report.get_state_display()}（逾期报送）"
    if report.state in ("draft", "returned") and report.due_on < clock.today():
        return f"{report.get_state_display()}（已逾期）"
    return report.get_state_display()


ENTERPRISES = register(
    "enterprises",
    title="企业名录",
    url="enterprises:list",
    rows=lambda user: selectors.enterprise_list(user=user),
    listing=Listing(
        columns=[
            Column("uscc", "统一社会信用代码", sort="uscc"),
            Column(
                "name", "企业名称", sort="name", link=lambda e: reverse("enterprises:detail", args=[e.uscc])
            ),
            Column("former_names", "曾用名", shown=False),
            Column("legal_rep", "法定代表人", shown=False),
            Column("registered_on", "成立日期", sort="registered_on"),
            Column("park", "所在园区", sort="park__name", value=lambda e: str(e.park or "")),
            Column("industry", "产业", sort="industry__name", value=lambda e: str(e.industry or "")),
            Column("gbt", "国民经济行业", shown=False, value=lambda e: gbt.describe(e.gbt_code)),
            Column("size", "规模", sort="size", value=lambda e: e.get_size_display()),
            Column(
                "above_scale",
                "规上（限上）",
                sort="above_scale",
                value=lambda e: "是" if e.above_scale else "否",
            ),
            Column("status", "状态", shown=False, value=lambda e: e.get_status_display()),
        ],
        filters=[
            Search("q", "名称 / 曾用名 / 拼音 / 代码", where=lambda qs, v: qs.filter(_search_term(v))),
            Choice(
                "industry",
                "产业",
                choices=lambda: [(i.code, i.name) for i in Industry.objects.all()],
                field="industry__code",
            ),
            Choice("qualification", "资质", choices=Qualification.Kind.choices, where=_holding),
            Choice("size", "规模", choices=Enterprise.Size.choices),
            Choice(
                "above",
                "规上（限上）",
                choices=[("1", "是"), ("0", "否")],
                where=lambda qs, v: qs.filter(above_scale=v == "1"),
            ),
            Choice(
                "park",
                "园区",
                choices=lambda: [(p.code, p.name) for p in Park.objects.all()],
                field="park__code",
            ),
            DateRange("registered_on", "成立日期"),
        ],
        default_sort="name",
        page_size=30,
    ),
)

REPORTS = register(
    "reports",
    title="企业报表",
    url="enterprises:reports",
    rows=lambda user: report_list(user=user),
    listing=Listing(
        columns=[
            Column("enterprise", "企业", sort="enterprise__name", value=lambda r: r.enterprise.name),
            Column(
                "period",
                "报告期",
                sort="year",
                value=lambda r: r.period_label,
                link=lambda r: reverse("enterprises:report", args=[r.id]),
            ),
            Column("state", "状态", sort="state", value=_report_state),
            Column("due_on", "截止日期", sort="due_on"),
            Column("submitted_at", "报送时间", sort="submitted_at"),
            Column("revision", "修订", sort="revision"),
        ],
        filters=[
            Search("q", "企业", fields=("enterprise__name", "enterprise__uscc")),
            Choice("year", "年度", choices=_years),
            Choice("month", "报告期", choices=[(str(m), f"{m}月") for m in range(1, 13)] + [("0", "年报")]),
            Choice("state", "状态", choices=Report.State.choices),
            DateRange("due_on", "截止日期"),
        ],
        default_sort="-year",
        page_size=30,
    ),
)
