"""Demo data of the investment pillar (a step of demo.generator), made through the pillar's own services.

The chains of the source documents around the four vehicle bases, the three packaged parks and their
plots, and 2016–2026 pipelines. 2020 gets 52 trips led by the zone's leaders, 104 companies visited and
exactly 40 projects signed across 汽车产业链及车联网、装备制造、轨道交通、生物医药 — figures that the
KPI code computes from these records (tests/demo/test_demo_investment.py reads them back that way)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import Department, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.services import staff_create
from gaoxin.core import clock
from gaoxin.investment.models import Commitment, Project
from gaoxin.investment.services import carriers, chains, pipeline
from gaoxin.investment.services.targets import target_set

from .people import DEMO_PASSWORD

# chain code, name, anchor, links: (name, parent index or None, GB/T codes, anchors import it)
CHAINS = [
    (
        "nev",
        "新能源汽车",
        "上汽通用五菱宝骏基地、东风柳汽、一汽解放柳州基地、广西汽车集团",
        [
            ("整车", None, "C361", False),
            ("动力电池", 0, "C384", False),
            ("电芯", 1, "C3841", False),
            ("正极材料", 1, "C3985", True),
            ("负极材料", 1, "C3091", True),
            ("隔膜", 1, "C2922", True),
            ("电解液", 1, "C2669", True),
            ("电池管理系统", 1, "C3824", False),
            ("驱动电机", 0, "C3812", False),
            ("充电设施", 0, "C3829", False),
        ],
    ),
    (
        "auto-parts",
        "汽车零部件",
        "四大整车基地",
        [
            ("汽车零部件", None, "C36,C3670", False),
            ("转向系统", 0, "C3670", False),
            ("轮胎", 0, "C2911", False),
            ("车身及内外饰", 0, "C3660", False),
            ("汽车电子", 0, "C3962,C3990", True),
            ("车联网", 4, "I65,I64", True),
        ],
    ),
    (
        "optoelectronics",
        "电子光电",
        "光电产业园",
        [
            ("电子元器件", None, "C39", False),
            ("显示面板", 0, "C3974", True),
            ("光学器件", 0, "C3976", True),
            ("传感器", 0, "C3983", False),
        ],
    ),
    (
        "equipment",
        "高端装备制造（含轨道交通）",
        "智能轨道交通产业园",
        [
            ("装备制造", None, "C34,C35", False),
            ("轨道交通装备", 0, "C37", True),
            ("工业机器人", 0, "C3491", False),
        ],
    ),
    (
        "biomed",
        "生物医药",
        "柳州医药物流配送中心",
        [("生物医药", None, "C27", True), ("医疗器械", 0, "C358", True)],
    ),
]

PARKS = [
    ("新能源电池产业园", "nev", Decimal("1800")),
    ("光电产业园", "optoelectronics", Decimal("600")),
    ("汽车电子零部件产业园", "auto-parts", Decimal("1200")),
]

# Named projects of the source documents: company, project, link, amount (万元), signed on.
NAMED = [
    (
        "国轩高科股份有限公司",
        "国轩高科柳州动力电池基地一期（10GWh）",
        "电芯",
        Decimal("500000"),
        dt.date(2017, 6, 8),
    ),
    (
        "国轩高科股份有限公司",
        "国轩高科柳州动力电池基地二期（20GWh）",
        "电芯",
        Decimal("1000000"),
        dt.date(2020, 9, 18),
    ),
    (
        "赛克瑞浦（广西）新能源科技有限公司",
        "赛克瑞浦 20GWh 动力电池产业系统项目",
        "电芯",
        Decimal("1200000"),
        dt.date(2021, 4, 2),
    ),
    ("联合汽车电子有限公司", "联合电子柳州生产基地扩建", "汽车电子", Decimal("80000"), dt.date(2018, 3, 20)),
    (
        "耐世特汽车系统（柳州）有限公司",
        "耐世特转向系统柳州工厂",
        "转向系统",
        Decimal("60000"),
        dt.date(2019, 5, 16),
    ),
    ("玲珑轮胎股份有限公司", "玲珑轮胎柳州配套项目", "轮胎", Decimal("150000"), dt.date(2016, 11, 3)),
]

# 2020's signings by sector (汽车产业链及车联网、装备制造、轨道交通、生物医药), with their links: 39 here and
# 国轩高科二期 of NAMED make the 40 of the source documents.
SECTORS_2020 = [
    ("汽车产业链", 17, ["动力电池", "电池管理系统", "驱动电机", "车身及内外饰", "汽车零部件"]),
    ("车联网", 6, ["车联网", "汽车电子"]),
    ("装备制造", 8, ["装备制造", "工业机器人"]),
    ("轨道交通", 5, ["轨道交通装备"]),
    ("生物医药", 3, ["生物医药", "医疗器械"]),
]
OTHER_YEAR_SIGNINGS = 5  # each other year, besides the named projects
CITIES = ["深圳", "广州", "东莞", "上海", "苏州", "无锡", "常州", "合肥", "芜湖", "青岛", "烟台", "成都"]
FIRM_WORDS = [
    "精密",
    "智能",
    "新能源",
    "电子",
    "科技",
    "动力",
    "材料",
    "装备",
    "汽车部件",
    "智造",
    "光电",
    "医疗",
]
LEADERS = ["何主任", "覃书记", "黄副主任", "梁副主任"]


def _firm(rng: random.Random, city: str) -> str:
    return f"{city}{rng.choice(FIRM_WORDS)}{rng.choice(['股份', '集团', '科技', '实业'])}有限公司"


def _day(year: int, rng: random.Random, as_of: dt.date, *, start=(1, 6), end=(12, 20)) -> dt.date:
    first, last = dt.date(year, *start), min(dt.date(year, *end), as_of)
    return first + dt.timedelta(days=rng.randrange(max((last - first).days, 1)))


class _Runner:
    """Drives one project through the services, each step on its own day (the clock is frozen there)."""

    def __init__(self, officer, reviewer, as_of, rng, registry, plots):
        self.officer, self.reviewer, self.as_of, self.rng = officer, reviewer, as_of, rng
        self.registry, self.plots = registry, plots

    def at(self, day: dt.date, fn, *args, **kw):
        with clock.frozen(min(day, self.as_of)):
            return fn(*args, **kw)

    def move(self, day, project, action, **fields):
        return self.at(
            day, pipeline.project_move, actor=self.officer, project_id=project.pk, action=action, **fields
        )

    def review(self, day, project):
        return self.at(
            day, pipeline.project_move, actor=self.reviewer, project_id=project.pk, action="review_ok"
        )

    def signed_project(
        self, *, company, name, link, sector, amount, signed_on, source, visit=None, stop=None
    ):
        """A lead entered ~2 months before signing, signed on `signed_on`, then as far along the pipeline as
        the years since allow (or up to `stop`)."""
        rng, as_of = self.rng, self.as_of
        entered = signed_on - dt.timedelta(days=rng.randrange(40, 120))
        if visit is not None:
            entered = max(entered, visit.on)
        p = self.at(
            entered,
            pipeline.lead_create,
            actor=self.officer,
            name=name,
            company=company,
            source=source,
            intended_investment=amount,
            link=link,
            sector=sector,
            contact_name=rng.choice(["张", "李", "王", "陈", "刘"]) + "总",
            contact_phone=f"1{rng.randrange(30, 99)}{rng.randrange(10**8):08d}",
            visit=visit,
        )
        talk_on = entered + dt.timedelta(days=rng.randrange(5, 20))
        talk_on = min(talk_on, signed_on)
        self.move(talk_on, p, "talk")
        start_by = signed_on + dt.timedelta(days=rng.randrange(120, 300))
        produce_by = start_by + dt.timedelta(days=rng.randrange(300, 600))
        self.at(signed_on, self._agreement, p, amount, start_by, produce_by)
        self.move(
            signed_on,
            p,
            "sign",
            agreement_no=f"GXZS-{signed_on:%Y}-{p.pk:04d}",
            signed_amount=amount,
            signed_on=signed_on,
        )
        day = signed_on + dt.timedelta(days=rng.randrange(1, 6))
        self.review(day, p)
        if stop == Project.Stage.SIGNED:
            return p
        # Later stages: each some months after the last, while the demo's date allows; some slip.
        plan = [
            ("register", rng.randrange(20, 60)),
            ("settle", rng.randrange(30, 90)),
            ("start", rng.randrange(60, 240)),
            ("complete", rng.randrange(240, 420)),
            ("produce", rng.randrange(30, 90)),
            ("full", rng.randrange(300, 600)),
        ]
        late = rng.random() < 0.25
        for action, gap in plan:
            day = day + dt.timedelta(days=gap * (2 if late and action == "start" else 1))
            if day >= as_of - dt.timedelta(days=7):
                break
            if not self.at(day, self._advance, p, action):
                break
            self.review(day + dt.timedelta(days=self.rng.randrange(1, 5)), p)
            day += dt.timedelta(days=5)
        return p

    def _agreement(self, p, amount, start_by, produce_by):
        K = Commitment.Kind
        pipeline.evidence_add(actor=self.officer, project_id=p.pk, stage="signed", title="投资合作协议书")
        pipeline.commitment_set(
            actor=self.officer, project_id=p.pk, kind=K.INVESTMENT, value=amount, due_on=produce_by
        )
        pipeline.commitment_set(actor=self.officer, project_id=p.pk, kind=K.START_BY, due_on=start_by)
        pipeline.commitment_set(actor=self.officer, project_id=p.pk, kind=K.PRODUCE_BY, due_on=produce_by)

    def _advance(self, p, action) -> bool:
        pid = p.pk
        if action == "register":
            if not self.registry:
                return False
            pipeline.project_move(
                actor=self.officer, project_id=pid, action="register", uscc=self.registry.pop()
            )
            return True
        if action == "settle":
            plot = self.plots.pop() if self.plots else None
            if plot is not None:
                carriers.carrier_assign(actor=self.officer, carrier_id=plot.pk, state="sold", project=p)
            else:
                pipeline.evidence_add(
                    actor=self.officer, project_id=pid, stage="settled", title="标准厂房租赁合同"
                )
            pipeline.project_move(actor=self.officer, project_id=pid, action="settle")
            return True
        p.refresh_from_db()
        if action == "start":
            pipeline.evidence_add(
                actor=self.officer, project_id=pid, stage="started", title="建筑工程施工许可证"
            )
            pipeline.project_move(
                actor=self.officer, project_id=pid, action="start", permit_no=f"4502002{pid:011d}"
            )
            share = (p.signed_amount * Decimal(self.rng.choice([30, 40, 60]))) / 100
            pipeline.fund_arrival_add(
                actor=self.officer, project_id=pid, amount=share.quantize(Decimal("0.01"))
            )
            return True
        if action == "complete":
            pipeline.evidence_add(
                actor=self.officer, project_id=pid, stage="completed", title="竣工验收备案表"
            )
        if action == "produce":
            pipeline.evidence_add(actor=self.officer, project_id=pid, stage="producing", title="投产报告")
        pipeline.project_move(actor=self.officer, project_id=pid, action=action)
        return True


def _people(depts: dict) -> tuple[User, User]:
    officer = User.objects.get(username="invest")
    reviewer = User.objects.filter(username="invest2").first() or staff_create(
        actor=None,
        username="invest2",
        password=DEMO_PASSWORD,
        full_name="蓝招商",
        department=depts.get("investment") or Department.objects.get(code="investment"),
        roles=[Role.INVESTMENT_OFFICER],
        audit_it=False,
    )
    return officer, reviewer


def build(ctx: dict) -> None:
    """Add this pillar's demo rows; ctx holds rng, as_of, log, enterprises, departments."""
    rng = random.Random(ctx["rng"].random())
    as_of, log = ctx["as_of"], ctx["log"]
    officer, reviewer = _people(ctx.get("departments", {}))
    with clock.frozen(dt.date(2016, 1, 4)):
        links, chain_rows = _chains(officer)
        plots = _carriers(officer, chain_rows)
    registry = [
        e.uscc
        for e in ctx["enterprises"]
        if (e.gbt_code or "").startswith(("C36", "C38", "C39", "C34", "C35", "C37"))
    ]
    rng.shuffle(registry)
    rng.shuffle(plots)
    runner = _Runner(officer, reviewer, as_of, rng, registry, plots)
    for year in range(2016, as_of.year + 1):
        _year(runner, year, links)
    for company, name, link, amount, signed_on in NAMED:
        if signed_on < as_of:
            runner.signed_project(
                company=company,
                name=name,
                link=links[link],
                sector="汽车产业链",
                amount=amount,
                signed_on=signed_on,
                source="leader",
            )
    with clock.frozen(dt.date(2020, 1, 6)):
        target_set(actor=officer, year=2020, metric="signed", value=Decimal("40"))
        target_set(actor=officer, year=2020, metric="amount", value=Decimal("2000000"))
    from gaoxin.investment.services.kpis import kpis, trip_figures

    k = kpis(Project.objects.all(), year=2020, as_of=as_of)["total"]
    t = trip_figures(year=2020, as_of=as_of)
    log(
        f"招商引资：产业链 {len(chain_rows)} 条，项目 {Project.objects.count()} 个；2020 年出行招商 {t['trips']} 次、"
        f"拜访企业 {t['companies']} 家、签约 {k['signed'] if k else 0} 个"
    )


def _chains(officer):
    links, chain_rows = {}, {}
    for order, (code, name, anchor, rows) in enumerate(CHAINS):
        chain = chains.chain_create(actor=officer, code=code, name=name, anchor=anchor, order=order * 10)
        chain_rows[code] = chain
        made = []
        for i, (link_name, parent, codes, imported) in enumerate(rows):
            link = chains.link_add(
                actor=officer,
                chain=chain,
                name=link_name,
                parent=made[parent] if parent is not None else None,
                gbt_codes=codes,
                imported_demand=imported,
                order=i * 10,
            )
            made.append(link)
            links[link_name] = link
    for link_name, company, city in (
        ("隔膜", "某隔膜材料股份有限公司", "深圳"),
        ("正极材料", "某正极材料科技股份有限公司", "宁波"),
        ("电解液", "某电解液新材料有限公司", "广州"),
        ("显示面板", "某显示科技集团", "合肥"),
        ("轨道交通装备", "某轨道交通装备股份有限公司", "株洲"),
    ):
        chains.target_add(actor=officer, link=links[link_name], company=company, city=city)
    return links, chain_rows


def _carriers(officer, chain_rows) -> list:
    plots = []
    for name, chain_code, area in PARKS:
        park = carriers.carrier_create(
            actor=officer, kind="park", name=name, chain=chain_rows[chain_code], area_mu=area
        )
        for i in range(1, 9):
            plots.append(
                carriers.carrier_create(
                    actor=officer,
                    kind="plot",
                    name=f"{name} {chr(64 + i)}-{i:02d} 标准地",
                    park=park,
                    chain=chain_rows[chain_code],
                    area_mu=Decimal(50 + 10 * i),
                    min_intensity=Decimal("300"),
                    plot_ratio=Decimal("1.2"),
                    min_tax_per_mu=Decimal("15"),
                )
            )
        for i in range(1, 4):
            plots.append(
                carriers.carrier_create(
                    actor=officer,
                    kind="building",
                    name=f"{name} {i} 号标准厂房",
                    park=park,
                    chain=chain_rows[chain_code],
                    floor_area=Decimal(6000 * i),
                )
            )
    return plots


def _year(runner: _Runner, year: int, links) -> None:
    rng, as_of, officer = runner.rng, runner.as_of, runner.officer
    n_trips = 52 if year == 2020 else rng.randrange(4, 9)
    visits = []
    for i in range(n_trips):
        start = _day(year, rng, as_of, end=(12, 10))
        if start >= as_of:
            continue
        city = CITIES[(i * 5 + year) % len(CITIES)]
        trip = runner.at(
            start,
            carriers.trip_create,
            actor=officer,
            leader=LEADERS[i % len(LEADERS)],
            destination=city,
            start_on=start,
            end_on=start + dt.timedelta(days=1),
            purpose="产业链招商",
        )
        for j in range(2):
            visits.append(
                runner.at(
                    start,
                    carriers.visit_add,
                    actor=officer,
                    trip=trip,
                    company=f"{city}{FIRM_WORDS[(i + j * 7) % len(FIRM_WORDS)]}{['股份', '集团', '科技', '实业'][(i + j) % 4]}{i:02d}{j}有限公司",
                    city=city,
                    on=start + dt.timedelta(days=j),
                )
            )
    if year == 2020:
        plan = [(sector, links[rng.choice(names)]) for sector, n, names in SECTORS_2020 for _ in range(n)]
        signed_days = sorted(_day(2020, rng, as_of, start=(3, 1), end=(12, 20)) for _ in plan)
    else:
        plan = [
            ("汽车产业链", links[rng.choice(["电芯", "汽车零部件", "汽车电子", "装备制造", "电子元器件"])])
            for _ in range(OTHER_YEAR_SIGNINGS)
        ]
        signed_days = sorted(_day(year, rng, as_of, start=(2, 15), end=(12, 20)) for _ in plan)
    for k, ((sector, link), day) in enumerate(zip(plan, signed_days, strict=True)):
        if day >= as_of - dt.timedelta(days=10):
            continue
        visit = visits[k] if k < len(visits) and visits[k].on < day - dt.timedelta(days=45) else None
        company = visit.company if visit else _firm(rng, rng.choice(CITIES))
        amount = Decimal(rng.choice([3000, 5000, 8000, 12000, 20000, 30000, 50000, 120000]))
        runner.signed_project(
            company=company,
            name=f"{company.removesuffix('有限公司')}{link.name}项目",
            link=link,
            sector=sector,
            amount=amount,
            signed_on=day,
            source="leader" if visit else rng.choice(["business", "fair", "agency", "fund", "door"]),
            visit=visit,
        )
    # Leads of the year that did not (yet) sign: some in talks, some paused or ended.
    for k in range(3):
        day = _day(year, rng, as_of)
        if day >= as_of:
            continue
        p = runner.at(
            day,
            pipeline.lead_create,
            actor=officer,
            name=f"{year} 年意向项目 {k + 1}",
            company=_firm(rng, rng.choice(CITIES)),
            source=rng.choice(["fair", "agency", "door"]),
            intended_investment=Decimal(rng.choice([2000, 6000, 15000])),
            link=links[rng.choice(["隔膜", "正极材料", "显示面板", "传感器"])],
            contact_name="联系人",
        )
        if k:
            runner.move(day + dt.timedelta(days=10), p, "talk")
        if k == 2 and year < as_of.year:
            runner.move(
                day + dt.timedelta(days=40),
                p,
                "pause" if year % 2 else "terminate",
                note="投资方调整投资计划",
            )
