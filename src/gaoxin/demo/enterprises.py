"""Demo enterprises across the "1+3+5" industries, with sizes, above-scale flags and qualifications
in proportions that echo the zone's 2020 figures (207 高新技术企业 held, 2 瞪羚 …)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.core.identifiers import USCC_ALPHABET, make_uscc
from gaoxin.enterprises.models import Enterprise, Industry, Park, Qualification
from gaoxin.enterprises.search import search_fields

from .reporting import build_reports

# code, name, tier, share of enterprises, GB/T 4754 division, name suffixes
INDUSTRIES = [
    ("auto", "汽车", "1", 0.16, "C36", ["汽车零部件", "汽车配件", "新能源汽车", "汽车电子", "车身制造"]),
    (
        "equipment",
        "高端装备制造（含轨道交通）",
        "3",
        0.14,
        "C34",
        ["机械", "智能装备", "轨道交通设备", "液压", "工程机械"],
    ),
    ("electronics", "电子光电", "3", 0.10, "C39", ["电子", "光电", "智能终端", "半导体", "传感器"]),
    ("materials", "新材料", "3", 0.09, "C30", ["新材料", "复合材料", "高分子材料", "电池材料", "金属材料"]),
    (
        "tech-service",
        "科技服务",
        "5",
        0.16,
        "M75",
        ["科技", "检测技术", "技术服务", "知识产权服务", "工业设计"],
    ),
    ("logistics", "智慧物流", "5", 0.11, "G59", ["物流", "供应链管理", "仓储", "冷链物流", "货运代理"]),
    (
        "exhibition",
        "商务会展",
        "5",
        0.08,
        "L72",
        ["会展服务", "商务咨询", "广告", "企业管理咨询", "人力资源服务"],
    ),
    ("culture", "文化旅游", "5", 0.06, "R88", ["文化传播", "文旅发展", "影视传媒", "旅游开发", "创意设计"]),
    ("bigdata", "大数据", "5", 0.10, "I65", ["信息技术", "大数据", "软件", "云计算", "数字科技"]),
]

PARKS = [
    ("hexi", "河西高新技术产业园"),
    ("yanghe", "阳和工业新区"),
    ("autocity", "汽车城片区"),
    ("innovation", "科技创新城"),
    ("logistics-park", "现代物流园"),
]

BRAND_A = list("华瑞鑫泰宏恒盛达隆创睿博远嘉和信诚柳龙凯祥宇航丰源新联科汇通")
BRAND_B = list("明安鼎昌峰佳晟昊晖融辰翔越智兴德成铭润锦誉拓轩远邦汇升")
CITIES = ["柳州", "柳州市", "广西", "广西柳州"]
SURNAMES = list("李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐覃韦莫蒙廖")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华志红建国海燕")
ROADS = ["高新一路", "高新二路", "官塘大道", "新柳大道", "阳和大道", "车园横一路", "和悦路", "屏山大道"]

QUAL_TARGETS = {
    # kind: (how many hold one now, level, years valid; None = long-term)
    Qualification.Kind.HIGH_TECH: (207, Qualification.Level.NATIONAL, 3),
    Qualification.Kind.TECH_SME: (310, Qualification.Level.NATIONAL, 1),
    Qualification.Kind.SPECIALISED: (46, Qualification.Level.PROVINCIAL, 3),
    Qualification.Kind.LITTLE_GIANT: (6, Qualification.Level.NATIONAL, 3),
    Qualification.Kind.GAZELLE: (2, Qualification.Level.PROVINCIAL, 2),
    Qualification.Kind.UNICORN_SEED: (3, Qualification.Level.PROVINCIAL, 2),
    Qualification.Kind.TECH_CENTRE: (24, Qualification.Level.PROVINCIAL, None),
    Qualification.Kind.ENG_CENTRE: (15, Qualification.Level.CITY, None),
    Qualification.Kind.KEY_LAB: (5, Qualification.Level.PROVINCIAL, None),
    Qualification.Kind.SMART_FACTORY: (8, Qualification.Level.PROVINCIAL, 3),
    Qualification.Kind.DIGITAL_WORKSHOP: (14, Qualification.Level.PROVINCIAL, 3),
    Qualification.Kind.IP_STANDARD: (30, Qualification.Level.NATIONAL, 3),
    Qualification.Kind.POSTDOC: (4, Qualification.Level.PROVINCIAL, None),
}
# Supply-chain companies that trade goods are wholesalers (F51); some culture companies retail (F52).
TRADE_DIVISIONS = {"logistics": ("F51", 0.3), "culture": ("F52", 0.25)}
TECH_KINDS = {"auto", "equipment", "electronics", "materials", "tech-service", "bigdata"}


def _add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _size(rng: random.Random) -> str:
    r = rng.random()
    return "large" if r < 0.02 else "medium" if r < 0.10 else "small" if r < 0.40 else "micro"


def _name(rng: random.Random, suffixes: list[str], used: set[str]) -> str:
    while True:
        name = f"{rng.choice(CITIES)}{rng.choice(BRAND_A)}{rng.choice(BRAND_B)}{rng.choice(suffixes)}有限公司"
        if rng.random() < 0.15:
            name = name.replace("有限公司", "股份有限公司")
        if name not in used:
            used.add(name)
            return name


def _serial(rng: random.Random, used: set[str]) -> str:
    letters = USCC_ALPHABET[10:]
    while True:
        serial = rng.choice("MN" + letters[:4]) + "".join(rng.choice("0123456789") for _ in range(7))
        if serial not in used:
            used.add(serial)
            return serial


def build_enterprises(rng: random.Random, count: int, as_of: dt.date, log) -> list[Enterprise]:
    industries = {
        code: Industry.objects.create(code=code, name=name, tier=tier, order=i * 10)
        for i, (code, name, tier, _, _, _) in enumerate(INDUSTRIES, start=1)
    }
    parks = [Park.objects.create(code=c, name=n) for c, n in PARKS]
    weights = [share for *_, share, _, _ in INDUSTRIES]
    names: set[str] = set()
    serials: set[str] = set()
    rows = []
    for _ in range(count):
        code, _, _, _, division, suffixes = rng.choices(INDUSTRIES, weights=weights)[0]
        division = (
            TRADE_DIVISIONS.get(code, (division, 0))[0]
            if rng.random() < TRADE_DIVISIONS.get(code, ("", 0))[1]
            else division
        )
        size = _size(rng)
        manufacturing = division.startswith("C")
        above = size in ("large", "medium") or (
            size == "small" and rng.random() < (0.22 if manufacturing else 0.08)
        )
        name = _name(rng, suffixes, names)
        founded = dt.date(rng.randrange(1995, as_of.year), rng.randrange(1, 13), rng.randrange(1, 29))
        capital = Decimal(rng.choice([50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000])) * 10000
        rows.append(
            Enterprise(
                uscc=make_uscc(
                    "91" + rng.choice(["450200", "450203", "450205", "450206"]), _serial(rng, serials)
                ),
                name=name,
                **search_fields(name),
                legal_rep=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
                registered_on=founded,
                registered_capital=capital,
                address=f"柳州市{rng.choice(ROADS)}{rng.randrange(1, 400)}号",
                park=parks[
                    0
                    if code in ("tech-service", "bigdata", "culture") and rng.random() < 0.6
                    else rng.randrange(len(parks))
                ],
                industry=industries[code],
                gbt_code=division,
                size=size,
                above_scale=above,
                listed=size == "large" and rng.random() < 0.3,
                top500_branch=size == "large" and rng.random() < 0.2,
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=500)
    enterprises = list(Enterprise.objects.select_related("industry").order_by("id"))
    _qualifications(rng, enterprises, as_of)
    build_reports(rng, enterprises, as_of, log)
    log(
        f"企业 {len(enterprises)} 家（规上 {sum(e.above_scale for e in enterprises)} 家），产业 {len(industries)} 类，园区 {len(parks)} 个"
    )
    return enterprises


def _qualifications(rng: random.Random, enterprises: list[Enterprise], as_of: dt.date) -> None:
    tech = [e for e in enterprises if e.industry.code in TECH_KINDS]
    ranked = sorted(
        tech, key=lambda e: ({"large": 0, "medium": 1, "small": 2, "micro": 3}[e.size], rng.random())
    )
    rows = []
    for kind, (held, level, years) in QUAL_TARGETS.items():
        pool = (
            ranked[: max(held * 2, held + 20)]
            if kind != Qualification.Kind.TECH_SME
            else [e for e in ranked if e.size in ("small", "micro", "medium")]
        )
        holders = rng.sample(pool, min(held, len(pool)))
        for n, e in enumerate(holders, start=1):
            if years is None:
                start = dt.date(rng.randrange(2008, as_of.year), rng.randrange(1, 13), 1)
                end = None
            else:
                start = as_of - dt.timedelta(days=rng.randrange(30, 365 * years - 30))
                end = _add_years(start, years) - dt.timedelta(days=1)
            rows.append(
                Qualification(
                    enterprise=e,
                    kind=kind,
                    level=level,
                    valid_from=start,
                    valid_to=end,
                    certificate_no=f"{kind.upper()[:3]}{start.year}{n:05d}",
                )
            )
    # Certificates that lapsed: the history a re-certification reminder is about.
    for n, e in enumerate(rng.sample(ranked, min(60, len(ranked))), start=1):
        start = dt.date(as_of.year - rng.randrange(4, 8), rng.randrange(1, 13), 1)
        rows.append(
            Qualification(
                enterprise=e,
                kind=Qualification.Kind.HIGH_TECH,
                level=Qualification.Level.NATIONAL,
                valid_from=start,
                valid_to=_add_years(start, 3) - dt.timedelta(days=1),
                certificate_no=f"GR{start.year}4500{n:04d}",
            )
        )
    Qualification.objects.bulk_create(rows, batch_size=500)
