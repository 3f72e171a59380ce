"""The user guides in docs/guide/ stay true to the platform: every screenshot a guide shows exists, every
guide page is reachable from the guide's index (and the index from the project README), and every
address a guide names (written `/path/` in backticks) is a page the platform serves."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
PAGES = sorted(GUIDE.glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH = re.compile(r"`(/[^`\s]*)`")


def _links(page: Path) -> list[str]:
    return LINK.findall(page.read_text(encoding="utf-8"))


def test_there_is_a_guide_per_role():
    names = {p.name for p in PAGES}
    assert "README.md" in names
    assert len(names) >= 11, f"指南页太少：{sorted(names)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_image_and_page_a_guide_links_exists(page):
    missing = []
    for target in _links(page):
        if "://" in target or target.startswith("#"):
            continue
        if not (page.parent / target.split("#")[0]).exists():
            missing.append(target)
    assert not missing, f"{page.name} 链接了不存在的文件：{missing}"


def test_every_guide_page_is_linked_from_the_index():
    linked = {Path(t.split("#")[0]).name for t in _links(GUIDE / "README.md")}
    unlinked = [p.name for p in PAGES if p.name != "README.md" and p.name not in linked]
    assert not unlinked, f"目录 docs/guide/README.md 没有链接：{unlinked}"


def test_the_project_readme_links_the_guide():
    assert "docs/guide/README.md" in _links(ROOT / "README.md")


def test_every_role_guide_shows_screenshots():
    bare = [
        p.name for p in PAGES if p.name != "README.md" and not re.search(r"!\[[^\]]*\]\(img/", p.read_text())
    ]
    assert not bare, f"这些指南没有截图：{bare}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_address_a_guide_names_is_served(page):
    wrong = []
    for path in PATH.findall(page.read_text(encoding="utf-8")):
        try:
            resolve(urlsplit(path).path)
        except Resolver404:
            wrong.append(path)
    assert not wrong, f"{page.name} 提到的地址不存在：{wrong}"


def test_every_screenshot_is_shown_by_a_guide():
    shown = {Path(t).name for p in PAGES for t in _links(p) if t.startswith("img/")}
    unused = sorted(p.name for p in (GUIDE / "img").glob("*.png") if p.name not in shown)
    assert not unused, f"这些截图没有哪一页指南用到（从 scripts/screenshots.py 删去或写进指南）：{unused}"
