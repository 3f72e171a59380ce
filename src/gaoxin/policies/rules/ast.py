"""From CEL text to a small typed tree (cel-python parses; we only read its Lark tree).

The tree is what both evaluators walk, so they see exactly the same meaning. Type checking
happens while converting: an unknown variable or a type mismatch raises RuleError with a plain
Chinese message. Numbers are one type (Decimal); `/` is real division; a year argument must be
an integer constant, so every data look-up is known before the query is built."""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import celpy
from lark import Token, Tree

from .variables import BOOL, FOR_PERSONS, NUMBER, PERSON_VARIABLES, STRING, TYPE_LABELS, VARIABLES, Variable

MAX_LENGTH = 4000
MIN_YEAR, MAX_YEAR = 1990, 2100


def _check_choice(ref, lit) -> None:
    """A variable with a closed list of values (企业规模 …) only compares with one of its codes; a
    label (小型) or an unknown value would silently match no one, so it is refused."""
    if not (isinstance(ref, Ref) and isinstance(lit, Lit) and ref.var.choices):
        return
    codes = dict(ref.var.choices)
    if lit.value in codes:
        return
    by_label = {str(label): code for code, label in ref.var.choices}
    allowed = "、".join(f"{label}（{code}）" for code, label in ref.var.choices)
    if str(lit.value) in by_label:
        raise RuleError(f'“{ref.var.label}”应写代码 "{by_label[str(lit.value)]}"，而不是“{lit.value}”')
    raise RuleError(f"“{ref.var.label}”没有取值“{lit.value}”，可选：{allowed}")


class RuleError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Lit:
    value: object
    type: str

    def __str__(self):
        if self.type == STRING:
            return '"' + str(self.value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if self.type == BOOL:
            return "true" if self.value else "false"
        return str(self.value)


@dataclass(frozen=True)
class Ref:
    var: Variable
    year: int | None = None

    @property
    def type(self):
        return self.var.type

    def __str__(self):
        return f"{self.var.name}({self.year})" if self.var.takes_year else self.var.name


@dataclass(frozen=True)
class Not:
    x: object
    type = BOOL

    def __str__(self):
        return f"!{_wrap(self.x)}"


@dataclass(frozen=True)
class And:
    items: tuple
    type = BOOL

    def __str__(self):
        return " && ".join(_wrap(i, Or) for i in self.items)


@dataclass(frozen=True)
class Or:
    items: tuple
    type = BOOL

    def __str__(self):
        return " || ".join(str(i) for i in self.items)


@dataclass(frozen=True)
class Cmp:
    op: str
    left: object
    right: object
    type = BOOL

    def __str__(self):
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class In:
    left: object
    items: tuple
    type = BOOL

    def __str__(self):
        return f"{self.left} in [{', '.join(str(i) for i in self.items)}]"


@dataclass(frozen=True)
class Arith:
    op: str
    left: object
    right: object
    type = NUMBER

    def __str__(self):
        return f"({self.left} {self.op} {self.right})"


@dataclass(frozen=True)
class Neg:
    x: object
    type = NUMBER

    def __str__(self):
        return f"-{_wrap(self.x)}"


@dataclass(frozen=True)
class Cond:
    test: object
    a: object
    b: object
    type = NUMBER

    def __str__(self):
        return f"({self.test} ? {self.a} : {self.b})"


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple
    type = NUMBER

    def __str__(self):
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


def _wrap(node, *kinds) -> str:
    kinds = kinds or (And, Or, Cmp, In)
    return f"({node})" if isinstance(node, kinds) else str(node)


def conjuncts(node) -> tuple:
    """The top-level conditions of a rule (what a near miss fails exactly one of)."""
    return node.items if isinstance(node, And) else (node,)


_PARSER = None


def _parse_tree(text: str) -> Tree:
    global _PARSER
    if not text or not text.strip():
        raise RuleError("表达式为空")
    if len(text) > MAX_LENGTH:
        raise RuleError(f"表达式过长（最多 {MAX_LENGTH} 个字符）")
    if "\x00" in text:
        raise RuleError("表达式含有非法字符")
    if _PARSER is None:
        _PARSER = celpy.CELParser()
    try:
        return _PARSER.parse(text)
    except Exception as exc:  # cel-python wraps Lark's errors in its own; the position helps
        detail = str(exc).splitlines()[0][:160] if str(exc) else ""
        raise RuleError(f"表达式语法错误：{detail}") from None


MAX_DEPTH = 40


def _convert(text: str, allow_formula: bool, person: bool = False):
    try:
        node = _Converter(allow_formula, FOR_PERSONS if person else VARIABLES).convert(_parse_tree(text))
    except RecursionError:
        raise RuleError(f"表达式嵌套过深（最多 {MAX_DEPTH} 层）") from None
    if _depth(node) > MAX_DEPTH:
        raise RuleError(f"表达式嵌套过深（最多 {MAX_DEPTH} 层）")
    return node


def _depth(node) -> int:
    kids = [getattr(node, a) for a in ("x", "left", "right", "test", "a", "b") if hasattr(node, a)]
    kids += list(getattr(node, "items", ()) or ()) + list(getattr(node, "args", ()) or ())
    kids = [k for k in kids if not isinstance(k, Lit | str)]
    return 1 + max((_depth(k) for k in kids), default=0)


def parse_rule(text: str, *, person: bool = False):
    """An eligibility rule: must be a condition (是/否). A person clause's rule (`person=True`) may
    also read the person's variables (`person.*`)."""
    node = _convert(text, allow_formula=False, person=person)
    if node.type != BOOL:
        raise RuleError(f"资格条件的结果必须是“是/否”，而这个表达式的结果是{TYPE_LABELS[node.type]}")
    return node


def parse_formula(text: str, *, person: bool = False):
    """An award formula: a number of yuan (may use `cond ? a : b`, `min`, `max`)."""
    node = _convert(text, allow_formula=True, person=person)
    if node.type != NUMBER:
        raise RuleError(f"金额公式的结果必须是数值，而这个表达式的结果是{TYPE_LABELS[node.type]}")
    return node


_CMP = {
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
    "relation_eq": "==",
    "relation_ne": "!=",
}
_ARITH = {"addition_add": "+", "addition_sub": "-", "multiplication_mul": "*", "multiplication_div": "/"}


class _Converter:
    def __init__(self, allow_formula: bool, variables: dict[str, Variable]):
        self.allow_formula = allow_formula
        self.variables = variables

    def convert(self, tree: Tree):
        return self.node(tree)

    def node(self, t):
        kind = t.data if isinstance(t, Tree) else None
        kids = list(t.children) if isinstance(t, Tree) else []
        if kind == "expr":
            if len(kids) == 1 or kids[1] is None:
                return self.node(kids[0])
            if not self.allow_formula:
                raise RuleError("资格条件中不能使用“? :”条件表达式")
            test, a, b = (self.node(k) for k in kids)
            self.need(test, BOOL, "“?”前的条件")
            self.need(a, NUMBER, "“?”后的取值")
            self.need(b, NUMBER, "“:”后的取值")
            return Cond(test, a, b)
        if kind in ("conditionalor", "conditionaland"):
            kids = [k for k in kids if k is not None]
            if len(kids) == 1:
                return self.node(kids[0])
            left, right = self.node(kids[0]), self.node(kids[1])
            word = "或" if kind == "conditionalor" else "且"
            self.need(left, BOOL, f"“{word}”的左边")
            self.need(right, BOOL, f"“{word}”的右边")
            cls = Or if kind == "conditionalor" else And
            items = (left.items if isinstance(left, cls) else (left,)) + (
                right.items if isinstance(right, cls) else (right,)
            )
            return cls(items)
        if kind in ("relation", "addition", "multiplication"):
            kids = [k for k in kids if k is not None]
            if len(kids) == 1:
                return self.node(kids[0])
            op_tree, rhs = kids
            return self.binary(op_tree.data, self.node(op_tree.children[0]), rhs)
        if kind in _CMP or kind in _ARITH or kind in ("relation_in", "multiplication_mod"):
            # the operator subtree holding both operands (a layout some parser versions produce)
            return self.binary(kind, self.node(kids[0]), kids[1])
        if kind == "unary":
            if len(kids) == 1:
                return self.node(kids[0])
            op, operand = kids[0].data, self.node(kids[1])
            if op == "unary_not":
                self.need(operand, BOOL, "“!”之后")
                return Not(operand)
            self.need(operand, NUMBER, "负号之后")
            if isinstance(operand, Lit):
                return Lit(-operand.value, NUMBER)
            return Neg(operand)
        if kind in ("member", "primary"):
            return self.node(kids[0])
        if kind == "paren_expr":
            return self.node(kids[0])
        if kind == "literal":
            return self.literal(kids[0])
        if kind in ("member_dot", "member_dot_arg", "ident"):
            return self.reference(t)
        if kind == "ident_arg":
            return self.call(t)
        if kind == "list_lit":
            raise RuleError('列表只能出现在“in”的右边，如 enterprise.size in ["small", "micro"]')
        raise RuleError(f"不支持的写法：{_kind_label(kind)}")

    def binary(self, op_kind: str, left, rhs_tree):
        if op_kind == "relation_in":
            return self.membership(left, rhs_tree)
        if op_kind == "multiplication_mod":
            raise RuleError("不支持取余运算“%”")
        right = self.node(rhs_tree)
        if op_kind in _ARITH:
            op = _ARITH[op_kind]
            self.need(left, NUMBER, f"“{op}”的左边")
            self.need(right, NUMBER, f"“{op}”的右边")
            if op == "/" and isinstance(right, Lit) and right.value == 0:
                raise RuleError("不能除以 0")
            return Arith(op, left, right)
        op = _CMP[op_kind]
        if left.type != right.type:
            raise RuleError(
                f"类型不匹配：{_describe(left)}是{TYPE_LABELS[left.type]}，"
                f"不能与{TYPE_LABELS[right.type]}{_describe(right)}用“{op}”比较"
            )
        if op not in ("==", "!=") and left.type != NUMBER:
            raise RuleError(f"“{op}”只能比较数值，而{_describe(left)}是{TYPE_LABELS[left.type]}")
        _check_choice(left, right)
        _check_choice(right, left)
        return Cmp(op, left, right)

    def membership(self, left, rhs_tree):
        lst = _unwrap(rhs_tree, "list_lit")
        if lst is None:
            raise RuleError('“in”的右边必须是常量列表，如 ["small", "micro"]')
        exprs = [
            k for k in (lst.children[0].children if lst.children and lst.children[0] is not None else [])
        ]
        if not exprs:
            raise RuleError("“in”的列表不能为空")
        items = tuple(self.node(e) for e in exprs)
        if left.type == BOOL:
            raise RuleError(f"{_describe(left)}是“是/否”，不能用“in”")
        for item in items:
            if not isinstance(item, Lit):
                raise RuleError("“in”的列表只能包含常量")
            if item.type != left.type:
                raise RuleError(
                    f"类型不匹配：{_describe(left)}是{TYPE_LABELS[left.type]}，列表中的 {item} 是{TYPE_LABELS[item.type]}"
                )
            _check_choice(left, item)
        return In(left, items)

    def literal(self, tok: Token):
        text = str(tok)
        if tok.type == "BOOL_LIT":
            return Lit(text == "true", BOOL)
        if tok.type in ("INT_LIT", "UINT_LIT", "FLOAT_LIT"):
            text = text.rstrip("uU")
            try:
                value = Decimal(int(text, 16)) if "0x" in text.lower() else Decimal(text)
            except (InvalidOperation, ValueError):
                raise RuleError(f"无法识别的数字：{text}") from None
            if not value.is_finite() or abs(value) >= Decimal("1e15"):
                raise RuleError(f"数字超出范围：{text}")
            return Lit(value, NUMBER)
        if tok.type == "STRING_LIT":
            try:
                value = pyast.literal_eval(text.lstrip("rR"))
            except (ValueError, SyntaxError):
                raise RuleError(f"无法识别的文本：{text}") from None
            return Lit(str(value), STRING)
        if tok.type == "NULL_LIT":
            raise RuleError("不能使用 null；缺失的数据自动视为“未知”，不符合条件")
        raise RuleError(f"不支持的常量：{text}")

    def reference(self, t: Tree):
        name, args = _dotted(t)
        if name is None:
            raise RuleError("无法识别的变量写法")
        var = self.variables.get(name)
        if var is None and name in PERSON_VARIABLES:
            raise RuleError(f"“{name}”是人才（个人）的变量，只能用于受益对象为个人的事项")
        if var is None:
            raise RuleError(f"未知变量“{name}”。可用的变量见规则编辑器右侧的变量表")
        if var.takes_year:
            if args is None or len(args) != 1:
                raise RuleError(f"“{name}”需要一个年份参数，如 {name}(2025)")
            year = self.node(args[0])
            if not (isinstance(year, Lit) and year.type == NUMBER and year.value == int(year.value)):
                raise RuleError(f"“{name}”的年份必须是整数常量，如 {name}(2025)")
            if not MIN_YEAR <= int(year.value) <= MAX_YEAR:
                raise RuleError(f"年份 {year.value} 超出范围（{MIN_YEAR}–{MAX_YEAR}）")
            return Ref(var, int(year.value))
        if args is not None:
            raise RuleError(f"“{name}”不带参数，应写作 {name}")
        return Ref(var)

    def call(self, t: Tree):
        name = str(t.children[0])
        if name not in ("min", "max"):
            raise RuleError(f"未知函数“{name}”")
        if not self.allow_formula:
            raise RuleError(f"函数“{name}”只能用于金额公式")
        exprs = t.children[1].children if len(t.children) > 1 and t.children[1] is not None else []
        args = tuple(self.node(e) for e in exprs)
        if len(args) < 2:
            raise RuleError(f"“{name}”至少需要两个参数")
        for a in args:
            self.need(a, NUMBER, f"“{name}”的参数")
        return Call(name, args)

    def need(self, node, typ: str, where: str):
        if node.type != typ:
            raise RuleError(f"{where}应为{TYPE_LABELS[typ]}，而{_describe(node)}是{TYPE_LABELS[node.type]}")


def _unwrap(t, target: str):
    while isinstance(t, Tree):
        if t.data == target:
            return t
        kids = [k for k in t.children if k is not None]
        if len(kids) != 1:
            return None
        t = kids[0]
    return None


def _dotted(t) -> tuple[str | None, list | None]:
    """`a.b.c` or `a.b.c(args)` as ("a.b.c", args-or-None)."""
    args = None
    parts: list[str] = []
    if t.data == "member_dot_arg":
        member, ident, *rest = t.children
        parts.append(str(ident))
        args = list(rest[0].children) if rest and rest[0] is not None else []
        t = member
    while isinstance(t, Tree):
        if t.data == "member_dot":
            member, ident = t.children
            parts.append(str(ident))
            t = member
        elif t.data in ("member", "primary"):
            if len(t.children) != 1:
                return None, None
            t = t.children[0]
        elif t.data == "ident":
            parts.append(str(t.children[0]))
            break
        else:
            return None, None
    return ".".join(reversed(parts)), args


def _describe(node) -> str:
    if isinstance(node, Ref):
        return f"“{node}”（{node.var.label}）"
    return f"“{node}”"


def _kind_label(kind) -> str:
    return {
        "map_lit": "映射常量",
        "member_index": "下标",
        "member_object": "对象构造",
        "dot_ident": "以点开头的名称",
    }.get(kind, str(kind))
