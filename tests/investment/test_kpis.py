"""KPI formulas as of a past date (from the timeline), 履约 warnings from reported data, masked exports,
carriers and trips."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.core import clock
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.investment.models import Commitment, Project
from gaoxin.investment.services import carriers, kpis, pipeline
from gaoxin.investment.services.targets import target_set
from tests.enterprises import factories as ef
from tests.factories import department, staff_user

from .builders import bureau, lead, move, sign_ready, to_producing

pytestmark = pytest.mark.django_db
D = dt.date


def signed(a, b, *, on, amount, review_on=None, name="项目"):
    with clock.frozen(on):
        p = lead(a, name=name)
        move(a, p, "talk")
        sign_ready(a, p)
        move(a, p, "sign", agreement_no=name, signed_amount=Decimal(amount), signed_on=on)
    with clock.frozen(review_on or on):
        move(b, p, "review_ok")
    return p


@pytest.fixture
def officers(db):
    return bureau()


def test_kpis_as_of_a_past_date(officers):
    a, b = officers
    big = signed(a, b, on=D(2020, 3, 10), amount="150000", name="十亿级")
    mid = signed(a, b, on=D(2020, 5, 20), amount="20000", name="亿元级")
    small = signed(a, b, on=D(2020, 11, 2), amount="3000", name="小项目", review_on=D(2020, 11, 20))
    signed(a, b, on=D(2019, 12, 30), amount="9000", name="去年的")
    # big starts in August 2020 and produces in 2021; money arrives in two parts.
    with clock.frozen(D(2020, 8, 1)):
        e = ef.enterprise(ef.other_uscc(40), "十亿级（柳州）有限公司")
        move(a, big, "register", uscc=e.uscc)
        move(b, big, "review_ok")
        pipeline.evidence_add(actor=a, project_id=big.pk, stage="settled", title="入驻协议")
        move(a, big, "settle")
        move(b, big, "review_ok")
        pipeline.evidence_add(actor=a, project_id=big.pk, stage="started", title="施工许可证")
        move(a, big, "start", permit_no="P-1")
        move(b, big, "review_ok")
        pipeline.fund_arrival_add(actor=a, project_id=big.pk, amount=Decimal("30000"))
    with clock.frozen(D(2021, 3, 1)):
        pipeline.fund_arrival_add(actor=a, project_id=big.pk, amount=Decimal("45000"))
    everything = Project.objects.all()

    june = kpis.kpis(everything, year=2020, as_of=D(2020, 6, 30))["total"]
    assert (june["signed"], june["amount"], june["over_yi"]) == (2, Decimal("170000"), 2)
    assert june["bands"] == {"≥10亿": 1, "≥1亿": 1}
    assert june["start_rate"] == 0.0 and june["arrived"] == 0

    # 11 November: small was signed on 2 November but its review came on the 20th: not yet counted.
    nov = kpis.kpis(everything, year=2020, as_of=D(2020, 11, 11))["total"]
    assert nov["signed"] == 2 and nov["started"] == 1 and nov["start_rate"] == 50.0
    assert nov["arrived"] == Decimal("30000")
    assert nov["arrival_rate"] == round(30000 / 170000 * 100, 1)

    year_end = kpis.kpis(everything, year=2020, as_of=D(2021, 6, 30), bands=kpis.parse_bands("5000,100000"))
    t = year_end["total"]
    assert t["signed"] == 3 and t["amount"] == Decimal("173000")
    assert t["bands"] == {"≥10亿": 1, "≥5000万": 1}  # 3000 万 falls below every band
    assert t["arrived"] == Decimal("75000")
    # big: investment 50000 due 2021-12-31 (not due), start_by 2020-09-30 met (started 08-01);
    # mid and small: start_by 2020-09-30 broken. So 1 of 3 due commitments kept.
    assert (t["commitments_met"], t["commitments_due"], t["keep_rate"]) == (1, 3, 33.3)
    by_month = kpis.kpis(everything, year=2020, as_of=D(2021, 1, 1), by="month")["rows"]
    assert [(r["name"], r["signed"]) for r in by_month] == [("2020-03", 1), ("2020-05", 1), ("2020-11", 1)]
    assert small.pk and mid.pk


def test_a_withdrawn_signing_never_counts_and_targets_show_progress(officers):
    a, b = officers
    with clock.frozen(D(2020, 4, 1)):
        p = lead(a)
        move(a, p, "talk")
        sign_ready(a, p)
        move(a, p, "sign", agreement_no="X", signed_amount=Decimal("20000"), signed_on=D(2020, 4, 1))
        move(b, p, "review_back", note="附件缺页")
        target_set(actor=a, year=2020, metric="signed", value=Decimal("40"))
    r = kpis.kpis(Project.objects.all(), year=2020, as_of=D(2020, 12, 31))
    assert r["total"] is None
    assert r["targets"][0]["actual"] == 0 and r["targets"][0]["target"] == Decimal("40")
    signed(a, b, on=D(2020, 6, 1), amount="1000")
    r = kpis.kpis(Project.objects.all(), year=2020, as_of=D(2020, 12, 31))
    assert r["targets"][0]["rate"] == 2.5


def test_warnings_from_the_stages_and_the_reported_data(officers):
    a, b = officers
    with clock.frozen(D(2020, 1, 10)):
        late = lead(a, name="迟迟未开工")
        move(a, late, "talk")
        sign_ready(a, late, start_by=D(2020, 6, 30), produce_by=D(2021, 6, 30))
        move(a, late, "sign", agreement_no="L", signed_amount=Decimal("10000"), signed_on=D(2020, 1, 10))
        move(b, late, "review_ok")
    with clock.frozen(D(2020, 2, 1)):
        ok = to_producing(a, b, lead(a, name="达标项目"))
        pipeline.fund_arrival_add(actor=a, project_id=ok.pk, amount=Decimal("20000"))
    # 100 亩 held; committed 300 万元/亩 intensity and 10 万元/亩 tax for 2021; 2021 reports say 80 万元 tax.
    Commitment.objects.create(project=ok, kind="intensity", value=Decimal("300"), due_on=D(2021, 12, 31))
    Commitment.objects.create(project=ok, kind="tax_per_mu", value=Decimal("10"), due_on=D(2021, 12, 31))
    Commitment.objects.create(project=ok, kind="jobs", value=Decimal("40"), due_on=D(2021, 12, 31))
    firm = ef.Enterprise.objects.get(uscc=ok.uscc)
    ef.report(firm, 2021, 12, tax=Decimal("800000"), employees=45)
    everything = Project.objects.all()
    found = {(w["project"].name, w["warning"]) for w in kpis.warnings(everything, as_of=D(2022, 1, 15))}
    assert ("迟迟未开工", "超期未开工") in found and ("迟迟未开工", "未按期投产") in found
    assert ("达标项目", "投资强度不达标") in found  # 20000 万 / 100 亩 = 200 < 300
    assert ("达标项目", "亩均税收不达标") in found  # 80 万 / 100 亩 = 0.8 < 10
    assert ("达标项目", "就业人数不达标") not in found  # 45 ≥ 40
    assert ("达标项目", "投资未按期到位") in found  # 20000 < 50000 by 2021-12-31
    # Before the dates nothing is due.
    assert kpis.warnings(everything, as_of=D(2020, 3, 1)) == []
    # A higher reported tax clears that warning: the check reads the reported data.
    firm.reports.filter(year=2021).update(tax=Decimal("20000000"))
    found = {w["warning"] for w in kpis.warnings(everything, as_of=D(2022, 1, 15)) if w["project"] == ok}
    assert "亩均税收不达标" not in found
    # The KPIs' keep count (SQL for the date and money kinds) judges every kind as the full check does.
    for day in (D(2020, 3, 1), D(2020, 8, 1), D(2021, 1, 1), D(2022, 1, 15)):
        ids = list(everything.values_list("pk", flat=True))
        full = kpis.check_commitments(list(everything), day)
        expect = {
            pid: (sum(1 for _, c in cs if c.met), sum(1 for _, c in cs if c.met is not None))
            for pid, cs in full.items()
            if any(c.met is not None for _, c in cs)
        }
        assert kpis.kept(ids, day) == expect, day


def test_exports_mask_the_company_contact_and_amounts_for_readers_outside_the_team(officers):
    a, b = officers
    p = signed(a, b, on=D(2020, 3, 1), amount="12345", name="保密项目")
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    rows = {}
    for who in (a, clerk):
        c = Client()
        c.force_login(who)
        r = c.get("/api/v1/investment/projects.xlsx")
        assert r.status_code == 200
        rows[who.username] = [
            list(r) for r in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
        ]
    assert (
        rows["invest"][1][1:5] == ["保密项目", p.company, "张经理", None] or rows["invest"][1][2] == p.company
    )
    assert rows["invest"][1][7] == 12345
    masked = rows["clerk"][1]
    assert (
        masked[0] == p.code and p.company not in masked and 12345 not in masked and "保密项目" not in masked
    )
    c = Client()
    c.force_login(clerk)
    k = c.get("/api/v1/investment/kpis?year=2020").json()
    assert k["total"]["signed"] == 1 and k["total"]["amount"] is None
    wb = load_workbook(io.BytesIO(c.get("/api/v1/investment/kpis.xlsx?year=2020").content)).active
    assert 12345 not in [v for row in wb.iter_rows(values_only=True) for v in row]


def test_export_cells_are_safe(officers):
    a, _ = officers
    lead(a, name='=HYPERLINK("http://x")', company="+cmd")
    c = Client()
    c.force_login(a)
    wb = load_workbook(io.BytesIO(c.get("/api/v1/investment/projects.xlsx").content)).active
    row = list(wb.iter_rows(values_only=True))[1]
    assert row[1].startswith("'=") and row[2].startswith("'+")


def test_carriers_are_held_by_one_project(officers):
    a, _ = officers
    park = carriers.carrier_create(actor=a, kind="park", name="新能源电池产业园", area_mu=Decimal("1500"))
    plot = carriers.carrier_create(
        actor=a,
        kind="plot",
        name="A-01 标准地",
        park=park,
        area_mu=Decimal("120"),
        min_intensity=Decimal("300"),
    )
    p, q = lead(a), lead(a, name="另一个")
    carriers.carrier_assign(actor=a, carrier_id=plot.pk, state="reserved", project=p)
    with pytest.raises(Conflict):
        carriers.carrier_assign(actor=a, carrier_id=plot.pk, state="sold", project=q)
    with pytest.raises(ValidationFailed):
        carriers.carrier_assign(actor=a, carrier_id=plot.pk, state="let")
    with pytest.raises(Conflict):
        carriers.carrier_assign(actor=a, carrier_id=park.pk, state="reserved", project=p)
    carriers.carrier_assign(actor=a, carrier_id=plot.pk, state="available")
    plot.refresh_from_db()
    assert plot.project is None and plot.state == "available"


def test_trips_visits_and_their_yield(officers):
    a, _ = officers
    with clock.frozen(D(2020, 7, 10)):
        _trip_and_lead(a)
    figures = kpis.trip_figures(year=2020, as_of=D(2020, 12, 31))
    assert figures == {"trips": 1, "companies": 1, "visits": 1, "leads": 1}
    assert kpis.trip_figures(year=2020, as_of=D(2020, 7, 1))["trips"] == 0


def _trip_and_lead(a):
    c = Client()
    c.force_login(a)
    r = c.post(
        "/api/v1/investment/trips",
        json.dumps(
            {"leader": "何主任", "destination": "合肥", "start_on": "2020-07-06", "end_on": "2020-07-08"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    trip = r.json()["id"]
    r = c.post(
        f"/api/v1/investment/trips/{trip}/visits",
        json.dumps({"company": "国轩高科股份有限公司", "on": "2020-07-09"}),
        content_type="application/json",
    )
    assert r.status_code == 422  # after the trip
    r = c.post(
        f"/api/v1/investment/trips/{trip}/visits",
        json.dumps({"company": "国轩高科股份有限公司", "on": "2020-07-07", "city": "合肥"}),
        content_type="application/json",
    )
    visit = r.json()["id"]
    r = c.post(
        "/api/v1/investment/projects",
        json.dumps(
            {
                "name": "动力电池二期",
                "company": "国轩高科",
                "source": "leader",
                "intended_investment": "500000",
                "visit_id": visit,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201
    detail = c.get(f"/api/v1/investment/trips/{trip}").json()
    assert detail["visits"][0]["projects"][0]["name"] == "动力电池二期"


def _reference(projects, *, year, as_of, by, bands):
    """The KPI definitions written out project by project in Python (the timeline maps and the full
    commitment check), for the grouped SQL to agree with."""
    from gaoxin.investment.models import StageEvent

    signs: dict[int, dt.date] = {}
    events = StageEvent.objects.filter(
        kpis._counted(as_of), action="sign", on__year=year, project__in=projects
    ).order_by("on")
    for pid, on in events.values_list("project_id", "on"):
        signs.setdefault(pid, on)
    ids = list(signs)
    started, producing = kpis.reached(ids, "started", as_of), kpis.reached(ids, "producing", as_of)
    arrived = kpis._arrived(ids, as_of)
    plist = list(Project.objects.filter(pk__in=ids).select_related("link__chain", "officer", "department"))
    checks = kpis.check_commitments(plist, as_of)
    groups: dict[str, dict] = {}
    for p in plist:
        key = {
            "chain": (p.link.chain.name if p.link else "未归链"),
            "officer": p.officer.full_name or p.officer.username,
            "department": p.department.name if p.department else "未指定",
            "month": f"{signs[p.pk]:%Y-%m}",
            "sector": p.sector or "未分类",
        }.get(by, "全区")
        g = groups.setdefault(key, {"signed": 0, "amount": Decimal(0), "over_yi": 0, "started": 0,
                                    "producing": 0, "arrived": Decimal(0), "commitments_met": 0,
                                    "commitments_due": 0, "bands": {kpis.band_label(b): 0 for b in bands}})  # fmt: skip
        amount = p.signed_amount or Decimal(0)
        g["signed"] += 1
        g["amount"] += amount
        g["over_yi"] += amount >= 10000
        g["started"] += p.pk in started
        g["producing"] += p.pk in producing
        g["arrived"] += arrived.get(p.pk, Decimal(0))
        judged = [c.met for _, c in checks.get(p.pk, []) if c.met is not None]
        g["commitments_met"] += sum(judged)
        g["commitments_due"] += len(judged)
        band = next((b for b in bands if amount >= b), None)
        if band is not None:
            g["bands"][kpis.band_label(band)] += 1
    return groups


def test_the_grouped_sql_agrees_with_the_definitions_project_by_project(officers):
    """A generated pipeline (signings reviewed late or withdrawn, terminated projects, funds, every
    commitment kind, several chains, officers and sectors): every dimension, several dates and bands."""
    import random

    from gaoxin.investment.models import Carrier, Chain, ChainLink, FundArrival, StageEvent

    a, b = officers
    rng = random.Random(11)
    chains = [Chain.objects.create(code=f"c{i}", name=f"链{i}") for i in range(3)]
    links = [ChainLink.objects.create(chain=c, name=f"环节{c.pk}") for c in chains] + [None]
    stages = ["lead", "talks", "signed", "registered", "settled", "started", "completed", "producing"]
    actions = ["create", "talk", "sign", "register", "settle", "start", "complete", "produce"]
    kinds = list(Commitment.Kind.values)
    as_of_days = [D(2020, 8, 1), D(2022, 1, 1)]  # a commitment due on the day itself is judged that day
    for i in range(60):
        reach = rng.randrange(2, len(stages))
        day = D(2019, 6, 1) + dt.timedelta(days=rng.randrange(700))
        p = Project.objects.create(
            code=f"T{i}", name=f"项目{i}", company="某公司", source="fair", link=rng.choice(links),
            sector=rng.choice(["", "汽车", "光电"]), intended_investment=Decimal(1000),
            officer=rng.choice([a, b]), signed_amount=Decimal(rng.choice([500, 5000, 12000, 150000, 99999.99])),
            stage="terminated" if rng.random() < 0.15 else stages[reach], created_on=day,
        )  # fmt: skip
        for k in range(1, reach + 1):
            day += dt.timedelta(days=rng.randrange(5, 90))
            late = day + dt.timedelta(days=rng.randrange(0, 40))
            StageEvent.objects.create(
                project=p, action=actions[k], from_stage=stages[k - 1], to_stage=stages[k], on=day,
                counted_on=late if k >= 2 else day, withdrawn=rng.random() < 0.08,
            )  # fmt: skip
        for kind in rng.sample(kinds, rng.randrange(0, len(kinds) + 1)):
            Commitment.objects.create(
                project=p, kind=kind, value=Decimal(rng.choice([10, 300, 5000, 12000])),
                due_on=rng.choice([D(2019, 9, 1) + dt.timedelta(days=rng.randrange(900)), *as_of_days]),
            )  # fmt: skip
        if rng.random() < 0.5:
            FundArrival.objects.create(project=p, on=day, amount=Decimal(rng.choice([100, 3000, 20000])))
        if rng.random() < 0.3:
            Carrier.objects.create(
                kind="plot", name=f"地{i}", area_mu=Decimal(rng.choice([20, 100])), project=p
            )
    everything = Project.objects.all()
    for year, as_of in ((2020, D(2020, 8, 1)), (2020, D(2022, 1, 1)), (2021, D(2021, 12, 31))):
        for bands in (kpis.DEFAULT_BANDS, kpis.parse_bands("1000,10000,100000")):
            for by in ("", *kpis.DIMENSIONS):
                got = kpis.kpis(everything, year=year, as_of=as_of, by=by, bands=bands)
                want = _reference(everything, year=year, as_of=as_of, by=by, bands=bands)
                rows = got["rows"] if by else ([got["total"]] if got["total"] else [])
                fields = [*kpis.SUMMED, "bands"]
                assert {r["name"]: {f: r[f] for f in fields} for r in rows} == want, (year, as_of, by)
                assert want, (year, as_of, by)  # the generated data has signings in every case
    # A scoped reader's KPIs count only the projects it sees.
    other = staff_user("other", department("approval", "行政审批局"), ["window_clerk"])
    mine = Project.objects.visible_to(other)
    assert kpis.kpis(mine, year=2020, as_of=D(2022, 1, 1))["total"] is None
    Project.objects.filter(code="T1").update(officer=other)
    got = kpis.kpis(Project.objects.visible_to(other), year=2020, as_of=D(2022, 1, 1))["total"]
    want = _reference(
        Project.objects.visible_to(other), year=2020, as_of=D(2022, 1, 1), by="", bands=kpis.DEFAULT_BANDS
    )
    assert (got and {f: got[f] for f in kpis.SUMMED}) == (
        {f: want["全区"][f] for f in kpis.SUMMED} if want else None
    )
