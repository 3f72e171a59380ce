"""Demo data of the talent pillar (a step of demo.generator), made through the pillar's own services:
the tiers A–E with their criteria, the 人才认定 service item, and talents registered with enterprises of
the demo registry. Certifications are not simulated yet: they follow issued cases, made by people."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.identifiers import make_id_card
from gaoxin.talent.models import Degree, Title
from gaoxin.talent.services import registry

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华建国志强海燕晓峰思远子涵雨轩博文嘉怡"
TALENTS = 60


def build(ctx: dict) -> None:
    rng = random.Random(ctx["rng"].random())
    as_of, log = ctx["as_of"], ctx["log"]
    office = User.objects.get(username="policy")
    # reviewed and approved at the 行政审批局, whose window, reviewer and approver the demo staffs
    department = ctx["departments"]["approval"]
    employers = [e.uscc for e in ctx["enterprises"]][:200]
    with clock.frozen(as_of):
        registry.tiers_install_defaults(actor=office)
        registry.certification_item_publish(actor=office, department=department)
        for i in range(min(TALENTS, len(employers))):
            birth = dt.date(1965 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
            degree = rng.choice([Degree.BACHELOR, Degree.MASTER, Degree.MASTER, Degree.DOCTOR])
            registry.talent_register(
                actor=office,
                id_card=make_id_card("450203", birth, f"{i:03d}"),
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                employer_uscc=rng.choice(employers),
                start_on=as_of - dt.timedelta(days=rng.randrange(30, 3000)),
                degree=degree,
                title=rng.choice(list(Title.values)),
                annual_salary=Decimal(rng.randrange(8, 80) * 10000),
            )
    log(f"人才与双创：人才层次 {len(registry.DEFAULT_TIERS)} 个，登记人才 {min(TALENTS, len(employers))} 名")
