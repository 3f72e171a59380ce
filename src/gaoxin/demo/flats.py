"""Demo data of 人才公寓 and 限价房 (a step of demo.generator), made through the talent pillar's services
over the fourteen months before the demo day: the published scoring rule and the 限价房 rule, two
buildings of flats, applications from talents of the registry (and from the demo citizens the subsidy
step certified through 人才认定 cases, who apply themselves), monthly allocation rounds that give each
vacant flat to the head of the waiting list, and two tenants who leave the zone and free their flats.
The registry's other talents hold no certification (certifications follow issued cases, and they have
no accounts to apply with), so their tier points are 0 and their rent is the market rent; the
certified citizens' tiers score and reduce their rent as the rule says."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.talent import flat_selectors
from gaoxin.talent.models import Flat, FlatApplication, Talent
from gaoxin.talent.services import flats, registry

BUILDINGS = [("人才公寓1号楼", "高新区创新大道 66 号"), ("人才公寓2号楼", "高新区创新大道 68 号")]
UNITS_PER_BUILDING = 10
APPLICANTS = 36
DAYS = 420


def build(ctx: dict) -> None:
    rng = random.Random(ctx["rng"].random())
    as_of, log = ctx["as_of"], ctx["log"]
    office = User.objects.get(username="policy")
    start = as_of - dt.timedelta(days=DAYS)
    with clock.frozen(start):
        flats.flat_rule_publish(
            actor=office,
            tier_points={"A": 50, "B": 40, "C": 30, "D": 20, "E": 10},
            month_points=Decimal("1"),
            max_months=36,
            member_points=Decimal("5"),
            max_members=3,
            rent_shares={"A": 0, "B": 0, "C": 30, "D": 50, "E": 70},
            lease_years=3,
            note="人才层次分、轮候时间分与家庭人口分相加；得分相同的，申请在先者优先",
        )
        flats.purchase_rule_publish(actor=office, tiers=["A", "B", "C", "D"], min_years=3)
        for b, (name, address) in enumerate(BUILDINGS):
            for i in range(UNITS_PER_BUILDING):
                flats.flat_register(
                    actor=office,
                    building=name,
                    address=address,
                    code=f"{(i // 4 + 1) * 100 + i % 4 + 1}",
                    area=Decimal(45 + 15 * (i % 3)),
                    market_rent=Decimal(1200 + 400 * (i % 3) + 100 * b),
                    bedrooms=1 + i % 3,
                )
        citizen = _citizen_talent(office, ctx, start)
    # A second certified citizen applies the day before the demo day, after the last
    # allocation round, and heads the waiting list with the points of the tier.
    late = Talent.objects.filter(
        id_card=User.objects.get(username="citizen2").id_card, state=Talent.State.IN_ZONE
    ).first()
    # Applicants who worked in the zone before the months simulated here (a later start could not
    # precede their application, nor their leaving).
    talents = list(
        Talent.objects.filter(
            state=Talent.State.IN_ZONE, jobs__end_on__isnull=True, jobs__start_on__lte=start
        )
        .exclude(pk__in=[t.pk for t in (citizen, late) if t is not None])
        .order_by("pk")
    )
    chosen = rng.sample(talents, min(APPLICANTS, len(talents)))
    events: list[tuple[dt.date, int, str, object]] = []
    for t in chosen:
        day = start + dt.timedelta(days=rng.randrange(0, DAYS - 20))
        events.append((day, 0, "apply", (t, office, rng.randrange(1, 6))))
    events.append((as_of - dt.timedelta(days=75), 0, "apply", (citizen, citizen_user(citizen), 3)))
    if late is not None:
        events.append((as_of - dt.timedelta(days=1), 3, "apply", (late, citizen_user(late, "citizen2"), 2)))
    day = start + dt.timedelta(days=45)
    while day <= as_of:
        events.append((day, 2, "round", None))
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    events.append((as_of - dt.timedelta(days=40), 3, "leave", 2))
    apps: dict[int, int] = {}
    for day, _order, kind, arg in sorted(events, key=lambda e: (e[0], e[1])):
        with clock.frozen(dt.datetime.combine(day, dt.time(9 + rng.randrange(8), rng.randrange(60)))):
            if kind == "apply":
                talent, actor, family = arg  # type: ignore[misc]
                app = flats.flat_apply(actor=actor, talent_id=talent.pk, family_size=family)
                apps[talent.pk] = app.pk
                queue_on = min(day + dt.timedelta(days=rng.randrange(1, 10)), as_of)
                with clock.frozen(queue_on):
                    flats.flat_act(actor=office, application_id=app.pk, action="queue")
            elif kind == "round":
                _allocation_round(office)
            else:
                _leavers(office, rng, int(arg))  # type: ignore[call-overload]
    queued = FlatApplication.objects.filter(state=FlatApplication.State.QUEUED).count()
    let = Flat.objects.filter(state=Flat.State.LET).count()
    log(
        f"人才公寓：房源 {Flat.objects.count()} 套（已配租 {let} 套），申请 {len(apps)} 份，轮候中 {queued} 份"
    )


def citizen_user(talent: Talent, username: str = "citizen") -> User:
    return User.objects.get(username=username, id_card=talent.id_card)


def _citizen_talent(office, ctx: dict, start: dt.date) -> Talent:
    """The demo citizen works at an enterprise of the registry and is a talent, so that her own pages
    show an application."""
    user = User.objects.get(username="citizen")
    # the talent-subsidy step (before this one) may already have certified her as a talent
    existing = Talent.objects.visible_to(office).filter(id_card=user.id_card).first()
    if existing is not None:
        return existing
    return registry.talent_register(
        actor=office,
        id_card=user.id_card,
        name=user.full_name,
        employer_uscc=ctx["enterprises"][0].uscc,
        start_on=start - dt.timedelta(days=900),
        degree=2,
    )


def _allocation_round(office) -> None:
    """Each vacant flat goes to the head of the waiting list on the day, and the tenant moves in."""
    vacant = list(flat_selectors.flat_list(user=office, state=Flat.State.VACANT))
    ranked = flat_selectors.waiting_list()
    for flat, row in zip(vacant, ranked, strict=False):
        app = row.application
        flats.flat_act(actor=office, application_id=app.pk, action="allocate", flat_id=flat.pk)
        flats.flat_act(actor=office, application_id=app.pk, action="move_in")


def _leavers(office, rng: random.Random, n: int) -> None:
    """Tenants who leave the zone: their lease ends through the talent's own `leave`."""
    tenants = list(
        FlatApplication.objects.filter(state=FlatApplication.State.MOVED_IN)
        .order_by("pk")
        .values_list("talent_id", flat=True)
    )
    for talent_id in rng.sample(tenants, min(n, len(tenants))):
        registry.talent_act(actor=office, talent_id=talent_id, action="leave")
