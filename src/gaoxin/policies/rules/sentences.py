"""A rule read back in plain Chinese: one sentence per top-level condition (“企业规模为小型、微型或中型”,
“2025 年发明专利授权不少于 1 件”), and, for one enterprise, each sentence with the enterprise's own
value, whether it is met, and what would make it qualify (“还差 1 件”).

Variables appear by their label, choice values by their choice label, numbers with their unit; no
rule code and no internal code is ever shown. The verdicts come from the evaluator, so they are the
matcher's verdicts exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gaoxin.enterprises.models import Industry, Park, Qualification

from .ast import And, Cmp, In, Lit, Not, Or, Ref, conjuncts
from .evaluator import value
from .exact import fraction, to_decimal
from .facts import Facts, load_facts
from .variables import BOOL, DATA_COLUMNS, GROWTH_COLUMNS, IP_COLUMNS, NUMBER, Variable

_PAREN = re.compile(r"（[^）]*）")

# the noun and unit of each registry field (labels in the registry carry hints for rule writers)
_FIELDS = {
    "size": (N_("企业规模"), ""),
    "above_scale": (N_("规上/限上企业"), ""),
    "scale_kind": (N_("规上类别"), ""),
    "industry__code": (N_("产业分类"), ""),
    "industry__tier": (N_("产业层级"), ""),
    "park__code": (N_("所在园区"), ""),
    "gbt_code": (N_("国民经济行业代码"), ""),
    "ownership": (N_("登记注册类型"), ""),
    "listed": (N_("上市企业"), ""),
    "top500_branch": (N_("世界500强分支机构"), ""),
    "status": (N_("经营状态"), ""),
    "registered_capital": (N_("注册资本"), "元"),
    "registered_on__year": (N_("成立年份"), "年"),
}
_SCALE_KINDS = {"industry": N_("规上工业"), "trade": N_("限上批零住餐"), "services": N_("规上服务业")}
_DATA_UNITS = {"bachelor_staff": N_("人")}

_NUMBER_OPS = {
    ">=": N_("不少于"),
    "<=": N_("不超过"),
    ">": N_("大于"),
    "<": N_("小于"),
    "==": N_("等于"),
    "!=": N_("不等于"),
}
_YEAR_OPS = {
    ">=": N_("不早于"),
    "<=": N_("不晚于"),
    ">": N_("晚于"),
    "<": N_("早于"),
    "==": N_("为"),
    "!=": N_("不为"),
}
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}
_NEGATE = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "==": "!=", "!=": "=="}


def noun(var: Variable) -> str:
    if var.source == "field":
        return _(_FIELDS.get(var.column, (_PAREN.sub("", var.label), ""))[0])
    if var.source == "qualification":
        return str(dict(Qualification.Kind.choices).get(var.column, _PAREN.sub("", var.label)))
    if var.source == "data":
        return _(_PAREN.sub("", DATA_COLUMNS[var.column]))
    if var.source == "growth":
        return _(GROWTH_COLUMNS[var.column]) + _("同比增长率")
    if var.source == "ip":
        return _(IP_COLUMNS[var.column])
    return _PAREN.sub("", var.label)


def unit(var: Variable) -> str:
    if var.source == "field":
        return _FIELDS.get(var.column, ("", ""))[1]
    if var.source == "data":
        found = re.search(r"（([^）]*)）", DATA_COLUMNS[var.column])
        return found.group(1) if found else _DATA_UNITS.get(var.column, "")
    if var.source == "growth":
        return "%"
    if var.source == "ip":
        return "件"
    return ""


_GROUPS = (
    ("field", N_("企业登记信息")),
    ("qualification", N_("资质")),
    ("data", N_("年度报表数据")),
    ("growth", N_("同比增长")),
    ("ip", N_("知识产权")),
    ("person", N_("人才（个人事项）")),
)


def variable_groups(variables) -> list[tuple[str, list[tuple[str, str]]]]:
    """The variables for a picker, grouped, each as (name, its Chinese label with unit and 年度 hint)."""
    out = []
    for source, title in _GROUPS:
        items = []
        for var in variables:
            if var.source != source:
                continue
            u = unit(var)
            label = noun(var) + (f"（{u}）" if u and u != "年" else "")
            items.append((var.name, label + (_("，按年度") if var.takes_year else "")))
        if items:
            out.append((_(title), items))
    return out


def subject(ref: Ref) -> str:
    """“2025 年营业收入”, “企业规模”."""
    return f"{ref.year} 年{noun(ref.var)}" if ref.var.takes_year else noun(ref.var)


def _plain(v: Decimal) -> str:
    """1234.5 → “1234.5”; 12345678 → “12,345,678” (grouped from five digits on)."""
    v = v.normalize()
    comma = "," if abs(v) >= 10000 else ""
    return f"{v:{comma}f}"


def amount(v, var: Variable) -> str:
    """A number in the variable's unit: “500 万元”, “10%”, “3 件”."""
    v = fraction(v)
    u = unit(var)
    if u == "%":
        return f"{_plain(to_decimal(v * 100, 2))}%"
    if u == "年":
        return f"{to_decimal(v, 0):f} 年"
    if u == "元":
        for divisor, name in ((10**8, N_("亿元")), (10**4, N_("万元"))):
            if abs(v) >= divisor:
                return f"{_plain(to_decimal(v / divisor, 6))} {_(name)}"
        return f"{_plain(to_decimal(v, 2))} {_('元')}"
    shown = _plain(to_decimal(v, 4))
    return f"{shown} {_(u)}" if u else shown


def choice(var: Variable, code) -> str:
    """The label of a value of a text variable (小型, 规上工业, a park's name)."""
    code = str(code)
    if var.choices:
        return str(dict(var.choices).get(code, _("其他")))
    if var.column == "scale_kind":
        return _(_SCALE_KINDS.get(code, "其他"))
    if var.column == "industry__tier":
        return str(dict(Industry.Tier.choices).get(code, _("其他")))
    if var.column == "industry__code":
        name = Industry.objects.filter(code=code).values_list("name", flat=True).first()
        return f"“{name}”" if name else _("未登记的产业")
    if var.column == "park__code":
        name = Park.objects.filter(code=code).values_list("name", flat=True).first()
        return f"“{name}”" if name else _("未登记的园区")
    return f"“{code}”"


def _or_list(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return "、".join(words[:-1]) + _("或") + words[-1]


def _literal(lit: Lit, var: Variable) -> str:
    if var.type == NUMBER:
        return amount(lit.value, var)
    return choice(var, lit.value)


def _truth(ref: Ref, yes: bool) -> str:
    if ref.var.source == "qualification":
        return (_("持有有效的{}资质") if yes else _("未持有有效的{}资质")).format(noun(ref.var))
    return (_("是{}") if yes else _("不是{}")).format(noun(ref.var))


def _cmp(op: str, ref: Ref, lit: Lit) -> str:
    var = ref.var
    if var.type == BOOL:
        return _truth(ref, bool(lit.value) == (op == "=="))
    if var.type == NUMBER:
        words = _YEAR_OPS if unit(var) == "年" else _NUMBER_OPS
        return f"{subject(ref)}{_(words[op])} {_literal(lit, var)}"
    word = _("为") if op == "==" else _("不为")
    return f"{subject(ref)}{word}{_literal(lit, var)}"


def _names(node) -> list[str]:
    seen: list[str] = []
    for ref in _refs(node):
        if subject(ref) not in seen:
            seen.append(subject(ref))
    return seen


def _refs(node):
    if isinstance(node, Ref):
        yield node
        return
    for attr in ("x", "left", "right", "test", "a", "b"):
        child = getattr(node, attr, None)
        if child is not None and not isinstance(child, str):
            yield from _refs(child)
    for child in getattr(node, "items", ()) or ():
        yield from _refs(child)
    for child in getattr(node, "args", ()) or ():
        yield from _refs(child)


def _generic(node) -> str:
    names = _names(node)
    if not names:
        return _("固定条件")
    return _("满足关于{}的计算条件").format("、".join(names))


def sentence(node, negated: bool = False) -> str:
    """One condition as a Chinese sentence."""
    if isinstance(node, Not):
        return sentence(node.x, not negated)
    if isinstance(node, Ref) and node.type == BOOL:
        return _truth(node, not negated)
    if isinstance(node, Lit) and node.type == BOOL:
        return _("所有企业均符合") if bool(node.value) != negated else _("任何企业均不符合")
    if isinstance(node, Cmp):
        op, left, right = node.op, node.left, node.right
        if isinstance(left, Lit) and isinstance(right, Ref):
            op, left, right = _FLIP[op], right, left
        if negated:
            op = _NEGATE[op]
        if isinstance(left, Ref) and isinstance(right, Lit):
            return _cmp(op, left, right)
        text = _generic(node)
        return _("不{}").format(text) if negated else text
    if isinstance(node, In) and isinstance(node.left, Ref):
        ref = node.left
        words = _or_list([_literal(i, ref.var) for i in node.items])
        return f"{subject(ref)}{_('不为') if negated else _('为')}{words}"
    if isinstance(node, And | Or):
        parts = [sentence(i) for i in node.items]
        if isinstance(node, Or):
            head = _("以下均不满足：") if negated else _("满足以下任一：")
            return head + _("；或").join(parts)
        if negated:
            return _("以下不同时满足：") + _("；").join(parts)
        return _("，且").join(parts)
    text = _generic(node)
    return _("不{}").format(text) if negated else text


def sentences(node) -> list[str]:
    """A parsed rule as sentences, one per top-level condition."""
    return [sentence(c) for c in conjuncts(node)]


@dataclass
class Reading:
    text: str
    result: bool | None
    values: list[tuple[str, str]] = field(default_factory=list)  # (subject, the enterprise's value)
    hint: str = ""

    @property
    def verdict(self) -> str:
        return {True: _("符合"), False: _("不符合"), None: _("数据缺失")}[self.result]

    @property
    def state(self) -> str:
        return {True: "met", False: "unmet", None: "unknown"}[self.result]


def shown(v, ref: Ref) -> str:
    """The enterprise's own value of a variable, in label form; “未填报” when unknown."""
    if v is None:
        return _("未填报")
    if isinstance(v, bool):
        return _("是") if v else _("否")
    if isinstance(v, str):
        return choice(ref.var, v) if v else _("未填报")
    if isinstance(v, Decimal | Fraction | int):
        return amount(v, ref.var)
    return _("已填报")


def _hint(node, facts: Facts) -> str:
    """For a not-met numeric threshold: how far away the enterprise is (“还差 1 件”)."""
    if isinstance(node, Not) and isinstance(node.x, Cmp):
        node = Cmp(_NEGATE[node.x.op], node.x.left, node.x.right)
    if not isinstance(node, Cmp):
        return ""
    op, left, right = node.op, node.left, node.right
    if isinstance(left, Lit) and isinstance(right, Ref):
        op, left, right = _FLIP[op], right, left
    if not (isinstance(left, Ref) and isinstance(right, Lit) and left.type == NUMBER):
        return ""
    have = value(left, facts)
    if have is None:
        return ""
    gap = fraction(right.value) - fraction(have)
    if unit(left.var) == "年":
        return _("需{}").format(_cmp(op, left, right).removeprefix(subject(left)))
    if op in (">=", ">") and gap >= 0:
        text = _("还差 {}").format(amount(gap, left.var))
        return text + (_("以上") if op == ">" else "")
    if op in ("<=", "<") and gap <= 0:
        text = _("超出 {}").format(amount(-gap, left.var))
        return text + (_("及以上") if op == "<" else "")
    return ""


def readings(node, facts: Facts) -> list[Reading]:
    """Each top-level condition for one enterprise: sentence, own values, verdict, what is missing."""
    out = []
    for cond in conjuncts(node):
        result = value(cond, facts)
        values, seen = [], set()
        for ref in _refs(cond):
            if subject(ref) in seen:
                continue
            seen.add(subject(ref))
            values.append((subject(ref), shown(value(ref, facts), ref)))
        hint = ""
        if result is False:
            hint = _hint(cond, facts)
        elif result is None:
            missing = [s for s, v in values if v == _("未填报")]
            hint = _("缺少数据：{}").format("、".join(missing)) if missing else ""
        out.append(Reading(sentence(cond), result, values, hint))
    return out


def near_miss_readings(node, misses, as_of) -> list[tuple[object, Reading]]:
    """For enterprises failing exactly one condition: that condition read for each, with its value
    and how far it is (“还差 20 万元”)."""

    facts = load_facts([e for e, _i in misses], as_of)
    items = conjuncts(node)
    return [(e, readings(items[i], facts[e.pk])[0]) for e, i in misses]


__all__ = ["Reading", "near_miss_readings", "readings", "sentence", "sentences"]
