"""The target list of a chain (区外目标企业, per link) from Excel, through the shared office-file layer:
a template with its 填表说明 and a dropdown of the chain's links, tolerant reading of what officials'
spreadsheet programs write, and all or nothing — any bad row refuses the file with every row's problem
and an error sheet to download, fix and upload again."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from gaoxin.core import audit, officefiles
from gaoxin.core.errors import Conflict

from ..models import Chain, ChainLink, ChainTarget
from .chains import _require_manager

MAX_ROWS = 2000
HEADERS = ["环节", "目标企业"]
OPTIONAL = ["所在地", "说明"]
LIMITS = {"目标企业": 120, "所在地": 60, "说明": 200}


def target_columns(chain: Chain) -> list[officefiles.TemplateColumn]:
    T = officefiles.TemplateColumn
    links = [link.name for link in ChainLink.objects.filter(chain=chain).order_by("order", "id")]
    return [
        T("环节", f"{chain.name}的环节名称，与产业链图谱中的写法一致", links[0] if links else "", choices=links, required=True, width=20),
        T("目标企业", "区外拟招引的企业全称（同一环节内不重复）", "某某新能源科技股份有限公司", required=True, width=36),
        T("所在地", "企业所在城市", "合肥", width=14),
        T("说明", "对接线索、产能或合作意向等", "动力电池电芯 20GWh", width=40),
    ]  # fmt: skip


def target_template(chain: Chain) -> bytes:
    """The import template of the chain's target list, holding the targets already entered."""
    rows = [
        (t.link.name, t.company, t.city, t.note)
        for t in ChainTarget.objects.filter(link__chain=chain).select_related("link").order_by("link", "id")
    ]
    return officefiles.template_workbook("目标企业", target_columns(chain), rows)


def _fail(errors: dict[str, str], table: officefiles.Table, by_row: dict[int, list[str]]) -> None:
    officefiles.refuse_rows(table, by_row)


def targets_import(*, actor, chain: Chain, content: bytes) -> int:
    """Add the file's targets to the chain's links; returns how many were added. Rows already on the
    list are refused with the others, so that importing a file twice never doubles it."""
    _require_manager(actor)
    table = officefiles.read_table(content, HEADERS, max_data_rows=MAX_ROWS, optional=OPTIONAL)
    links = {officefiles.norm_header(link.name): link for link in ChainLink.objects.filter(chain=chain)}
    existing = set(ChainTarget.objects.filter(link__chain=chain).values_list("link_id", "company"))
    seen: set[tuple[int, str]] = set()
    errors: dict[str, str] = {}
    by_row: dict[int, list[str]] = {}
    clean: list[ChainTarget] = []
    for n, row in table.rows:
        problems = []
        values = {h: officefiles.cell_text(row.get(h)) for h in HEADERS + OPTIONAL}
        name = values["环节"]
        link = links.get(officefiles.norm_header(name))
        if not name:
            problems.append("请填写环节")
        elif link is None:
            problems.append(f"环节“{name}”不在{chain.name}的图谱中")
        company = " ".join(values["目标企业"].split())
        if not company:
            problems.append("请填写目标企业")
        for header, limit in LIMITS.items():
            if len(values[header]) > limit:
                problems.append(f"{header}不能超过 {limit} 个字")
        if link is not None and company:
            if (link.pk, company) in existing:
                problems.append("该目标企业已在该环节的清单中")
            elif (link.pk, company) in seen:
                problems.append("与前面的行重复")
        if problems or link is None:
            errors[f"第{n}行"] = "；".join(problems)
            by_row[n] = problems
            continue
        seen.add((link.pk, company))
        clean.append(ChainTarget(link=link, company=company, city=values["所在地"], note=values["说明"]))
    if errors:
        _fail(errors, table, by_row)
    try:
        with transaction.atomic():
            ChainTarget.objects.bulk_create(clean)
    except IntegrityError:  # another import or entry added one of these meanwhile
        raise Conflict("目标企业清单刚被他人修改，请重新导入") from None
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="investment_chain.targets_import",
            obj=chain,
            summary={"added": len(clean), "companies": [t.company for t in clean[:20]]},
        )
    return len(clean)
