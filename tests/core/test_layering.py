"""No import runs upward (DESIGN.md, "Layering"): every module of src/gaoxin is parsed with ast and
each import of another gaoxin package is checked against what its own package may use."""

import ast
from pathlib import Path

import gaoxin

SRC = Path(gaoxin.__file__).parent

_PILLAR_BASE = {"core", "accounts", "enterprises"}
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core"},
    "enterprises": {"core", "accounts"},
    "govservices": _PILLAR_BASE,
    "policies": _PILLAR_BASE | {"govservices"},
    "investment": _PILLAR_BASE | {"govservices", "policies"},
    "talent": _PILLAR_BASE | {"govservices", "policies"},
    "innovation": _PILLAR_BASE | {"govservices"},
    "economy": _PILLAR_BASE | {"govservices", "policies", "investment", "talent", "innovation"},
}
# demo, urls, api, views, settings, cli, wsgi and formats sit on top and may import anything.

# Upward imports accepted for now, each with its reason: (importing module, imported module).
ALLOWANCES: set[tuple[str, str]] = set()


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path):
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            if not node.module:  # from . import x, from .. import y
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"


def upward_imports(root: Path = SRC) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        layer = module.split(".")[1] if "." in module else ""
        allowed = MAY_IMPORT.get(layer)
        if allowed is None:
            continue
        for lineno, target in _imports(path, root):
            parts = target.split(".")
            if parts[0] != "gaoxin" or len(parts) < 2 or parts[1] == layer:
                continue
            if parts[1] not in allowed and (module, target) not in ALLOWANCES:
                found.append(f"{path.relative_to(root)}:{lineno} {layer} → {target}")
    return found


def test_no_import_runs_upward():
    found = upward_imports()
    assert not found, "向上层的导入（见 DESIGN.md 分层）：\n" + "\n".join(found)


def test_the_checker_sees_upward_imports(tmp_path):
    root = tmp_path / "gaoxin"
    (root / "core").mkdir(parents=True)
    (root / "enterprises" / "selectors").mkdir(parents=True)
    (root / "core" / "probe.py").write_text("import gaoxin.accounts.roles\n", "utf-8")
    (root / "enterprises" / "selectors" / "probe.py").write_text(
        "from gaoxin.core import audit\nfrom .. import models\n"
        "def f():\n    from ...policies import models\n    from ... import govservices\n",
        "utf-8",
    )
    (root / "views.py").write_text("from gaoxin.economy import home\n", "utf-8")
    assert upward_imports(root) == [
        "core/probe.py:1 core → gaoxin.accounts.roles",
        "enterprises/selectors/probe.py:4 enterprises → gaoxin.policies",
        "enterprises/selectors/probe.py:5 enterprises → gaoxin.govservices",
    ]
