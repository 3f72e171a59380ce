"""Excel in and out: the import templates (row-level errors, all or nothing) and export of any list."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.conf import settings
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
REPORT_HEADERS = [
    "统一社会信用代码",
    "年度",
    "月份（年报填0）",
    *[f"{i.label}（{i.unit}）" for i in INDICATORS.values()],
]


def workbook(title: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    write_row(ws, headers)
    for row in rows:
        write_row(ws, [float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(content: bytes, headers: list[str]) -> list[tuple[int, dict]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ValidationFailed(
            "无法读取文件，请上传 .xlsx 格式的模板", fields={"file": "文件格式不正确"}
        ) from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    head = [str(h).strip() if h is not None else "" for h in next(it, [])]
    missing = [h for h in headers if h not in head]
    if missing:
        raise ValidationFailed(
            "模板缺少列：" + "、".join(missing), fields={"file": "缺少列：" + "、".join(missing)}
        )
    index = {h: head.index(h) for h in headers}
    rows = []
    for n, values in enumerate(it, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", fields={"file": "行数过多"})
        rows.append((n, {h: (values[i] if i < len(values) else None) for h, i in index.items()}))
    if not rows:
        raise ValidationFailed("文件中没有数据行", fields={"file": "没有数据"})
    return rows


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _fail(errors: dict[str, str]) -> None:
    shown = list(errors.items())[:10]
    more = f" 等 {len(errors)} 处" if len(errors) > 10 else ""
    raise ValidationFailed(
        "导入失败，未写入任何数据：" + "；".join(f"{k}：{v}" for k, v in shown) + more, fields=errors
    )


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
    clean = []
    for n, row in _rows(content, ENTERPRISE_HEADERS):
        problems = []
        uscc = check_uscc(_text(row["统一社会信用代码"]))
        if not uscc.valid:
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
        founded = row["成立日期"]
        if isinstance(founded, dt.datetime):
            founded = founded.date()
        elif not isinstance(founded, dt.date):
            try:
                founded = dt.date.fromisoformat(_text(founded))
            except ValueError:
                problems.append("成立日期应为 YYYY-MM-DD")
        try:
            capital = Decimal(_text(row["注册资本（万元）"]) or "0") * 10000
            if capital < 0:
                problems.append("注册资本不能为负数")
        except InvalidOperation:
            problems.append("注册资本应填写数字")
        park = _text(row["所在园区"])
        if park and park not in parks:
            problems.append(f"园区“{park}”不存在")
        industry = _text(row["产业分类"])
        if industry and industry not in industries:
            problems.append(f"产业分类“{industry}”不存在")
        code = _text(row["国民经济行业代码"])
        normalized = gbt.normalize(code) if code else ""
        if code and not normalized:
            problems.append(f"国民经济行业代码“{code}”不在 GB/T 4754-2017 中")
        owner = _text(row["登记注册类型"]) or "私营"
        if owner not in ownership:
            problems.append(f"登记注册类型“{owner}”不正确")
        if problems:
            errors[f"第{n}行"] = "；".join(problems)
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
        _fail(errors)
    with transaction.atomic():
        return len(registry_services.enterprise_rows_create(actor=actor, rows=clean))


@transaction.atomic
def reports_import(*, actor, content: bytes) -> int:
    """Import report figures as drafts (the enterprise's own, or any for a statistician). All or nothing."""
    errors: dict[str, str] = {}
    count = 0
    label_of = {f"{i.label}（{i.unit}）": name for name, i in INDICATORS.items()}
    for n, row in _rows(content, REPORT_HEADERS):
        try:
            year, month = int(_text(row["年度"])), int(_text(row["月份（年报填0）"]))
        except ValueError:
            errors[f"第{n}行"] = "年度和月份应为整数"
            continue
        values = {label_of[h]: row[h] for h in label_of}
        try:
            with transaction.atomic():
                report = reporting_services.report_open(
                    actor=actor,
                    uscc=check_uscc(_text(row["统一社会信用代码"])).normalized,
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
    if errors:
        _fail(errors)
    return count
