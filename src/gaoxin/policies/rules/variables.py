"""The typed registry of every variable a rule may use. One entry per name; the rule editor lists
them, the type checker reads their types, the compiler their ORM form, the evaluator their value.

Missing data is unknown (SQL NULL / Python None): a report not filed, a field left empty."""

from __future__ import annotations

from dataclasses import dataclass, field

from gaoxin.enterprises.models import Enterprise, Qualification

BOOL, NUMBER, STRING = "bool", "number", "string"
TYPE_LABELS = {BOOL: "是/否", NUMBER: "数值", STRING: "文本"}


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    label: str
    source: str  # "field" | "qualification" | "data" | "growth" | "ip" | "person"
    column: str = ""
    takes_year: bool = False
    choices: tuple[tuple[str, str], ...] = field(default=())

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


def _registry() -> dict[str, Variable]:
    out: list[Variable] = [
        Variable(
            "enterprise.size", STRING, "企业规模", "field", "size", choices=tuple(Enterprise.Size.choices)
        ),
        Variable("enterprise.above_scale", BOOL, "规上/限上企业", "field", "above_scale"),
        Variable(
            "enterprise.scale_kind", STRING, "规上类别（industry/trade/services）", "field", "scale_kind"
        ),
        Variable("enterprise.industry", STRING, "产业分类代码（1+3+5）", "field", "industry__code"),
        Variable(
            "enterprise.industry_tier",
            STRING,
            "产业层级（1 主导 / 3 新兴 / 5 服务）",
            "field",
            "industry__tier",
        ),
        Variable("enterprise.park", STRING, "所在园区代码", "field", "park__code"),
        Variable("enterprise.gbt_code", STRING, "国民经济行业代码", "field", "gbt_code"),
        Variable(
            "enterprise.ownership",
            STRING,
            "登记注册类型",
            "field",
            "ownership",
            choices=tuple(Enterprise.Ownership.choices),
        ),
        Variable("enterprise.listed", BOOL, "上市企业", "field", "listed"),
        Variable("enterprise.top500_branch", BOOL, "世界500强分支机构", "field", "top500_branch"),
        Variable(
            "enterprise.status",
            STRING,
            "经营状态",
            "field",
            "status",
            choices=tuple(Enterprise.Status.choices),
        ),
        Variable("enterprise.registered_capital", NUMBER, "注册资本（元）", "field", "registered_capital"),
        Variable("enterprise.registered_year", NUMBER, "成立年份", "field", "registered_on__year"),
    ]
    for kind, label in Qualification.Kind.choices:
        out.append(
            Variable(f"enterprise.{kind}", BOOL, f"持有有效的{label}资质（评估日）", "qualification", kind)
        )
    for column, label in DATA_COLUMNS.items():
        out.append(Variable(f"data.{column}", NUMBER, f"{label}（年度）", "data", column, takes_year=True))
    for column, label in GROWTH_COLUMNS.items():
        out.append(
            Variable(
                f"growth.{column}_yoy",
                NUMBER,
                f"{label}同比增长率（如 0.1 即 10%）",
                "growth",
                column,
                takes_year=True,
            )
        )
    for column, label in IP_COLUMNS.items():
        out.append(Variable(f"ip.{column}", NUMBER, f"{label}（件，年度）", "ip", column, takes_year=True))
    return {v.name: v for v in out}


DATA_COLUMNS = {
    "output_value": "工业总产值（元）",
    "revenue": "营业收入（元）",
    "profit": "利润总额（元）",
    "tax": "应交税金（元）",
    "employees": "从业人员（人）",
    "rd_expense": "研发经费支出（元）",
    "rd_staff": "研发人员（人）",
    "export_value": "出口额（元）",
    "energy": "综合能耗（吨标准煤）",
    "tech_contracts": "技术合同成交额（元）",
    "rd_fte": "研发人员全时当量（人年）",
    "bachelor_staff": "本科及以上学历人数",
}
GROWTH_COLUMNS = {
    "revenue": "营业收入",
    "output_value": "工业总产值",
    "tax": "应交税金",
    "employees": "从业人员",
    "rd_expense": "研发经费支出",
}
IP_COLUMNS = {
    "invention_applied": "发明专利申请",
    "invention_granted": "发明专利授权",
    "utility_granted": "实用新型授权",
    "design_granted": "外观设计授权",
    "trademarks": "注册商标",
    "software_copyrights": "软件著作权",
}

FUNCTIONS = ("min", "max")  # award formulas only

# A person clause (Clause.beneficiary = person) pays certified talents. Its rule reads the person's
# variables below and, through every enterprise.*, data.*, growth.* and ip.* name, their current
# employer's. The values come from the talent pillar, which registers its loader with
# policies.beneficiaries (policies does not import talent). Person rules run on the Python evaluator.
PERSON_COLUMNS: dict[str, tuple[str, str, bool]] = {
    "certified": (BOOL, "持有有效的人才认定（评估日）", False),
    "tier": (STRING, "人才层次代码（如 A、B）", False),
    "tier_rank": (NUMBER, "人才层次排序（1 为最高）", False),
    "certified_year": (NUMBER, "首次认定年份", False),
    "years_certified": (NUMBER, "自首次认定起的整年数（评估日）", False),
    "in_zone": (BOOL, "本人在区（评估日）", False),
    "employer_in_zone": (BOOL, "现工作单位为存续的园区企业（评估日）", False),
    "degree": (NUMBER, "学历学位（1 学士 / 2 硕士 / 3 博士）", False),
    "annual_salary": (NUMBER, "年薪（元）", False),
    "months_in_zone": (NUMBER, "当年在区且认定有效的月数（至评估月）", True),
    "iit_paid": (NUMBER, "当年已缴个人所得税（元）", True),
}

VARIABLES: dict[str, Variable] = _registry()

PERSON_VARIABLES: dict[str, Variable] = {
    f"person.{column}": Variable(f"person.{column}", typ, label, "person", column, takes_year=by_year)
    for column, (typ, label, by_year) in PERSON_COLUMNS.items()
}
FOR_PERSONS: dict[str, Variable] = {**VARIABLES, **PERSON_VARIABLES}
