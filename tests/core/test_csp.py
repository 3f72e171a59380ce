"""Content-Security-Policy: every answer carries it, it allows no inline script (nor inline style),
and no template relies on what it forbids (inline <script>, on*="…" handlers, style="…", <style>,
javascript: links). The browser side (no violation reported, the pages' scripts still working) is
checked by every browser test (tests/browser/conftest.py) and tests/browser/test_csp.py."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gaoxin.core.middleware import page_error_response

SRC = Path(__file__).resolve().parents[2] / "src" / "gaoxin"

FORBIDDEN = {
    "inline <script>": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I
    ),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def templates() -> list[Path]:
    found = sorted((SRC / "templates").rglob("*.html")) + sorted(SRC.glob("*/templates/**/*.html"))
    return found


def offences(text: str) -> list[str]:
    return [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]


def test_the_sweep_sees_each_kind_of_inline_code():
    assert offences('<button onclick="go()">') == ["event handler attribute"]
    assert offences("<script>alert(1)</script>") == ["inline <script>"]
    assert offences('<div class="x" style="width: 3px">') == ["style attribute"]
    assert offences("<style>p{}</style>") == ["<style> element"]
    assert offences('<a href="javascript:history.back()">') == ["javascript: URL"]
    assert offences('<script src="/static/a.js" defer></script>') == []
    assert offences('<script id="d" type="application/json">{}</script>') == []
    assert offences('<select name="s" data-autosubmit>') == []


def test_no_template_has_inline_script_handler_or_style():
    files = templates()
    assert len(files) >= 40
    bad = [f"{f.relative_to(SRC)}: {', '.join(o)}" for f in files if (o := offences(f.read_text()))]
    assert not bad, "move these into src/gaoxin/static/…:\n" + "\n".join(bad)


def test_the_error_page_written_in_code_has_no_inline_code(rf):
    from gaoxin.core.errors import Conflict

    r = page_error_response(rf.get("/x/"), Conflict("冲突"))
    assert offences(r.content.decode()) == []


def test_the_policy_forbids_inline_script_and_style(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in policy and directives["object-src"] == "'none'"


def _plain_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return sorted(
        "/" + t
        for t in walk(get_resolver().url_patterns)
        if "<" not in t and not t.startswith(("^", "admin/"))
    )


@pytest.mark.django_db
def test_every_page_answers_with_the_policy(clerk, ent_user):
    routes = _plain_routes()
    assert len(routes) >= 30
    for who in (None, clerk, ent_user):
        c = Client()
        if who is not None:
            c.force_login(who)
        for url in routes + ["/no-such-page/", "/api/v1/no-such-operation", "/verify/forged/"]:
            r = c.get(url)
            assert "script-src 'self'" in r.get("Content-Security-Policy", ""), (who, url, r.status_code)
