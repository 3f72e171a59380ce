"""The declared staff lists of the registry: the enterprise list and the statistical reports."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.core import clock
from gaoxin.core.listing import Choice, Column, DateRange, Listing, Search, register

from . import excel, gbt, selectors
from .models import Enterprise, Industry, Park, Qualification, Report
from .selectors.registry import search_term, valid_on
from .selectors.reporting import report_list


def _holding(qs, kind: str):
    held = Qualification.objects.filter(valid_on(clock.today()), enterprise=OuterRef("pk"), kind=kind)
    return qs.filter(Exists(held))


def _years() -> list[tuple[str, str]]:
    return [(str(y), _("%(year)s年") % {"year": y}) for y in range(clock.today().year, 2015, -1)]


def _report_state(report: Report) -> str:
    if report.late:
        return _("%(state)s（逾期报送）") % {"state": report.get_state_display()}
    if report.state in ("draft", "returned") and report.due_on < clock.today():
        return _("%(state)s（已逾期）") % {"state": report.get_state_display()}
    return report.get_state_display()


ENTERPRISES = register(
    "enterprises",
    title=_("企业名录"),
    url="enterprises:list",
    rows=lambda user: selectors.enterprise_list(user=user),
    listing=Listing(
        columns=[
            Column("uscc", _("统一社会信用代码"), sort="uscc"),
            Column(
                "name",
                _("企业名称"),
                sort="name",
                link=lambda e: reverse("enterprises:detail", args=[e.uscc]),
            ),
            Column("former_names", _("曾用名"), shown=False),
            Column("legal_rep", _("法定代表人"), shown=False),
            Column("registered_on", _("成立日期"), sort="registered_on"),
            Column("park", _("所在园区"), sort="park__name", value=lambda e: str(e.park or "")),
            Column("industry", _("产业"), sort="industry__name", value=lambda e: str(e.industry or "")),
            Column("gbt", _("国民经济行业"), shown=False, value=lambda e: gbt.describe(e.gbt_code)),
            Column("size", _("规模"), sort="size", value=lambda e: e.get_size_display()),
            Column(
                "above_scale",
                _("规上（限上）"),
                sort="above_scale",
                value=lambda e: _("是") if e.above_scale else _("否"),
            ),
            Column("status", _("状态"), shown=False, value=lambda e: e.get_status_display()),
        ],
        filters=[
            Search("q", _("名称 / 曾用名 / 拼音 / 代码"), where=lambda qs, v: qs.filter(search_term(v))),
            Choice(
                "industry",
                _("产业"),
                choices=lambda: [(i.code, i.name) for i in Industry.objects.all()],
                field="industry__code",
            ),
            Choice("qualification", _("资质"), choices=Qualification.Kind.choices, where=_holding),
            Choice("size", _("规模"), choices=Enterprise.Size.choices),
            Choice(
                "above",
                _("规上（限上）"),
                choices=[("1", _("是")), ("0", _("否"))],
                where=lambda qs, v: qs.filter(above_scale=v == "1"),
            ),
            Choice(
                "park",
                _("园区"),
                choices=lambda: [(p.code, p.name) for p in Park.objects.all()],
                field="park__code",
            ),
            DateRange("registered_on", _("成立日期")),
        ],
        default_sort="name",
        page_size=30,
    ),
    layout=lambda qs: excel.enterprises_layout(qs.select_related("park", "industry")),
)

REPORTS = register(
    "reports",
    title=_("企业报表"),
    url="enterprises:reports",
    rows=lambda user: report_list(user=user),
    listing=Listing(
        columns=[
            Column("enterprise", _("企业"), sort="enterprise__name", value=lambda r: r.enterprise.name),
            Column(
                "period",
                _("报告期"),
                sort="year",
                value=lambda r: r.period_label,
                link=lambda r: reverse("enterprises:report", args=[r.id]),
            ),
            Column("state", _("状态"), sort="state", value=_report_state),
            Column("due_on", _("截止日期"), sort="due_on"),
            Column("submitted_at", _("报送时间"), sort="submitted_at"),
            Column("revision", _("修订"), sort="revision"),
        ],
        filters=[
            Search("q", _("企业"), fields=("enterprise__name", "enterprise__uscc")),
            Choice("period_year", _("年度"), choices=_years, field="year"),
            Choice(
                "period_month",
                _("报告期"),
                choices=[(str(m), _("%(month)s月") % {"month": m}) for m in range(1, 13)]
                + [("0", _("年报"))],
                field="month",
            ),
            Choice("state", _("状态"), choices=Report.State.choices),
            DateRange("due_on", _("截止日期")),
        ],
        default_sort="-year",
        page_size=30,
    ),
    layout=lambda qs: excel.reports_layout(qs.select_related("enterprise", "form")),
)
