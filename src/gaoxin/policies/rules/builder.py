"""The form-based rule builder: rows of (variable, operator, value[, unit][, year]) joined by
全部满足/满足其一 → CEL, and back: a rule the rows can express re-opens as rows.

Each variable type offers its own operators in Chinese; a variable with a closed list of values
offers those values by label (the rows carry codes); a number is typed in its unit (万元, %)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .ast import And, Cmp, In, Lit, Not, Or, Ref, RuleError, parse_rule
from .exact import fraction
from .sentences import noun, unit
from .variables import BOOL, NUMBER, VARIABLES, Variable

MAX_ROWS = 12

NUMBER_OPS = {
    ">=": N_("不少于"),
    "<=": N_("不多于"),
    ">": N_("多于"),
    "<": N_("少于"),
    "==": N_("等于"),
    "!=": N_("不等于"),
}
CHOICE_OPS = {"in": N_("是其中之一"), "not_in": N_("不是其中之一")}
TEXT_OPS = {"==": N_("等于"), "!=": N_("不等于"), "in": N_("是其中之一（逗号分隔）")}
BOOL_OPS = {"is_true": N_("为真（是）"), "is_false": N_("为假（否）")}
OPERATORS = {**NUMBER_OPS, **TEXT_OPS, **CHOICE_OPS, **BOOL_OPS}
JOINS = {"all": N_("全部满足"), "any": N_("满足其一")}

# a number typed in 万元 or % is stored in 元 or as a ratio
SCALES = {"元": {"元": 1, "万元": 10**4, "亿元": 10**8}, "%": {"%": Decimal("0.01")}}


@dataclass
class Row:
    variable: str
    op: str = ""
    value: str = ""
    year: str = ""
    values: tuple[str, ...] = field(default=())  # codes ticked for a choice variable
    scale: str = ""  # the unit the number is typed in (万元); empty = the variable's own unit


def operators(var: Variable | None) -> dict[str, str]:
    """The operators a variable offers, code → Chinese."""
    if var is None:
        return {}
    if var.type == BOOL:
        return BOOL_OPS
    if var.type == NUMBER:
        return NUMBER_OPS
    return CHOICE_OPS if var.choices else TEXT_OPS


def scales(var: Variable | None) -> list[str]:
    """The units a number may be typed in; the first is the default."""
    if var is None or var.type != NUMBER:
        return []
    u = unit(var)
    if u == "元":
        return ["万元", "元", "亿元"]
    return [u] if u else []


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(text: str, var: Variable, scale: str = "") -> str:
    bad = RuleError(_("“{}”不是数字，请只填数字，如 500").format(text.strip()))
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise bad from None
    if not value.is_finite():
        raise bad
    factors = SCALES.get(unit(var), {})
    if not scale and len(scales(var)) == 1:
        scale = scales(var)[0]  # a percentage is always typed as one (10 = 10%)
    value = value * Decimal(factors.get(scale, 1))  # 元 with no unit given: 元
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value.normalize())


def _choice(var, text: str) -> str:
    """A value given as its label (小型) or its code (small) → the code; anything else is refused."""
    text = text.strip()
    for code, label in var.choices:
        if text in (code, str(label)):
            return code
    allowed = "、".join(str(label) for _code, label in var.choices)
    raise RuleError(_("“{}”没有取值“{}”，可选：{}").format(var.label, text, allowed))


def row_to_cel(row: Row) -> str:
    var = VARIABLES.get(row.variable)
    if var is None:
        raise RuleError(_("未知变量“{}”").format(row.variable))
    ops = operators(var)
    op = row.op if row.op in ops else ""
    if not op and var.choices and row.op == "==":
        op = "in"  # one value ticked reads the same
    if not op and row.op in OPERATORS:
        allowed = "、".join(_(v) for v in ops.values())
        raise RuleError(_("“{}”不能选“{}”，可选：{}").format(noun(var), _(OPERATORS[row.op]), allowed))
    op = op or next(iter(ops))
    ref = var.name
    if var.takes_year:
        if not row.year.strip().isdigit():
            raise RuleError(_("请选择“{}”的年度").format(noun(var)))
        ref = f"{var.name}({int(row.year)})"
    if var.type == BOOL:
        return ref if op == "is_true" else f"!{ref}"
    if var.choices:
        if op == "in" and row.op in ("==", "!=") and row.value.strip() and not row.values:
            return f"{ref} {row.op} {_quote(_choice(var, row.value))}"  # one value typed
        codes = [c for c in row.values if c]
        codes += [p for p in row.value.replace("，", ",").split(",") if p.strip()]
        if not codes:
            raise RuleError(_("请勾选“{}”的取值").format(noun(var)))
        items = ", ".join(_quote(_choice(var, c)) for c in dict.fromkeys(codes))
        return f"!({ref} in [{items}])" if op == "not_in" else f"{ref} in [{items}]"
    if var.type == NUMBER:
        if not row.value.strip():
            raise RuleError(_("请填写“{}”的数值").format(noun(var)))
        return f"{ref} {op} {_number(row.value, var, row.scale)}"
    parts = [p.strip() for p in row.value.replace("，", ",").split(",") if p.strip()]
    if not parts:
        raise RuleError(_("请填写“{}”的取值").format(noun(var)))
    if op == "in":
        return f"{ref} in [{', '.join(_quote(p) for p in parts)}]"
    return f"{ref} {op} {_quote(row.value.strip())}"


def build_rows(rows: list[Row], join: str = "all") -> tuple[str, dict[int, str]]:
    """The rule of the rows and each bad row's message (by row index); the rule is "" on any error."""
    parts, errors = [], {}
    for i, row in enumerate(rows):
        if not row.variable:
            continue
        try:
            parts.append(row_to_cel(row))
        except RuleError as exc:
            errors[i] = exc.message
    if errors or not parts:
        return "", errors
    glue = " || " if join == "any" else " && "
    return glue.join(f"({p})" if " || " in p else p for p in parts), {}


def build(rows: list[Row], join: str = "all") -> str:
    rule, errors = build_rows(rows, join)
    if errors:
        raise RuleError(next(iter(errors.values())))
    if not rule:
        raise RuleError(_("请至少添加一个条件"))
    return rule


# ---- back from a rule to rows ---------------------------------------------------------------


def _shown_number(value, var: Variable) -> tuple[str, str]:
    """A stored number in the unit a person would type it in: 5000000 元 → ("500", "万元")."""
    v = fraction(value)
    factors = SCALES.get(unit(var), {})
    candidates = ["万元", "元"] if unit(var) == "元" else (scales(var) or [""])
    for scale in candidates:
        scaled = v / fraction(Decimal(factors.get(scale, 1)))
        if scaled.denominator == 1 or scale == candidates[-1]:
            shown = (Decimal(scaled.numerator) / Decimal(scaled.denominator)).normalize()
            return format(shown, "f"), scale
    raise AssertionError("unreachable")


def _row(node) -> Row | None:
    negated = isinstance(node, Not)
    inner = node.x if negated else node
    if isinstance(inner, Ref) and inner.var.type == BOOL:
        return Row(inner.var.name, "is_false" if negated else "is_true", year=_year(inner))
    if isinstance(inner, In) and isinstance(inner.left, Ref) and all(isinstance(i, Lit) for i in inner.items):
        var = inner.left.var
        codes = tuple(str(i.value) for i in inner.items)
        if var.choices:
            return Row(var.name, "not_in" if negated else "in", values=codes, year=_year(inner.left))
        if not negated:
            return Row(var.name, "in", value="，".join(codes), year=_year(inner.left))
        return None
    if negated or not isinstance(inner, Cmp):
        return None
    left, right, op = inner.left, inner.right, inner.op
    if not (isinstance(left, Ref) and isinstance(right, Lit)):
        return None
    var = left.var
    if var.type == NUMBER:
        value, scale = _shown_number(right.value, var)
        return Row(var.name, op, value=value, year=_year(left), scale=scale)
    if var.type == BOOL:
        return Row(var.name, "is_true" if bool(right.value) == (op == "==") else "is_false")
    if var.choices and op == "==":
        return Row(var.name, "in", values=(str(right.value),))
    if var.choices:
        return Row(var.name, "not_in", values=(str(right.value),))
    return Row(var.name, op, value=str(right.value))


def _year(ref: Ref) -> str:
    return str(ref.year) if ref.var.takes_year and ref.year is not None else ""


def rows_of(rule: str) -> tuple[list[Row], str] | None:
    """The rows and join of a rule the builder can express; None for one it cannot."""
    if not rule.strip():
        return [], "all"
    try:
        node = parse_rule(rule)
    except RuleError:
        return None
    join, items = "all", (node,)
    if isinstance(node, And):
        items = node.items
    elif isinstance(node, Or):
        join, items = "any", node.items
    rows = [_row(i) for i in items]
    if any(r is None for r in rows) or len(rows) > MAX_ROWS:
        return None
    return [r for r in rows if r is not None], join


# ---- the rows of a form post -----------------------------------------------------------------


def rows_from_post(data, last_year: int) -> tuple[list[Row], str]:
    """The rows of the builder form (var0, op0, val0, vals0 …), after its 添加/删除 buttons; a
    yearly variable without a year takes the last year (the select shows 上一年度 first)."""
    rows = []
    for i in range(MAX_ROWS):
        if f"var{i}" not in data:
            continue
        var = VARIABLES.get(data.get(f"var{i}", ""))
        year = data.get(f"year{i}", "")[:4]
        if var is not None and var.takes_year and not year.strip():
            year = str(last_year)
        rows.append(
            Row(
                data.get(f"var{i}", "")[:60],
                data.get(f"op{i}", "")[:10],
                data.get(f"val{i}", "")[:200],
                year,
                tuple(v[:40] for v in data.getlist(f"vals{i}")[:20]),
                data.get(f"scale{i}", "")[:4],
            )
        )
    action = data.get("action", "")
    if action == "add" and len(rows) < MAX_ROWS:
        rows.append(Row(""))
    elif action.startswith("remove") and action[6:].isdigit() and int(action[6:]) < len(rows):
        del rows[int(action[6:])]
    join = "any" if data.get("join") == "any" else "all"
    return rows, join


def year_options(last_year: int) -> list[tuple[str, str]]:
    out = [(str(last_year), _("上一年度（{} 年）").format(last_year))]
    out.append((str(last_year + 1), _("本年度（{} 年）").format(last_year + 1)))
    out += [(str(y), _("{} 年").format(y)) for y in range(last_year - 1, last_year - 7, -1)]
    return out


def row_forms(rows: list[Row], errors: dict[int, str], last_year: int) -> list[dict]:
    """What the template needs to draw each row: its operators, values, units and years."""
    out = []
    for i, row in enumerate(rows):
        var = VARIABLES.get(row.variable)
        ops = operators(var)
        ticked = set(row.values) | {
            code
            for code, label in (var.choices if var else ())
            for p in row.value.replace("，", ",").split(",")
            if p.strip() in (code, str(label))
        }
        out.append(
            {
                "i": i,
                "row": row,
                "var": var,
                "unit": unit(var) if var and var.type == NUMBER else "",
                "ops": [(k, _(v), k == row.op or (k == "in" and row.op == "==")) for k, v in ops.items()],
                "choices": [(c, str(label), c in ticked) for c, label in (var.choices if var else ())],
                "scales": [
                    (s, s == (row.scale or (unit(var) if row.value else scales(var)[0]))) for s in scales(var)
                ]
                if len(scales(var)) > 1
                else [],
                "years": year_options(last_year) if var and var.takes_year else [],
                "year": row.year or str(last_year),
                "error": errors.get(i, ""),
            }
        )
    return out
