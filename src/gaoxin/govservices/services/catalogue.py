"""The catalogue: drafts, publication of immutable versions, Excel import and export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from gaoxin.accounts.models import Department
from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from gaoxin.enterprises.search import pinyin_key

from .. import permissions as perms
from ..models import ItemVersion, MaterialSpec, ServiceItem, StageSpec


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "str"  # str, int, bool, choice, dept, fields
    choices: Any = None  # a TextChoices class for kind "choice"
    required: bool = True


V = ItemVersion
ITEM_COLUMNS = [
    Column("基本编码", "code"),
    Column("事项名称", "name"),
    Column("实施编码", "implementing_code"),
    Column("事项类型", "item_type", "choice", V.ItemType),
    Column("设定依据", "legal_basis"),
    Column("实施主体", "department", "dept"),
    Column("服务对象", "applicant_kind", "choice", V.ApplicantKind),
    Column("法定办结时限", "legal_days", "int"),
    Column("承诺办结时限", "committed_days", "int"),
    Column("办件类型", "handling", "choice", V.Handling),
    Column("受理条件", "conditions"),
    Column("是否收费", "fee", "bool"),
    Column("收费依据", "fee_basis", required=False),
    Column("到现场次数", "visits", "int"),
    Column("网上办理深度", "online_depth", "choice", V.OnlineDepth),
    Column("通办范围", "scope", "choice", V.Scope),
    Column("可容缺受理", "allow_deferral", "bool"),
    Column("可告知承诺", "allow_commitment", "bool"),
    Column("容缺材料补齐前可出证", "issue_before_supply", "bool"),
    Column("告知承诺书", "commitment_text", required=False),
    Column("核查时限", "verification_days", "int"),
    Column("特别程序", "special_procedures", required=False),
    Column("审批结果类型", "result_type", "choice", V.ResultType),
    Column("审批结果名称", "result_name"),
    Column("证照有效期（年）", "licence_years", "int"),
    Column("咨询方式", "consultation", required=False),
    Column("投诉方式", "complaint", required=False),
    Column("申请表字段", "form_fields", "fields", required=False),
]
MATERIAL_COLUMNS = [
    Column("基本编码", "code"),
    Column("序号", "order", "int"),
    Column("材料名称", "name"),
    Column("必要", "required", "bool"),
    Column("关键材料", "key", "bool"),
    Column("可承诺替代", "commitment_allowed", "bool"),
    Column("文件类型", "file_types"),
    Column("示例说明", "sample", required=False),
    Column("可复用证照的事项编码", "licence_item", required=False),
]
STAGE_COLUMNS = [
    Column("基本编码", "code"),
    Column("序号", "order", "int"),
    Column("环节名称", "name"),
    Column("办理角色", "role", "choice", StageSpec.Role),
    Column("环节时限", "days", "int"),
    Column("办理部门", "departments", "depts"),
]
SHEETS = [("事项", ITEM_COLUMNS), ("材料", MATERIAL_COLUMNS), ("环节", STAGE_COLUMNS)]


def _check_editor(actor) -> None:
    if not perms.can_edit_catalogue(actor):
        raise PermissionDenied("只有审批人或系统管理员可以维护事项目录")


def _validate_version(fields: dict, materials: list[dict], stages: list[dict]) -> dict[str, str]:
    errors = {}
    if fields["committed_days"] > fields["legal_days"]:
        errors["committed_days"] = "承诺时限不能超过法定时限"
    if fields["handling"] == V.Handling.PROMISED and not stages:
        errors["stages"] = "承诺件至少需要一个审查环节"
    if fields["allow_commitment"] and not fields.get("commitment_text"):
        errors["commitment_text"] = "可告知承诺的事项须有承诺书文本"
    if (
        sum(s["days"] for s in stages) > fields["committed_days"]
        and fields["handling"] == V.Handling.PROMISED
    ):
        errors["stages"] = "各环节时限之和超过承诺办结时限"
    orders = [m["order"] for m in materials]
    if len(orders) != len(set(orders)):
        errors["materials"] = "材料序号重复"
    return errors


@transaction.atomic
def item_draft_save(*, actor, fields: dict, materials: list[dict], stages: list[dict]) -> ItemVersion:
    """Create or replace the draft version of an item (the item is created on first save)."""
    _check_editor(actor)
    return _draft_save(actor, fields, materials, stages)


def _draft_save(actor, fields: dict, materials: list[dict], stages: list[dict]) -> ItemVersion:
    fields = dict(fields)
    code = fields.pop("code")
    errors = _validate_version(fields, materials, stages)
    if errors:
        raise ValidationFailed("事项内容有误：" + "；".join(errors.values()), fields=errors)
    item, created = ServiceItem.objects.get_or_create(
        code=code,
        defaults={
            "name": fields["name"],
            "department": fields["department"],
            "name_pinyin": pinyin_key(fields["name"]),
        },
    )
    draft = item.versions.filter(status=V.Status.DRAFT).first()
    if draft is None:
        number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ItemVersion(item=item, number=number)
    else:
        draft.materials.all().delete()
        draft.stages.all().delete()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save()
    MaterialSpec.objects.bulk_create([MaterialSpec(version=draft, **m) for m in materials])
    for s in stages:
        s = dict(s)
        departments = s.pop("departments")
        stage = StageSpec.objects.create(version=draft, **s)
        stage.departments.set(departments)
    audit.record(
        actor=actor, action="catalogue.draft_save", obj=draft, summary={"code": code, "number": draft.number}
    )
    return draft


@transaction.atomic
def item_publish(*, actor, code: str) -> ItemVersion:
    """The draft becomes the current version; it can no longer change, and new cases pin it."""
    _check_editor(actor)
    return _publish(actor, code)


def _publish(actor, code: str) -> ItemVersion:
    item = ServiceItem.objects.select_for_update().filter(code=code).first()
    if item is None:
        raise NotFound("未找到该事项")
    draft = item.versions.filter(status=V.Status.DRAFT).first()
    if draft is None:
        raise Conflict("该事项没有待发布的草稿")
    draft.status, draft.published_at = V.Status.PUBLISHED, clock.now()
    draft.save(update_fields=["status", "published_at"])
    item.current, item.name, item.department = draft, draft.name, draft.department
    item.name_pinyin = pinyin_key(draft.name)
    item.save()
    audit.record(
        actor=actor, action="catalogue.publish", obj=draft, summary={"code": code, "number": draft.number}
    )
    return draft


@transaction.atomic
def item_publish_on_behalf(*, actor, fields: dict, materials: list[dict], stages: list[dict]) -> ItemVersion:
    """Draft and publish in one step for another pillar's own permission-checked service (a policy
    officer publishing a 申报 clause is not a catalogue editor); validated and audited as usual."""
    version = _draft_save(actor, fields, materials, stages)
    return _publish(actor, version.item.code)


# ---- Excel ----


def _cell_out(col: Column, value):
    if col.kind == "bool":
        return "是" if value else "否"
    if col.kind == "choice":
        return str(col.choices(value).label)
    if col.kind == "dept":
        return value.code
    if col.kind == "depts":
        return ",".join(d.code for d in value)
    if col.kind == "fields":
        return ";".join(f"{f['name']}:{f['label']}:{'必填' if f.get('required') else '选填'}" for f in value)
    return value


MEANINGS = {
    "基本编码": "事项的 12 位基本编码（文本，保留开头的 0）",
    "事项名称": "事项的名称",
    "实施主体": "负责该事项的部门代码",
    "法定办结时限": "法定办结时限，工作日",
    "承诺办结时限": "承诺办结时限，工作日，不超过法定时限",
    "申请表字段": "name:标签:必填;… 用分号分隔",
    "办理部门": "部门代码，多个用逗号分隔",
    "序号": "从 1 开始的顺序",
    "环节时限": "该环节的时限，工作日",
}


def catalogue_columns(title: str) -> list:
    """The template columns of sheet `title` (事项, 材料, 环节): formats, dropdowns and meanings."""
    from gaoxin.core.officefiles import TemplateColumn

    cols = dict(SHEETS)[title]
    depts = list(Department.objects.values_list("code", flat=True))
    out = []
    for c in cols:
        kind = "text"
        choices: tuple[str, ...] = ()
        if c.field in ("code", "licence_item"):
            kind = "code"
        elif c.kind == "int":
            kind = "int"
        elif c.kind == "bool":
            choices = ("是", "否")
        elif c.kind == "choice":
            choices = tuple(str(label) for label in c.choices.labels)
        elif c.kind == "dept":
            kind, choices = "code", tuple(depts)
        out.append(
            TemplateColumn(
                c.header,
                MEANINGS.get(c.header, c.header),
                "",
                kind,
                choices,
                c.required,
                28 if kind == "text" and not choices else 14,
            )
        )
    return out


def catalogue_template() -> bytes:
    """The empty catalogue workbook: the three sheets formatted, with 填表说明."""
    return _catalogue_workbook([])


def catalogue_export(*, user) -> bytes:
    """The current version of every published item, in the same layout the import reads."""
    versions = ItemVersion.objects.filter(pk__in=ServiceItem.objects.values("current")).select_related(
        "item", "department"
    )
    return _catalogue_workbook(versions.prefetch_related("materials", "stages__departments"))


def _catalogue_workbook(versions) -> bytes:
    from openpyxl import Workbook

    from gaoxin.core.officefiles import instructions_sheet, style_sheet
    from gaoxin.core.spreadsheets import write_row

    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for title, cols in SHEETS:
        ws = wb.create_sheet(title)
        write_row(ws, [c.header for c in cols])
        sheets[title] = ws
    for v in versions:
        values = {c.field: getattr(v, c.field, None) for c in ITEM_COLUMNS}
        values["code"] = v.item.code
        write_row(sheets["事项"], [_cell_out(c, values[c.field]) for c in ITEM_COLUMNS])
        for m in v.materials.all():
            write_row(
                sheets["材料"],
                [v.item.code] + [_cell_out(c, getattr(m, c.field)) for c in MATERIAL_COLUMNS[1:]],
            )
        for s in v.stages.all():
            row = [
                v.item.code,
                s.order,
                s.name,
                s.get_role_display(),
                s.days,
                _cell_out(STAGE_COLUMNS[5], s.departments.all()),
            ]
            write_row(sheets["环节"], row)
    options = wb.create_sheet("选项")
    for title, _cols in SHEETS:
        style_sheet(sheets[title], catalogue_columns(title), options=options)
    instructions_sheet(wb, [(title, catalogue_columns(title)) for title, _ in SHEETS])
    wb.move_sheet("选项", offset=1)
    options.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_in(col: Column, raw, departments: dict):
    from gaoxin.core import officefiles

    if col.field in ("code", "licence_item"):  # 事项编码: text, its leading zeros restored when certain
        text = officefiles.cell_code(raw, lengths=(12,))
    else:
        text = officefiles.cell_text(raw)
    if not text:
        if col.required and col.kind not in ("bool",):
            raise ValueError("必填")
        return {"int": 0, "bool": False, "fields": []}.get(col.kind, "")
    if col.kind == "int":
        try:
            number = officefiles.cell_int(text)
        except ValueError:
            number = None
        if number is None:
            raise ValueError("应为整数")
        if number < 0 or number > 3650:
            raise ValueError("数值超出范围")
        return number
    if col.kind == "bool":
        if text not in ("是", "否"):
            raise ValueError("应为“是”或“否”")
        return text == "是"
    if col.kind == "choice":
        for value, label in col.choices.choices:
            if text in (value, label):
                return value
        raise ValueError("应为 " + " / ".join(map(str, col.choices.labels)))
    if col.kind == "dept":
        if text not in departments:
            raise ValueError(f"部门代码 {text} 不存在")
        return departments[text]
    if col.kind == "depts":
        codes = [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
        missing = [c for c in codes if c not in departments]
        if missing:
            raise ValueError("部门代码不存在：" + ",".join(missing))
        return [departments[c] for c in codes]
    if col.kind == "fields":
        out = []
        for part in text.split(";"):
            bits = part.split(":")
            if len(bits) != 3 or not bits[0].isidentifier():
                raise ValueError("格式应为 name:标签:必填;…")
            out.append({"name": bits[0], "label": bits[1], "required": bits[2] == "必填"})
        return out
    if len(text) > 2000:
        raise ValueError("内容过长")
    return text


def _read_sheet(sheets, title: str, cols: list[Column], departments: dict, errors: dict, tables: list):
    from gaoxin.core import officefiles

    table = officefiles.sheet_table(sheets, title, [c.header for c in cols])
    if table is None:
        errors[title] = f"缺少工作表「{title}」"
        return []
    if isinstance(table, str):
        errors[title] = table
        return []
    tables.append(table)
    out = []
    for n, row in table.rows:
        record = {"_row": n}
        for c in cols:
            try:
                record[c.field] = _cell_in(c, row[c.header], departments)
            except ValueError as exc:
                errors[f"{title}!第{n}行 {c.header}"] = str(exc)
        out.append(record)
    return out


def _refused(errors: dict, tables: list, what: str = "事项") -> ValidationFailed:
    """The refusal, with the uploaded sheets and a 错误说明 column on each row at fault."""
    import re

    from gaoxin.core import officefiles

    by_row: dict[tuple[str, int], list[str]] = {}
    for key, message in errors.items():
        m = re.match(r"^(.+?)!第(\d+)行\s*(.*)$", key)
        if m:
            by_row.setdefault((m.group(1), int(m.group(2))), []).append(
                f"{m.group(3)}：{message}" if m.group(3) else message
            )
    exc = ValidationFailed(f"导入失败，共 {len(errors)} 处错误，未导入任何{what}", fields=errors)
    if tables:
        exc.error_sheet = officefiles.error_workbook(tables, by_row)  # type: ignore[attr-defined]
    return exc


def catalogue_import(*, actor, content: bytes, publish: bool = True) -> list[ItemVersion]:
    """All or nothing: every row is checked first; any error and nothing is imported."""
    from gaoxin.core import officefiles

    _check_editor(actor)
    sheets = officefiles.read_workbook(content)
    if not {t for t, _ in SHEETS} & {s.title for s in sheets}:
        raise officefiles.refuse(
            "文件不是事项目录 Excel 工作簿（需要“事项”“材料”“环节”三个工作表），请下载模板填写"
        )
    departments = {d.code: d for d in Department.objects.all()}
    errors: dict[str, str] = {}
    tables: list = []
    items = _read_sheet(sheets, "事项", ITEM_COLUMNS, departments, errors, tables)
    materials = _read_sheet(sheets, "材料", MATERIAL_COLUMNS, departments, errors, tables)
    stages = _read_sheet(sheets, "环节", STAGE_COLUMNS, departments, errors, tables)
    codes = [i["code"] for i in items if "code" in i]
    for i in items:
        if len(i.get("code", "")) != 12:
            errors.setdefault(f"事项!第{i['_row']}行 基本编码", "基本编码应为 12 位")
        if codes.count(i.get("code")) > 1:
            errors.setdefault(f"事项!第{i['_row']}行 基本编码", "基本编码重复")
    for title, rows in (("材料", materials), ("环节", stages)):
        for r in rows:
            if r.get("code") not in codes:
                errors.setdefault(f"{title}!第{r['_row']}行 基本编码", "事项表中没有该编码")
    if not items and not errors:
        errors["事项"] = "没有任何事项"
    if errors:
        raise _refused(errors, tables)
    result = []
    with transaction.atomic():
        for i in items:
            row = i.pop("_row")
            mats = [
                {k: v for k, v in m.items() if k not in ("code", "_row")}
                for m in materials
                if m["code"] == i["code"]
            ]
            stg = [
                {k: v for k, v in s.items() if k not in ("code", "_row")}
                for s in stages
                if s["code"] == i["code"]
            ]
            try:
                version = item_draft_save(actor=actor, fields=i, materials=mats, stages=stg)
            except ValidationFailed as exc:
                errors[f"事项!第{row}行"] = exc.message
                continue
            except DomainError as exc:
                errors[f"事项!第{row}行"] = exc.message
                continue
            if publish:
                version = item_publish(actor=actor, code=version.item.code)
            result.append(version)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise _refused(errors, tables)
    return result


MATERIAL_FIELDS = (
    "order",
    "name",
    "required",
    "key",
    "commitment_allowed",
    "file_types",
    "sample",
    "licence_item",
)


@transaction.atomic
def item_made_instant(*, actor, code: str) -> ItemVersion:
    """承诺件 → 即办件: a new version of the item, handled on the spot at acceptance (no review stage,
    committed time 0), its materials unchanged; cases already submitted keep their version."""
    _check_editor(actor)
    # A plain lock query: PostgreSQL refuses FOR UPDATE on the nullable side of a join (current).
    item = ServiceItem.objects.select_for_update().filter(code=code).first()
    if item is None or item.current is None:
        raise NotFound("未找到该事项，或事项尚未发布")
    current = item.current
    if current.is_instant:
        raise Conflict("该事项已是即办件")
    fields = {c.field: getattr(current, c.field) for c in ITEM_COLUMNS if c.field != "code"}
    fields.update(code=item.code, handling=V.Handling.INSTANT, committed_days=0)
    materials = [{f: getattr(m, f) for f in MATERIAL_FIELDS} for m in current.materials.all()]
    _draft_save(actor, fields, materials, [])
    version = _publish(actor, item.code)
    audit.record(actor=actor, action="catalogue.made_instant", obj=version, summary={"code": item.code})
    return version
