"""Demo data of the innovation pillar (a step of demo.generator), made through the pillar's own services
on the days things happened (the clock set to each), so that the 2020 figures of the source documents
come out of the records:

- the 八戒 digital park: 1653 companies and personal studios registered online, 56 on site (2019–2020);
- the 国家信息中心大数据基地: 15 companies moved in during 2020;
- incubators, a 众创空间 and an accelerator admitting tenants every year since 2016, who graduate, leave
  or stay on (the graduation counts per year follow from these);
- about 90 企业技术中心 and 工程技术研究中心 of city level or above held at the end of 2020 (the
  registry's own, topped up here), 3 自治区级 technology-transfer institutions;
- 41 major 成果转化 projects in 2020 (and some in other years), technology contracts every year;
- the zone's 博士后工作站 with 3 enterprises' sub-stations and their postdocs; the expert roster."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.identifiers import make_id_card
from gaoxin.enterprises.models import Qualification
from gaoxin.enterprises.selectors.registry import valid_on
from gaoxin.innovation.models import Incubation, InnovationCarrier, Level, PostdocStation, TechContract
from gaoxin.innovation.services import carriers as svc
from gaoxin.innovation.services import records

K = InnovationCarrier.Kind
YEAR = 2020  # the year of the source documents' figures
DIGITAL_PARK = "八戒柳州数字经济产业园"
ONLINE, ON_SITE = 1653, 56
DATA_BASE = "国家信息中心工业大数据基地"
DATA_BASE_2020 = 15
RD_CENTRES_2020 = 90
TECH_TRANSFER = 3
MAJOR_TRANSFERS_2020 = 41
SUB_STATIONS = 3
# name, kind, level, area (㎡), recognised, tenants admitted a year
INCUBATORS = [
    ("柳州高新区创业中心", K.INCUBATOR, Level.NATIONAL, "32000", dt.date(2012, 6, 1), 10),
    ("柳东小微企业创业示范基地", K.INCUBATOR, Level.NATIONAL, "45000", dt.date(2014, 9, 1), 12),
    ("智能汽车生态孵化器", K.INCUBATOR, Level.PROVINCIAL, "12000", dt.date(2016, 3, 1), 6),
    ("高新区青年众创空间", K.MAKER_SPACE, Level.CITY, "3500", dt.date(2015, 5, 1), 8),
    ("上海漕河泾柳东创新创业园", K.ACCELERATOR, Level.PROVINCIAL, "60000", dt.date(2015, 11, 1), 5),
]
FIELDS = ["新能源汽车", "智能网联", "先进材料", "工业软件", "轨道交通装备", "电子光电", "工业大数据"]
SOURCES = ["广西大学", "广西科技大学", "柳州职业技术学院", "桂林电子科技大学", "中国科学院", "企业自主研发"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗覃韦蒙莫"
GIVEN = "明华建国志强海燕晓峰思远子涵雨轩博文嘉怡"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _day(rng: random.Random, year: int, as_of: dt.date) -> dt.date:
    first = dt.date(year, 1, 2)
    last = min(dt.date(year, 12, 28), as_of)
    return first + dt.timedelta(days=rng.randrange(max((last - first).days, 1)))


class _Zone:
    def __init__(self, ctx: dict):
        self.rng = random.Random(ctx["rng"].random())
        self.as_of: dt.date = ctx["as_of"]
        self.office = User.objects.get(username="policy")
        self.department = ctx["departments"]["sci-tech"]
        enterprises = list(ctx["enterprises"])
        small = [e for e in enterprises if e.size in ("small", "micro")]
        self.rng.shuffle(small)
        self.queue = small + [e for e in enterprises if e not in small]  # small firms first, then any
        self.larger = [e for e in enterprises if e.size in ("large", "medium")] or enterprises
        self.all = enterprises
        self.used: dict[int, set[int]] = {}

    def at(self, day: dt.date):
        return clock.frozen(min(day, self.as_of))

    def admit(self, carrier: InnovationCarrier, day: dt.date, **kw) -> Incubation | None:
        e = self.tenant(carrier)
        if e is None:
            return None
        with self.at(day):
            return svc.incubation_admit(
                actor=self.office, carrier=carrier, enterprise_uscc=e.uscc, entered_on=day, **kw
            )

    def tenant(self, carrier: InnovationCarrier):
        """The next enterprise that has never been a tenant of this carrier (None once a small demo
        registry has none left)."""
        used = self.used.setdefault(carrier.pk, set())
        e = next((e for e in self.queue if e.pk not in used), None)
        if e is None:
            return None
        self.queue.remove(e)
        self.queue.append(e)
        used.add(e.pk)
        return e


def _carrier(z: _Zone, name, kind, level, area, recognised, operator=None) -> InnovationCarrier:
    with z.at(recognised):
        return svc.carrier_create(
            actor=z.office,
            kind=kind,
            name=name,
            level=level,
            operator_uscc=operator.uscc if operator else "",
            area=Decimal(area),
            recognised_on=recognised,
        )


def _incubators(z: _Zone) -> int:
    """Tenants every year; each graduates after two to four years, leaves early, or stays on."""
    rng, leaves = z.rng, []
    for name, kind, level, area, recognised, per_year in INCUBATORS:
        carrier = _carrier(z, name, kind, level, area, recognised, operator=rng.choice(z.larger))
        for year in range(2016, z.as_of.year + 1):
            for _ in range(per_year + rng.randrange(-2, 3)):
                day = _day(rng, year, z.as_of)
                inc = z.admit(carrier, day)
                if inc is None:
                    break
                fate = rng.random()
                if fate < 0.6:
                    leaves.append((day + dt.timedelta(days=rng.randrange(700, 1300)), inc.pk, "graduate", ""))
                elif fate < 0.78:
                    reason = rng.choice(["迁出园区", "经营困难退出", "未按期完成孵化目标"])
                    leaves.append((day + dt.timedelta(days=rng.randrange(150, 900)), inc.pk, "exit", reason))
    done = 0
    for day, pk, action, reason in sorted(leaves):
        if day > z.as_of:
            continue
        with z.at(day):
            svc.incubation_act(actor=z.office, incubation_id=pk, action=action, on=day, reason=reason)
        done += 1
    return done


def _digital_park(z: _Zone) -> None:
    rng = z.rng
    park = _carrier(
        z, DIGITAL_PARK, K.DIGITAL_PARK, Level.CITY, "28000", dt.date(2019, 4, 18), rng.choice(z.larger)
    )
    for _ in range(ON_SITE):
        day = _day(rng, rng.choice([2019, YEAR, YEAR]), dt.date(YEAR, 12, 31))
        z.admit(park, day, period_months=60)
    rows = []
    for n in range(1, ONLINE + 1):
        studio = rng.random() < 0.42
        rows.append(
            {
                "name": f"{_name(rng)}{'设计工作室' if studio else '数字科技有限公司'}（线上{n:04d}）",
                "registered_on": _day(rng, rng.choice([2019, YEAR, YEAR]), dt.date(YEAR, 12, 31)),
                "studio": studio,
            }
        )
    with z.at(dt.date(YEAR, 12, 31)):
        svc.online_registrations_add(actor=z.office, carrier=park, rows=rows)


def _data_base(z: _Zone) -> None:
    base = _carrier(
        z, DATA_BASE, K.DATA_BASE, Level.NATIONAL, "15000", dt.date(2019, 12, 1), z.rng.choice(z.larger)
    )
    for _ in range(DATA_BASE_2020):
        day = _day(z.rng, YEAR, z.as_of)
        z.admit(base, day)


def _rd_centres(z: _Zone) -> int:
    """Top the registry's technology and engineering centres up to about 90 held at the end of 2020."""
    rng, end = z.rng, dt.date(YEAR, 12, 31)
    kinds = (Qualification.Kind.TECH_CENTRE, Qualification.Kind.ENG_CENTRE)
    held = Qualification.objects.filter(valid_on(end), kind__in=kinds)
    holders = set(held.values_list("enterprise_id", "kind"))
    need = max(RD_CENTRES_2020 - len(holders), 0)
    pool = z.larger + z.all
    added, n = 0, 0
    while added < need and n < len(pool):
        e, n = pool[n], n + 1
        kind = kinds[added % 2]
        if (e.pk, kind) in holders:
            continue
        holders.add((e.pk, kind))
        start = dt.date(rng.randrange(2010, YEAR + 1), rng.randrange(1, 13), 1)
        level = rng.choice([Level.NATIONAL] + [Level.PROVINCIAL] * 4 + [Level.CITY] * 5)
        with z.at(start):
            records.rd_centre_register(
                actor=z.office,
                enterprise_uscc=e.uscc,
                kind=kind,
                level=level,
                certificate_no=f"RD{start.year}{added + 1:04d}",
                valid_from=start,
            )
        added += 1
    for i in range(TECH_TRANSFER):
        e = z.larger[i % len(z.larger)]
        start = dt.date(2017 + i, 10, 1)
        with z.at(start):
            records.rd_centre_register(
                actor=z.office,
                enterprise_uscc=e.uscc,
                kind=Qualification.Kind.TECH_TRANSFER,
                level=Level.PROVINCIAL,
                certificate_no=f"GXJSZY{start.year}{i + 1:03d}",
                valid_from=start,
            )
    return added


def _transfers_and_contracts(z: _Zone) -> None:
    rng = z.rng
    for year in range(2016, z.as_of.year + 1):
        majors = MAJOR_TRANSFERS_2020 if year == YEAR else rng.randrange(20, 36)
        for n in range(majors + rng.randrange(5, 15)):
            day = _day(rng, year, z.as_of)
            with z.at(day):
                records.transfer_record(
                    actor=z.office,
                    name=f"{rng.choice(FIELDS)}成果转化项目（{year}-{n + 1:03d}）",
                    enterprise_uscc=rng.choice(z.all).uscc,
                    source=rng.choice(SOURCES),
                    transferred_on=day,
                    major=n < majors,
                    investment=Decimal(rng.randrange(50, 3000) * 10000),
                )
        for n in range(rng.randrange(40, 70)):
            day = _day(rng, year, z.as_of)
            amount = Decimal(rng.randrange(5, 500) * 10000)
            kind = rng.choice(TechContract.Kind.values)
            with z.at(day):
                records.contract_register(
                    actor=z.office,
                    number=f"{year}4502{n + 1:05d}",
                    name=f"{rng.choice(FIELDS)}{TechContract.Kind(kind).label}合同",
                    kind=kind,
                    seller_uscc=rng.choice(z.all).uscc,
                    buyer=rng.choice(
                        ["上汽通用五菱汽车股份有限公司", "东风柳州汽车有限公司", "广西柳工机械股份有限公司"]
                    ),
                    amount=amount,
                    tech_amount=(amount * Decimal("0.8")).quantize(Decimal("0.01")),
                    signed_on=day - dt.timedelta(days=rng.randrange(0, 30)),
                    registered_on=day,
                )


def _stations_and_experts(z: _Zone) -> None:
    rng = z.rng
    with z.at(dt.date(2014, 7, 1)):
        station = records.station_create(
            actor=z.office,
            kind=PostdocStation.Kind.STATION,
            name="柳州高新区博士后科研工作站",
            established_on=dt.date(2014, 7, 1),
            partner="广西大学",
        )
    stations = [station]
    for i in range(SUB_STATIONS):
        day = dt.date(2018 + i, 5, 20)
        host = z.larger[-(i + 1)]
        with z.at(day):
            stations.append(
                records.station_create(
                    actor=z.office,
                    kind=PostdocStation.Kind.SUB_STATION,
                    name=f"{host.name}博士后分站",
                    established_on=day,
                    host_uscc=host.uscc,
                    parent=station,
                    partner=rng.choice(SOURCES[:4]),
                )
            )
    seq = 0
    for s in stations:
        for _ in range(rng.randrange(2, 5)):
            seq += 1
            day = max(s.established_on, dt.date(rng.randrange(2015, YEAR + 1), rng.randrange(1, 13), 10))
            birth = dt.date(1985 + rng.randrange(8), rng.randrange(1, 13), rng.randrange(1, 28))
            with z.at(day):
                postdoc = records.postdoc_enter(
                    actor=z.office,
                    station=s,
                    name=_name(rng),
                    id_card=make_id_card("450203", birth, f"{seq + 100:03d}"),
                    field=rng.choice(FIELDS),
                    entered_on=day,
                )
            if postdoc.due_on <= z.as_of:
                with z.at(postdoc.due_on):
                    records.postdoc_leave(actor=z.office, postdoc_id=postdoc.pk, on=postdoc.due_on)
    for i in range(12):
        with z.at(dt.date(2019, 3, 1)):
            expert = records.expert_create(
                actor=z.office,
                name=_name(rng),
                organisation=rng.choice(SOURCES[:5]),
                title=rng.choice(["教授", "研究员", "高级工程师"]),
                field=rng.choice(FIELDS),
            )
            records.appointment_add(
                actor=z.office,
                expert=expert,
                department_id=z.department.pk,
                field=expert.field,
                term_from=dt.date(2019, 3, 1),
                term_to=dt.date(2021 + i % 3, 2, 28),
            )


def build(ctx: dict) -> None:
    z = _Zone(ctx)
    _digital_park(z)
    _data_base(z)
    left = _incubators(z)
    added = _rd_centres(z)
    _transfers_and_contracts(z)
    _stations_and_experts(z)
    open_now = Incubation.objects.filter(state=Incubation.State.INCUBATING).count()
    ctx["log"](
        f"双创：载体 {InnovationCarrier.objects.count()} 个，在孵企业 {open_now} 家（毕业或退出 {left} 家），"
        f"数字经济产业园线上注册 {ONLINE} 家、线下入驻 {ON_SITE} 家，补登研发机构 {added} 个"
    )
