"""The form-based rule builder: rows of (variable, operator, value[, year]) joined by 且/或 → CEL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .ast import RuleError
from .variables import BOOL, NUMBER, VARIABLES

OPERATORS = {
    "==": "等于",
    "!=": "不等于",
    ">=": "大于等于",
    ">": "大于",
    "<=": "小于等于",
    "<": "小于",
    "in": "属于（逗号分隔）",
    "is_true": "为“是”",
    "is_false": "为“否”",
}


@dataclass
class Row:
    variable: str
    op: str
    value: str = ""
    year: str = ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(text: str) -> str:
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise RuleError(f"“{text}”不是数字") from None
    if not value.is_finite():
        raise RuleError(f"“{text}”不是数字")
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _choice(var, text: str) -> str:
    """A value typed as its label (小型) or its code (small) → the code; anything else is refused."""
    text = text.strip()
    for code, label in var.choices:
        if text in (code, str(label)):
            return code
    allowed = "、".join(str(label) for _, label in var.choices)
    raise RuleError(f"“{var.label}”没有取值“{text}”，可选：{allowed}")


def row_to_cel(row: Row) -> str:
    var = VARIABLES.get(row.variable)
    if var is None:
        raise RuleError(f"未知变量“{row.variable}”")
    if row.op not in OPERATORS:
        raise RuleError(f"未知运算“{row.op}”")
    ref = var.name
    if var.takes_year:
        if not row.year.strip().isdigit():
            raise RuleError(f"“{var.label}”需要填写年度")
        ref = f"{var.name}({int(row.year)})"
    if var.type == BOOL:
        if row.op not in ("is_true", "is_false"):
            raise RuleError(f"“{var.label}”只能选“为是”或“为否”")
        return ref if row.op == "is_true" else f"!{ref}"
    if row.op in ("is_true", "is_false"):
        raise RuleError(f"“{var.label}”不是是/否型变量")
    if var.choices:
        render = lambda s: _quote(_choice(var, s))  # noqa: E731
    else:
        render = _number if var.type == NUMBER else (lambda s: _quote(s.strip()))
    if row.op == "in":
        parts = [p for p in row.value.replace("，", ",").split(",") if p.strip()]
        if not parts:
            raise RuleError(f"请填写“{var.label}”的取值")
        return f"{ref} in [{', '.join(render(p) for p in parts)}]"
    if var.type != NUMBER and row.op not in ("==", "!="):
        raise RuleError(f"“{var.label}”是文本，只能选“等于”“不等于”“属于”")
    if not row.value.strip():
        raise RuleError(f"请填写“{var.label}”的取值")
    return f"{ref} {row.op} {render(row.value)}"


def build(rows: list[Row], join: str = "all") -> str:
    parts = [row_to_cel(r) for r in rows if r.variable]
    if not parts:
        raise RuleError("请至少添加一个条件")
    return (" && " if join == "all" else " || ").join(parts)
