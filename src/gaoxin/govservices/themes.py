"""Themes (主题服务) and search synonyms: versioned data files under govservices/data/, read once.

A theme holds item-name keywords and/or item codes, so it follows the catalogue as items are imported
or renamed without a table to keep in step; a synonym maps a word people say to words in item names
or result names (营业执照 → 设立登记)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data"
AUDIENCES = {"enterprise": _("法人服务"), "citizen": _("个人服务")}


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    audience: str
    description: str
    keywords: tuple[str, ...]
    codes: tuple[str, ...]

    def condition(self) -> Q:
        """The items of this theme: a name containing a keyword, or a listed code."""
        q = Q(code__in=self.codes) if self.codes else Q(pk__in=[])
        for word in self.keywords:
            q |= Q(name__icontains=word)
        return q


@cache
def themes() -> tuple[Theme, ...]:
    rows = json.loads((DATA / "themes.json").read_text(encoding="utf-8"))["themes"]
    out = tuple(
        Theme(
            slug=r["slug"],
            name=r["name"],
            audience=r["audience"],
            description=r.get("description", ""),
            keywords=tuple(r.get("keywords", ())),
            codes=tuple(r.get("codes", ())),
        )
        for r in rows
    )
    bad = [t.slug for t in out if t.audience not in AUDIENCES or not (t.keywords or t.codes)]
    if bad or len({t.slug for t in out}) != len(out):
        raise ValueError(f"themes.json: bad or duplicate themes {bad}")
    return out


def theme_get(slug: str) -> Theme | None:
    return next((t for t in themes() if t.slug == slug), None)


def themes_by_audience() -> list[tuple[str, list[Theme]]]:
    return [(label, [t for t in themes() if t.audience == key]) for key, label in AUDIENCES.items()]


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    rows = json.loads((DATA / "synonyms.json").read_text(encoding="utf-8"))["synonyms"]
    return {term: tuple(words) for term, words in rows.items()}


def search_terms(q: str) -> list[str]:
    """The words to look for: the query itself and the synonyms of every listed term it contains."""
    terms = [q]
    for term, words in synonyms().items():
        if term in q:
            terms += [w for w in words if w not in terms]
    return terms
