"""Demo talent subsidies (a step of demo.generator after the talent step), made through the services:
the demo's three citizens registered as talents with high-tech employers and certified through 人才认定
cases on the case engine, a year of their income tax recorded, one of them leaving the zone in June,
and the four subsidies of the 人才新政 as person clauses drawing on one 人才发展专项资金 budget — each
run as a 免申即享 batch, reviewed and put on 公示, one confirmed by its talent with a personal card.
Every amount is the clauses' formulas over these records."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.enterprises.models import Enterprise
from gaoxin.govservices.services.cases import case_act
from gaoxin.govservices.services.submission import case_submit
from gaoxin.policies.models import Award
from gaoxin.policies.services import catalogue, money
from gaoxin.talent.models import Degree, Talent, Title
from gaoxin.talent.services import registry, subsidies

from .govservices import PDF

# citizen account, tier, degree, title, annual salary
PEOPLE = [
    ("citizen", "B", Degree.DOCTOR, Title.SENIOR, Decimal("680000")),
    ("citizen2", "C", Degree.DOCTOR, Title.DEPUTY_SENIOR, Decimal("360000")),
    ("citizen3", "C", Degree.DOCTOR, Title.DEPUTY_SENIOR, Decimal("320000")),
]
CARD = "6222020200112233446"  # a demo debit card number (its Luhn check digit is right)


def _clauses(office, year: int) -> list:
    policy = catalogue.policy_create(
        actor=office,
        title="高新区人才新政（人才发展专项资金）",
        issuer="高新区管委会",
        doc_no=f"高新管〔{year}〕8号",
        issued_on=dt.date(year, 1, 5),
        tags="人才,安家补贴,生活补贴,个税奖励",
    )
    last = year - 1
    specs = [
        (
            "talent-settle",
            "安家补贴（一次性，按层次）",
            f"person.certified && person.employer_in_zone && person.certified_year == {year}",
            'person.tier == "A" ? 1000000 : (person.tier == "B" ? 500000 : (person.tier == "C" ? 200000 : 50000))',
            None,
        ),
        (
            "talent-living",
            "生活补贴（按月，认定起三年）",
            f"person.certified && person.years_certified < 3 && person.months_in_zone({year}) > 0",
            f"(person.tier_rank <= 2 ? 5000 : 3000) * person.months_in_zone({year})",
            None,
        ),
        (
            "talent-iit",
            "个人所得税奖励（上年已缴个税的 50%）",
            f"person.certified && person.in_zone && person.iit_paid({last}) > 0",
            f"person.iit_paid({last}) * 0.5",
            Decimal("200000"),
        ),
        (
            "talent-leader",
            "创新领军人才奖",
            "person.certified && person.tier_rank <= 2 && person.employer_in_zone && enterprise.hte",
            "300000",
            None,
        ),
    ]
    out, fund = [], None
    for code, title, rule, formula, cap in specs:
        clause = catalogue.clause_create(
            actor=office,
            policy=policy,
            code=code,
            title=title,
            period=year,
            rule=rule,
            formula=formula,
            beneficiary="person",
            award_cap=cap,
            budget_source=fund,
        )
        if fund is None:  # the first clause holds the fund's budget; the others share it
            fund = clause
            catalogue.budget_set(actor=office, clause=clause, year=year, amount=Decimal("5000000"))
        out.append(catalogue.clause_check_and_publish(actor=office, clause=clause))
    return out


def _certify(u: dict, office, citizen: User, tier: str) -> None:
    files = {}
    for order in ("1", "2"):
        f = io.BytesIO(PDF)
        f.name = f"material-{order}.pdf"
        files[order] = f
    case, _ = case_submit(
        actor=citizen, item_code=registry.ITEM_CODE, files=files, data={"tier": tier}, commitment=False
    )
    case_act(actor=u["clerk"], number=case.number, action="accept")
    case_act(
        actor=u["reviewer"],
        number=case.number,
        action="review",
        payload={"verdict": "agree", "opinion": "符合条件"},
    )
    case_act(actor=u["approver"], number=case.number, action="approve", payload={"opinion": "准予认定"})
    case_act(actor=u["approver"], number=case.number, action="issue")
    registry.certification_from_case(actor=office, case_number=case.number, tier_code=tier)


def build(ctx: dict) -> None:
    as_of, log = ctx["as_of"], ctx["log"]
    year = as_of.year
    u = {x.username: x for x in User.objects.filter(username__in=["policy", "clerk", "reviewer", "approver"])}
    office = u["policy"]
    employers = list(
        Enterprise.objects.filter(status=Enterprise.Status.OPERATING, qualifications__kind="hte")
        .distinct()
        .order_by("uscc")[: len(PEOPLE)]
    )
    certified_on = min(as_of, dt.date(year, 1, 12))
    with clock.frozen(certified_on):
        for (username, tier, degree, title, salary), employer in zip(PEOPLE, employers, strict=False):
            citizen = User.objects.get(username=username)
            talent = registry.talent_register(
                actor=office,
                id_card=citizen.id_card,
                name=citizen.full_name,
                employer_uscc=employer.uscc,
                start_on=dt.date(year - 3, 3, 1),
                degree=degree,
                title=title,
                annual_salary=salary,
            )
            _certify(u, office, citizen, tier)
            for month in range(1, 13):  # last year's tax, as the tax bureau's list would give it
                monthly = (salary / 12 - Decimal("5000")) * Decimal("0.25") - Decimal("2660")
                subsidies.income_tax_record(
                    actor=office,
                    talent=talent,
                    year=year - 1,
                    month=month,
                    amount=monthly.quantize(Decimal("0.01")),
                )
    leaver = User.objects.get(username=PEOPLE[-1][0])
    left_on = min(as_of, dt.date(year, 6, 15))
    with clock.frozen(as_of):
        talent = Talent.objects.get(id_card=leaver.id_card)
        registry.talent_act(actor=office, talent_id=talent.pk, action="leave", on=left_on)
        clauses = _clauses(office, year)
        for clause in clauses:
            money.award_batch.run_now(clause_id=clause.pk, actor_id=office.pk, as_of=as_of.isoformat())
        awards = list(Award.objects.filter(clause__in=clauses).order_by("pk"))
        money.awards_approve(actor=office, awards=awards)
        money.awards_publish(actor=office, awards=awards)
        mine = User.objects.get(username=PEOPLE[0][0])
        own = next(a for a in awards if a.person_id_card == mine.id_card)
        money.award_confirm(
            actor=mine,
            award=own,
            bank_name="中国工商银行南宁高新支行",
            account_name=mine.full_name,
            account_no=CARD,
        )
    total = sum((a.amount for a in awards), Decimal("0"))
    log(f"人才补贴：认定人才 {len(employers)} 名，免申即享 {len(awards)} 笔，合计 {total} 元（公示中）")
