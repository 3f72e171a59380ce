"""The 一件事 catalogue in Excel, imported like the item catalogue: three sheets (一件事, 成员事项,
一套材料), every row checked first, all or nothing."""

from __future__ import annotations

import io

from django.db import transaction

from gaoxin.core.errors import DomainError

from ..models import Bundle
from .bundles import _check_editor, _save

BUNDLE_SHEETS = {
    "一件事": ["一件事编码", "一件事名称", "办理方式", "承诺办结时限", "一次告知", "一表申请字段"],
    "成员事项": ["一件事编码", "序号", "事项编码", "字段对应"],
    "一套材料": ["一件事编码", "序号", "材料名称", "必要", "文件类型", "对应事项材料"],
}


def _pairs(raw: str, what: str) -> list[tuple[str, str]]:
    """ "a:b;c:d" → [(a, b), (c, d)]."""
    out = []
    for part in (p.strip() for p in raw.replace("；", ";").split(";")):
        if not part:
            continue
        bits = [b.strip() for b in part.replace("：", ":").split(":")]
        if len(bits) != 2 or not all(bits):
            raise ValueError(f"{what}格式应为 a:b;c:d")
        out.append((bits[0], bits[1]))
    return out


def bundle_catalogue_export(*, user) -> bytes:
    """The active bundle catalogue in the import's layout (three sheets, codes as text): saved again
    by a spreadsheet program, it imports back as the same bundles."""
    from django.conf import settings
    from django.utils import translation
    from openpyxl import Workbook

    from gaoxin.core import officefiles
    from gaoxin.core.spreadsheets import write_row

    _check_editor(user)
    ints = {"序号", "承诺办结时限"}
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for title, headers in BUNDLE_SHEETS.items():
        ws = wb.create_sheet(title)
        write_row(ws, headers)
        sheets[title] = ws
    bundles = (
        Bundle.objects.filter(active=True).prefetch_related("members__item", "materials").order_by("code")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for b in bundles:
            fields = ";".join(f"{f['name']}:{f.get('label') or f['name']}" for f in b.form_fields)
            write_row(
                sheets["一件事"],
                [b.code, b.name, str(b.get_mode_display()), b.committed_days, b.guide, fields],
            )
            for m in b.members.all():
                pairs = ";".join(f"{k}:{v}" for k, v in m.field_map.items())
                write_row(sheets["成员事项"], [b.code, m.order, m.item.code, pairs])
            for mat in b.materials.all():
                targets = ";".join(f"{t['item']}:{t['material']}" for t in mat.targets)
                write_row(
                    sheets["一套材料"],
                    [b.code, mat.order, mat.name, "是" if mat.required else "否", mat.file_types, targets],
                )
    for title, headers in BUNDLE_SHEETS.items():
        columns = [
            officefiles.TemplateColumn(h, h, kind="int" if h in ints else "code", width=18) for h in headers
        ]
        officefiles.style_sheet(sheets[title], columns, rows=sheets[title].max_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bundle_rows(sheets, errors: dict, tables: list) -> dict[str, list[dict]]:
    from gaoxin.core import officefiles

    out: dict[str, list[dict]] = {}
    for title, headers in BUNDLE_SHEETS.items():
        table = officefiles.sheet_table(sheets, title, headers)
        if table is None or isinstance(table, str):
            errors[title] = table or f"缺少工作表「{title}」"
            out[title] = []
            continue
        tables.append(table)
        out[title] = [
            {"_row": n, **{h: officefiles.cell_text(row[h]) for h in headers}} for n, row in table.rows
        ]
    return out


def bundle_import(*, actor, content: bytes) -> list[Bundle]:
    """All or nothing, as the item catalogue: every row is checked, any error and nothing is saved
    (the refusal carries the sheets back with a 错误说明 column)."""
    from gaoxin.core import officefiles

    from .catalogue import _refused

    _check_editor(actor)
    sheets = officefiles.read_workbook(content)
    if not set(BUNDLE_SHEETS) & {s.title for s in sheets}:
        raise officefiles.refuse("文件不是一件事目录工作簿（需要“一件事”“成员事项”“一套材料”三个工作表）")
    errors: dict[str, str] = {}
    tables: list = []
    rows = _bundle_rows(sheets, errors, tables)
    parsed: dict[str, dict] = {}
    modes = {str(label): value for value, label in Bundle.Mode.choices} | {v: v for v in Bundle.Mode.values}
    for r in rows["一件事"]:
        where = f"一件事!第{r['_row']}行"
        code = r["一件事编码"]
        if not code or code in parsed:
            errors[f"{where} 一件事编码"] = "必填且不能重复"
            continue
        try:
            form = [
                {"name": n, "label": label, "required": True}
                for n, label in _pairs(r["一表申请字段"], "一表申请字段")
            ]
        except ValueError as exc:
            errors[f"{where} 一表申请字段"] = str(exc)
            form = []
        if r["办理方式"] not in modes:
            errors[f"{where} 办理方式"] = "应为 并联办理 / 按序办理"
        days = officefiles.cell_int(r["承诺办结时限"]) if r["承诺办结时限"].isdigit() else None
        if days is None:
            errors[f"{where} 承诺办结时限"] = "应为整数（工作日）"
        parsed[code] = {
            "_row": r["_row"],
            "fields": {
                "code": code,
                "name": r["一件事名称"],
                "mode": modes.get(r["办理方式"], ""),
                "committed_days": days,
                "guide": r["一次告知"],
                "form_fields": form,
            },
            "members": [],
            "materials": [],
        }
    for title, key in (("成员事项", "members"), ("一套材料", "materials")):
        for r in rows[title]:
            where = f"{title}!第{r['_row']}行"
            target = parsed.get(r["一件事编码"])
            if target is None:
                errors[f"{where} 一件事编码"] = "一件事表中没有该编码"
                continue
            entry: dict[str, object]
            try:
                if key == "members":
                    entry = {
                        "order": int(r["序号"]) if r["序号"].isdigit() else None,
                        "item": officefiles.cell_code(r["事项编码"], lengths=(12,)),
                        "field_map": dict(_pairs(r["字段对应"], "字段对应")),
                    }
                else:
                    entry = {
                        "order": int(r["序号"]) if r["序号"].isdigit() else None,
                        "name": r["材料名称"],
                        "required": r["必要"] != "否",
                        "file_types": r["文件类型"] or "pdf,jpg,png",
                        "targets": [
                            {"item": i, "material": int(m) if m.isdigit() else 0}
                            for i, m in _pairs(r["对应事项材料"], "对应事项材料")
                        ],
                    }
            except ValueError as exc:
                errors[where] = str(exc)
                continue
            target[key].append(entry)
    if not parsed and not errors:
        errors["一件事"] = "没有任何一件事"
    if errors:
        raise _refused(errors, tables, "一件事")
    saved = []
    with transaction.atomic():
        for b in parsed.values():
            try:
                with transaction.atomic():
                    saved.append(_save(actor, b["fields"], b["members"], b["materials"]))
            except DomainError as exc:
                errors[f"一件事!第{b['_row']}行"] = exc.message
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise _refused(errors, tables, "一件事")
    return saved
