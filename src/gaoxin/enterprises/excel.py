"""Excel in and out: the import templates (row-level errors, all or nothing) and export of any list."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook

from gaoxin.core import officefiles
from gaoxin.core.errors import DomainError, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import check_uscc
from gaoxin.core.spreadsheets import write_row

from . import gbt, permissions
from .indicators import INDICATORS
from .models import Enterprise, Industry, Park
from .selectors.registry import registered_usccs
from .services import registry as registry_services
from .services import reporting as reporting_services

MAX_ROWS = 20000
ENTERPRISE_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "曾用名",
    "法定代表人",
    "成立日期",
    "注册资本（万元）",
    "住所",
    "所在园区",
    "产业分类",
    "国民经济行业代码",
    "登记注册类型",
]
REPORT_KEYS = ["统一社会信用代码", "年度", "月份（年报填0）"]
# Indicator columns may be absent (a template made before an indicator was added, a file with only
# some figures): an absent column leaves that figure of the report as it is.
REPORT_INDICATOR_HEADERS = [f"{i.label}（{i.unit}）" for i in INDICATORS.values()]
REPORT_HEADERS = [*REPORT_KEYS, *REPORT_INDICATOR_HEADERS]


def enterprise_columns() -> list[officefiles.TemplateColumn]:
    """The registry template's columns, with today's parks, industries and registration types."""
    T = officefiles.TemplateColumn
    with translation.override(settings.LANGUAGE_CODE):
        ownership = [str(label) for _, label in Enterprise.Ownership.choices]
    return [
        T(
            "统一社会信用代码",
            "18 位统一社会信用代码（GB 32100），字母大写",
            "91450200MA5K000101",
            "code",
            required=True,
            width=22,
        ),
        T("企业名称", "营业执照上的企业名称", "柳州新联科技有限公司", required=True, width=28),
        T("曾用名", "以前用过的名称，多个用顿号分隔", "", width=20),
        T("法定代表人", "营业执照上的法定代表人", "李强", required=True, width=12),
        T(
            "成立日期",
            "营业执照上的成立日期；可填 2015-07-01、2015/7/1 或 2015年7月1日",
            "2015-07-01",
            "date",
            required=True,
            width=14,
        ),
        T("注册资本（万元）", "单位万元，可带小数", "500", "number", width=16),
        T("住所", "营业执照上的住所", "柳州市柳东新区", width=30),
        T(
            "所在园区",
            "企业所在的园区",
            "",
            choices=list(Park.objects.values_list("name", flat=True)),
            width=16,
        ),
        T(
            "产业分类",
            "园区的产业分类",
            "",
            choices=list(Industry.objects.values_list("name", flat=True)),
            width=16,
        ),
        T(
            "国民经济行业代码",
            "GB/T 4754-2017 门类字母加代码，如 C39；也可只填数字，如 0111",
            "C39",
            "code",
            width=18,
        ),
        T("登记注册类型", "不填时为私营", "私营", choices=ownership, width=14),
    ]


def report_columns() -> list[officefiles.TemplateColumn]:
    T = officefiles.TemplateColumn
    kinds = {"money": "number", "decimal": "number", "count": "int"}
    return [
        T(
            "统一社会信用代码",
            "填报企业的统一社会信用代码",
            "91450200MA5K000101",
            "code",
            required=True,
            width=22,
        ),
        T("年度", "报告期的年份", "2025", "int", required=True, width=8),
        T("月份（年报填0）", "月报填 1–12，年报填 0", "1", "int", required=True, width=10),
        *[
            T(
                f"{i.label}（{i.unit}）",
                f"{i.label}，单位{i.unit}；本年累计" if i.cumulative else f"{i.label}，单位{i.unit}；期末数",
                "",
                kinds[i.kind],
                width=16,
            )
            for i in INDICATORS.values()
        ],
    ]


def enterprise_template() -> bytes:
    return officefiles.template_workbook("企业名录", enterprise_columns())


def report_template() -> bytes:
    return officefiles.template_workbook("企业报表", report_columns())


def enterprises_layout(enterprises: Iterable[Enterprise]) -> bytes:
    """Enterprises in the registry template's layout: saved again by a spreadsheet program, the file
    imports into an empty registry as the same records (capital in 万元, codes as text)."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            [
                e.uscc,
                e.name,
                e.former_names,
                e.legal_rep,
                e.registered_on,
                e.registered_capital / 10000,
                e.address,
                e.park.name if e.park else "",
                e.industry.name if e.industry else "",
                e.gbt_code,
                str(e.get_ownership_display()),
            ]
            for e in enterprises
        ]
        return officefiles.template_workbook("企业名录", enterprise_columns(), rows)


def reports_layout(reports: Iterable) -> bytes:
    """Reports in the report template's layout (every indicator column; a figure the report's form
    does not ask for stays empty): imported again, the same figures."""
    names = list(INDICATORS)
    rows = [
        [r.enterprise.uscc, r.year, r.month, *(getattr(r, n) if n in r.form.fields else None for n in names)]
        for r in reports
    ]
    return officefiles.template_workbook("企业报表", report_columns(), rows)


def workbook(title: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    write_row(ws, headers)
    for row in rows:
        write_row(ws, [float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table(content: bytes, headers: list[str]) -> officefiles.Table:
    return officefiles.read_table(content, headers, max_data_rows=MAX_ROWS)


def _text(v) -> str:
    return officefiles.cell_text(v)


def _fail(errors: dict[str, str], table: officefiles.Table, by_row: dict[int, list[str]]) -> None:
    officefiles.refuse_rows(table, by_row)


def _industry_code(value) -> str:
    return officefiles.cell_code(value, lengths=(2, 4), valid=lambda c: gbt.normalize(c) is not None)


def enterprises_import(*, actor, content: bytes) -> int:
    """Import new enterprises. Any bad row → nothing is written and every row's problem is listed."""
    if not permissions.can_edit_registry(actor):
        raise PermissionDenied("只有统计员可以导入企业")
    parks = {p.name: p for p in Park.objects.all()}
    industries = {i.name: i for i in Industry.objects.all()}
    ownership = {str(label): value for value, label in Enterprise.Ownership.choices}
    with translation.override(
        settings.LANGUAGE_CODE
    ):  # the template's Chinese labels, whatever the UI language
        ownership |= {str(label): value for value, label in Enterprise.Ownership.choices}
    existing = registered_usccs(user=actor)
    seen: set[str] = set()
    errors: dict[str, str] = {}
    by_row: dict[int, list[str]] = {}
    clean = []
    table = _table(content, ENTERPRISE_HEADERS)
    for n, row in table.rows:
        problems = []
        try:
            uscc = check_uscc(officefiles.cell_code(row["统一社会信用代码"], lengths=(18,)))
        except ValueError as exc:
            uscc = None
            problems.append(f"统一社会信用代码：{exc}")
        if uscc is None:
            pass
        elif not uscc.valid:
            problems.append(uscc.message)
        elif uscc.normalized in existing:
            problems.append("该企业已在名录中")
        elif uscc.normalized in seen:
            problems.append("与前面的行重复")
        name = _text(row["企业名称"])
        if not name:
            problems.append("请填写企业名称")
        legal_rep = _text(row["法定代表人"])
        if not legal_rep:
            problems.append("请填写法定代表人")
        founded: dt.date | None = None
        try:
            founded = officefiles.cell_date(row["成立日期"])
            if founded is None:
                problems.append("请填写成立日期")
        except ValueError as exc:
            problems.append(f"成立日期{exc}")
        capital = Decimal(0)
        try:
            capital = (officefiles.cell_decimal(row["注册资本（万元）"]) or Decimal(0)) * 10000
            if capital < 0:
                problems.append("注册资本不能为负数")
        except ValueError:
            problems.append("注册资本应填写数字")
        park = _text(row["所在园区"])
        if park and park not in parks:
            problems.append(f"园区“{park}”不存在")
        industry = _text(row["产业分类"])
        if industry and industry not in industries:
            problems.append(f"产业分类“{industry}”不存在")
        try:
            code = _industry_code(row["国民经济行业代码"])
        except ValueError as exc:
            code = ""
            problems.append(f"国民经济行业代码：{exc}")
        normalized = gbt.normalize(code) if code else ""
        if code and not normalized:
            problems.append(f"国民经济行业代码“{code}”不在 GB/T 4754-2017 中")
        owner = _text(row["登记注册类型"]) or "私营"
        if owner not in ownership:
            problems.append(f"登记注册类型“{owner}”不正确")
        if problems or uscc is None:
            errors[f"第{n}行"] = "；".join(problems)
            by_row[n] = problems
            continue
        seen.add(uscc.normalized)
        clean.append(
            {
                "uscc": uscc.normalized,
                "name": name[:120],
                "former_names": _text(row["曾用名"])[:400],
                "legal_rep": legal_rep[:60],
                "registered_on": founded,
                "registered_capital": capital,
                "address": _text(row["住所"])[:200],
                "park": parks.get(park),
                "industry": industries.get(industry),
                "gbt_code": normalized or "",
                "ownership": ownership[owner],
            }
        )
    if errors:
        _fail(errors, table, by_row)
    with transaction.atomic():
        return len(registry_services.enterprise_rows_create(actor=actor, rows=clean))


@transaction.atomic
def reports_import(*, actor, content: bytes) -> int:
    """Import report figures as drafts (the enterprise's own, or any for a statistician). All or nothing."""
    errors: dict[str, str] = {}
    by_row: dict[int, list[str]] = {}
    count = 0
    label_of = {f"{i.label}（{i.unit}）": name for name, i in INDICATORS.items()}
    table = officefiles.read_table(
        content, REPORT_KEYS, optional=REPORT_INDICATOR_HEADERS, max_data_rows=MAX_ROWS
    )
    if not any(h in row for h in label_of for _, row in table.rows[:1]):
        raise ValidationFailed("模板中没有任何指标列：请下载报表模板填写", fields={"file": "没有指标列"})
    for n, row in table.rows:
        try:
            year, month = officefiles.cell_int(row["年度"]), officefiles.cell_int(row["月份（年报填0）"])
            if year is None or month is None:
                raise ValueError
        except ValueError:
            errors[f"第{n}行"] = "年度和月份应为整数"
            by_row[n] = [errors[f"第{n}行"]]
            continue
        values = {}
        problems = []
        for h, name in label_of.items():
            if h not in row:
                continue
            try:
                number = officefiles.cell_decimal(row[h])
            except ValueError as exc:
                problems.append(f"{INDICATORS[name].label}{exc}")
                continue
            values[name] = None if number is None else str(number)  # exact; typed by the report form
        try:
            uscc = officefiles.cell_code(row["统一社会信用代码"], lengths=(18,))
        except ValueError as exc:
            problems.append(f"统一社会信用代码：{exc}")
        if problems:
            errors[f"第{n}行"] = "；".join(problems)
            by_row[n] = problems
            continue
        try:
            with transaction.atomic():
                report = reporting_services.report_open(
                    actor=actor,
                    uscc=check_uscc(uscc).normalized,
                    year=year,
                    month=month,
                )
                reporting_services.report_save(
                    actor=actor,
                    report_id=report.id,
                    values={k: v for k, v in values.items() if k in report.form.fields},
                )
            count += 1
        except DomainError as exc:
            errors[f"第{n}行"] = "；".join(exc.fields.values()) if exc.fields else exc.message
            by_row[n] = [errors[f"第{n}行"]]
    if errors:
        _fail(errors, table, by_row)
    return count
