"""List Chinese string constants in the app modules that are not marked for translation.

Usage: python scripts/cjk_literals.py [ROOT]   (default: src/gaoxin)
Skipped: migrations, the demo, docstrings, arguments of the gettext family, of format_lazy, of logging
calls and of the exceptions whose text errorpages.user_message already handles.
"""

import ast
import re
import sys
from pathlib import Path

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "format_lazy",
    "_lazy",
    "gettext_noop",
}
LOG = {"debug", "info", "warning", "error", "exception", "critical"}
SKIP_DIRS = {"migrations", "demo", "locale", "static", "templates"}


def _name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _docstrings(tree):
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _excluded(tree, extra_calls):
    """ids of the constants inside a gettext/log/exception call."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            logging_call = name in LOG and isinstance(node.func, ast.Attribute)
            exc = name.endswith("Error") or name.endswith("Exception") or name in extra_calls
            if name in GETTEXT or logging_call or exc:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Constant):
                        out.add(id(sub))
        elif isinstance(node, ast.Raise | ast.Assert):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant):
                    out.add(id(sub))
    return out


def scan_file(path, extra_calls=frozenset()):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _excluded(tree, extra_calls)
    hits = []
    for node in ast.walk(tree):
        is_str = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_str and id(node) not in skip and CJK.search(node.value):
            hits.append((node.lineno, node.value))
    return sorted(hits)


def scan(root, extra_calls=frozenset()):
    root = Path(root)
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIP_DIRS & set(rel.parts[:-1]):
            continue
        for line, value in scan_file(path, extra_calls):
            yield str(rel), line, value


if __name__ == "__main__":
    for rel, line, value in scan(sys.argv[1] if len(sys.argv) > 1 else "src/gaoxin"):
        print(f"{rel}:{line}: {value!r}")
