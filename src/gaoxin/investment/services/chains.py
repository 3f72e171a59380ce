"""Industry chains (产业链图谱): links keyed to GB/T 4754-2017 classes, the registry's enterprises placed on
them (by industry code and by hand), and the gap analysis that proposes links for 补链 and 延链."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.enterprises import gbt
from gaoxin.enterprises.selectors import annual_figures, enterprise_names, enterprises_by_gbt, registry_has

from .. import permissions
from ..models import Chain, ChainLink, ChainTarget, LinkPlacement, Project

# A link is weak with fewer enterprises than this, or under this share of the chain's reported output.
WEAK_COUNT = 3
WEAK_OUTPUT_SHARE = Decimal("0.05")
GAP_LABELS = {
    "missing": gettext_lazy("缺失"),
    "weak": gettext_lazy("薄弱"),
    "imported": gettext_lazy("链主外购"),
}


def _require_manager(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied("只有投资促进局可以维护产业链图谱")


CLASS_CODE = re.compile(r"^[A-T]\d{2,4}$")


def _codes(text: str) -> str:
    """Comma-separated GB/T 4754-2017 codes (a division such as C36 or a finer class such as C3841)."""
    codes = []
    for raw in (text or "").replace("，", ",").split(","):
        raw = raw.strip().upper()
        if not raw:
            continue
        if not CLASS_CODE.match(raw) or gbt.normalize(raw[:3]) is None:
            raise ValidationFailed(
                f"“{raw}”不是 GB/T 4754-2017 的行业代码", fields={"gbt_codes": "代码不正确"}
            )
        codes.append(raw)
    return ",".join(dict.fromkeys(codes))


@transaction.atomic
def chain_create(*, actor, code: str, name: str, anchor: str = "", order: int = 100) -> Chain:
    _require_manager(actor)
    if Chain.objects.filter(code=code).exists():
        raise Conflict("该产业链代码已存在")
    chain = Chain.objects.create(code=code, name=name.strip(), anchor=anchor.strip(), order=order)
    audit.record(actor=actor, action="investment_chain.create", obj=chain, summary={"name": chain.name})
    return chain


@transaction.atomic
def link_add(
    *,
    actor,
    chain: Chain,
    name: str,
    parent: ChainLink | None = None,
    gbt_codes: str = "",
    imported_demand: bool = False,
    order: int = 100,
) -> ChainLink:
    _require_manager(actor)
    if parent is not None and parent.chain_id != chain.pk:
        raise ValidationFailed("上级环节不属于该产业链", fields={"parent": "须为本链环节"})
    link = ChainLink.objects.create(
        chain=chain,
        parent=parent,
        name=name.strip(),
        gbt_codes=_codes(gbt_codes),
        imported_demand=imported_demand,
        order=order,
    )
    audit.record(actor=actor, action="investment_chain.link", obj=link, summary={"name": link.name})
    return link


@transaction.atomic
def placement_add(*, actor, link: ChainLink, uscc: str, note: str = "") -> LinkPlacement:
    """Place a registry enterprise on a link by hand (one whose industry code does not say it)."""
    _require_manager(actor)
    if not registry_has(uscc):
        raise ValidationFailed("企业名录中没有该信用代码的企业", fields={"uscc": "名录中不存在"})
    try:
        with transaction.atomic():
            placement = LinkPlacement.objects.create(link=link, uscc=uscc, note=note[:200])
    except IntegrityError:
        raise Conflict("该企业已在该环节上") from None
    audit.record(actor=actor, action="investment_chain.place", obj=link, summary={"uscc": uscc})
    return placement


@transaction.atomic
def target_add(*, actor, link: ChainLink, company: str, city: str = "", note: str = "") -> ChainTarget:
    _require_manager(actor)
    if not company.strip():
        raise ValidationFailed("请填写目标企业", fields={"company": "必填"})
    try:
        with transaction.atomic():
            target = ChainTarget.objects.create(
                link=link, company=company.strip(), city=city.strip(), note=note
            )
    except IntegrityError:
        raise Conflict("该目标企业已在清单中") from None
    audit.record(actor=actor, action="investment_chain.target", obj=link, summary={"company": target.company})
    return target


# ---- the map and its gaps --------------------------------------------------------------------------


def _matches(code: str, link_codes: list[str]) -> bool:
    return any(code.startswith(c) for c in link_codes)


def chain_map(chain: Chain, *, year: int | None = None, weak_count: int = WEAK_COUNT) -> dict:
    """Every link of the chain with its enterprises (by code and by hand), their reported output of the
    year, its projects, and its gap: missing (no enterprise), weak (few or little output), imported
    (anchors buy it from outside); and the proposals — 补链 for a gap inside the chain or one the anchors
    import, 延链 for a gap at its end — with the target companies to approach."""
    year = year or clock.today().year - 1
    links = list(ChainLink.objects.filter(chain=chain).order_by("order", "id"))
    all_codes = sorted({c for link in links for c in link.codes()})
    registry = enterprises_by_gbt(all_codes)
    manual: dict[int, set[str]] = defaultdict(set)
    for link_id, uscc in LinkPlacement.objects.filter(link__chain=chain).values_list("link_id", "uscc"):
        manual[link_id].add(uscc)
    members: dict[int, set[str]] = {}
    for link in links:
        codes = link.codes()
        by_code = {e["uscc"] for e in registry if codes and _matches(e["gbt_code"], codes)}
        members[link.pk] = by_code | manual[link.pk]
    usccs = set().union(*members.values()) if members else set()
    figures = annual_figures(usccs=usccs, year=year)
    names = {e["uscc"]: e["name"] for e in registry}
    names.update(enterprise_names(usccs - set(names)))
    projects: dict[int, int] = dict(
        Project.objects.filter(link__chain=chain)
        .order_by()
        .values("link_id")
        .annotate(n=Count("id"))
        .values_list("link_id", "n")
    )
    targets: dict[int, list[str]] = defaultdict(list)
    for t in ChainTarget.objects.filter(link__chain=chain).order_by("id"):
        targets[t.link_id].append(t.company)
    output = {
        link.pk: sum(
            (figures[u]["output_value"] or Decimal(0) for u in members[link.pk] if u in figures), Decimal(0)
        )
        for link in links
    }
    total = sum(output.values(), Decimal(0))
    has_children = {link.parent_id for link in links if link.parent_id}
    nodes = []
    for link in links:
        n = len(members[link.pk])
        share = (output[link.pk] / total) if total else Decimal(0)
        gaps = []
        if n == 0:
            gaps.append("missing")
        elif n < weak_count or (total and share < WEAK_OUTPUT_SHARE):
            gaps.append("weak")
        if link.imported_demand:
            gaps.append("imported")
        proposal = ""
        if gaps:
            proposal = (
                _("补链")
                if (link.pk in has_children or link.imported_demand or link.parent_id is None)
                else _("延链")
            )
            if gaps == ["imported"]:
                proposal = _("补链")
        nodes.append(
            {
                "id": link.pk,
                "name": link.name,
                "parent": link.parent_id,
                "codes": link.codes(),
                "enterprises": [
                    {"uscc": u, "name": names.get(u, u), "manual": u in manual[link.pk]}
                    for u in sorted(members[link.pk], key=lambda u: names.get(u, u))
                ],
                "count": n,
                "output": output[link.pk],
                "output_share": round(float(share) * 100, 1),
                "projects": projects.get(link.pk, 0),
                "gaps": gaps,
                "gap_labels": [str(GAP_LABELS[g]) for g in gaps],
                "gap_tags": [(g, str(GAP_LABELS[g])) for g in gaps],
                "proposal": proposal,
                "targets": targets[link.pk],
            }
        )
    order = {"missing": 0, "imported": 1, "weak": 2}
    proposals = sorted(
        (n for n in nodes if n["proposal"]),
        key=lambda n: (
            0 if "imported" in n["gaps"] else 1,
            min(order[g] for g in n["gaps"]),
            n["count"],
            n["id"],
        ),
    )
    return {
        "chain": {"id": chain.pk, "code": chain.code, "name": chain.name, "anchor": chain.anchor},
        "year": year,
        "nodes": nodes,
        "proposals": [
            {
                "link": n["id"],
                "name": n["name"],
                "proposal": n["proposal"],
                "gaps": n["gaps"],
                "gap_labels": n["gap_labels"],
                "targets": n["targets"],
            }
            for n in proposals
        ],
    }


def chain_tree(nodes: list[dict]) -> list[dict]:
    """The nodes as nested children (for an ECharts tree)."""
    by_id = {
        n["id"]: {
            "name": n["name"],
            "id": n["id"],
            "value": n["count"],
            "gaps": n["gaps"],
            "gap_labels": n["gap_labels"],
            "children": [],
        }
        for n in nodes
    }
    roots = []
    for n in nodes:
        node = by_id[n["id"]]
        if n["parent"] and n["parent"] in by_id:
            by_id[n["parent"]]["children"].append(node)
        else:
            roots.append(node)
    return roots
