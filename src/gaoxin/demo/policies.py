"""Demo data of the policies pillar (a step of demo.generator).

The 2020 figures of the source documents are reproduced exactly: 3.65亿元 of support funds paid
under the 15 SME measures and rent relief of 2667.8万元 and property fees of 162.8万元 on state-owned
premises. 复工贷 runs through the loan services: 5.44亿元 declared to the banks, each bank's answer
recorded as the officer would (approved, part-approved or declined, then granted). Current-year clauses (innovation, talent) get budgets and
a 免申即享 batch of draft awards for the policy officer to review."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.enterprises.models import Enterprise
from gaoxin.policies.models import (
    Award,
    Budget,
    Building,
    Clause,
    Lease,
    LedgerEntry,
    PaymentBatch,
    PaymentItem,
    Policy,
    Relief,
    ReliefScheme,
    Unit,
)
from gaoxin.policies.rules import parse_rule
from gaoxin.policies.rules.compiler import compile_rule
from gaoxin.policies.services import apply, money, premises

DISBURSED_2020 = Decimal("365000000")
RENT_RELIEF_2020 = Decimal("26678000")
FEE_RELIEF_2020 = Decimal("1628000")
LOANS_DECLARED_2020 = Decimal("544000000")

SME = '["medium", "small", "micro"]'

# (code, title, mode, rule, formula, cap, 2020 total paid in yuan, typical award)
MEASURES_2020 = [
    ("2020-rent", "国有物业租金减免", "auto", f"enterprise.size in {SME}", "0", None, 0, 0),
    ("2020-fee", "国有物业物业费减免", "auto", f"enterprise.size in {SME}", "0", None, 0, 0),
    (
        "2020-jobs",
        "稳岗返还补贴",
        "auto",
        f'enterprise.size in {SME} && enterprise.status == "operating"',
        'enterprise.size == "medium" ? 200000 : 60000',
        "300000",
        42_000_000,
        60_000,
    ),
    (
        "2020-ppe",
        "复工复产防疫物资补贴",
        "auto",
        "enterprise.above_scale",
        "50000",
        "100000",
        18_000_000,
        50_000,
    ),
    (
        "2020-interest",
        "流动资金贷款贴息",
        "apply",
        f"enterprise.size in {SME}",
        "200000",
        "500000",
        36_000_000,
        200_000,
    ),
    (
        "2020-guarantee",
        "融资担保费补贴",
        "apply",
        f"enterprise.size in {SME}",
        "30000",
        "100000",
        9_000_000,
        30_000,
    ),
    (
        "2020-social",
        "阶段性社会保险补贴",
        "auto",
        f"enterprise.size in {SME}",
        "40000",
        "200000",
        55_000_000,
        40_000,
    ),
    (
        "2020-fullprod",
        "规上工业企业满产达产奖励",
        "auto",
        'enterprise.above_scale && enterprise.scale_kind == "industry"',
        "300000",
        "1000000",
        48_000_000,
        300_000,
    ),
    ("2020-hte", "高新技术企业认定奖励", "auto", "enterprise.hte", "200000", "200000", 41_400_000, 200_000),
    (
        "2020-techsme",
        "科技型中小企业研发补助",
        "auto",
        "enterprise.tech_sme",
        "100000",
        "200000",
        31_000_000,
        100_000,
    ),
    (
        "2020-srdi",
        "专精特新企业奖励",
        "auto",
        "enterprise.srdi || enterprise.little_giant",
        "enterprise.little_giant ? 1000000 : 500000",
        "1000000",
        26_000_000,
        500_000,
    ),
    (
        "2020-upscale",
        "小升规奖励",
        "auto",
        'enterprise.above_scale && enterprise.size in ["small", "micro"]',
        "150000",
        "200000",
        12_600_000,
        150_000,
    ),
    (
        "2020-export",
        "外贸企业稳订单补贴",
        "apply",
        "data.export_value(2019) > 0",
        "min(data.export_value(2019) * 0.01, 500000)",
        "500000",
        15_000_000,
        250_000,
    ),
    (
        "2020-listing",
        "企业上市挂牌奖励",
        "apply",
        "enterprise.listed",
        "2000000",
        "5000000",
        20_000_000,
        2_000_000,
    ),
    (
        "2020-online",
        "线上经营与数字化转型补贴",
        "apply",
        f"enterprise.size in {SME}",
        "50000",
        "100000",
        11_000_000,
        50_000,
    ),
]
CURRENT = [
    # (policy key, code, title, mode, rule, formula, cap, budget)
    (
        "innovation",
        "innov-rd",
        "研发投入增量奖励",
        "auto",
        "enterprise.hte && data.rd_expense({y}) >= 5000000 && growth.revenue_yoy({y}) >= 0.1",
        "min(data.rd_expense({y}) * 0.05, 1000000)",
        "1000000",
        "30000000",
    ),
    (
        "innovation",
        "innov-hte",
        "高新技术企业有效期内奖励",
        "auto",
        'enterprise.hte && enterprise.status == "operating"',
        'enterprise.size in ["small", "micro"] ? 100000 : 200000',
        "200000",
        "60000000",
    ),
    (
        "innovation",
        "innov-ip",
        "发明专利授权奖励",
        "apply",
        "ip.invention_granted({y}) >= 1",
        "min(ip.invention_granted({y}) * 10000, 300000)",
        "300000",
        "5000000",
    ),
    (
        "innovation",
        "innov-digital",
        "中小企业数字化改造补贴",
        "apply",
        'enterprise.size in ["small", "micro", "medium"] && !enterprise.listed && enterprise.status == "operating"',
        'enterprise.size == "medium" ? 100000 : 50000',
        "100000",
        "10000000",
    ),
    (
        "talent",
        "talent-staff",
        "高学历人才集聚补贴",
        "apply",
        "data.bachelor_staff({y}) >= 50 && enterprise.hte",
        "min(data.bachelor_staff({y}) * 2000, 500000)",
        "500000",
        "20000000",
    ),
    (
        "talent",
        "talent-postdoc",
        "博士后工作站建站资助",
        "auto",
        "enterprise.postdoc",
        "500000",
        "500000",
        "3000000",
    ),
]
BANKS = [
    "工商银行柳州分行",
    "建设银行柳州分行",
    "农业银行柳州分行",
    "中国银行柳州分行",
    "柳州银行",
    "广西北部湾银行柳州分行",
]
INDIVIDUAL = [
    "张记螺蛳粉店",
    "李氏五金店",
    "桂香快餐店",
    "兴业打印部",
    "柳江便利店",
    "老王汽修店",
    "阿梅服装店",
    "鑫鑫水果店",
]


def build(ctx: dict) -> None:
    """Add this pillar's demo rows; ctx holds rng, as_of, log, enterprises, departments."""
    rng, as_of, log = ctx["rng"], ctx["as_of"], ctx["log"]
    enterprises: list[Enterprise] = ctx["enterprises"]
    depts = ctx.get("departments", {})
    officer = User.objects.filter(username="policy").first()
    finance = User.objects.filter(username="finance").first()
    sci = depts.get("sci-tech")

    sme_policy = Policy.objects.create(
        title="关于应对新冠肺炎疫情支持中小企业共渡难关的十五条措施",
        issuer="高新区管理委员会",
        doc_no="高新管发〔2020〕5号",
        issued_on=dt.date(2020, 2, 10),
        effective_from=dt.date(2020, 2, 10),
        effective_to=dt.date(2020, 12, 31),
        full_text="\n".join(f"{i}. {m[1]}" for i, m in enumerate(MEASURES_2020, 1)),
        tags="疫情,中小企业,2020",
        status=Policy.Status.EXPIRED,
    )
    clauses_2020 = []
    for code, title, mode, rule, formula, cap, _total, _typical in MEASURES_2020:
        parse_rule(rule)
        clauses_2020.append(
            Clause.objects.create(
                policy=sme_policy,
                code=code,
                title=title,
                mode=mode,
                state=Clause.State.PUBLISHED,  # the demo's clauses are live
                rule=rule,
                formula=formula,
                award_cap=Decimal(cap) if cap else None,
                period=2020,
                department=sci,
                window_from=dt.date(2020, 2, 10),
                window_to=dt.date(2020, 12, 31),
                materials="营业执照；申请表；相关证明材料" if mode == "apply" else "",
            )
        )
    paid = _awards_2020(rng, enterprises, clauses_2020, officer, finance)

    year = as_of.year - 1
    policies = {
        "innovation": Policy.objects.create(
            title="关于加快科技创新推动高质量发展的若干政策",
            issuer="高新区管理委员会",
            doc_no=f"高新管发〔{as_of.year}〕2号",
            issued_on=dt.date(as_of.year, 1, 15),
            effective_from=dt.date(as_of.year, 1, 15),
            tags="科技创新,研发,知识产权",
        ),
        "talent": Policy.objects.create(
            title="高新区人才集聚“英才计划”实施细则",
            issuer="高新区党工委组织人事部、管委会",
            doc_no=f"高新人〔{as_of.year}〕1号",
            issued_on=dt.date(as_of.year, 2, 20),
            effective_from=dt.date(as_of.year, 3, 1),
            tags="人才,博士后",
        ),
    }
    current = []
    for key, code, title, mode, rule, formula, cap, budget in CURRENT:
        clause = Clause.objects.create(
            policy=policies[key],
            code=code,
            title=title,
            mode=mode,
            state=Clause.State.PUBLISHED,
            rule=rule.format(y=year),
            formula=formula.format(y=year),
            award_cap=Decimal(cap),
            period=as_of.year,
            department=sci,
            window_from=dt.date(as_of.year, 3, 1),
            window_to=dt.date(as_of.year, 11, 30),
        )
        Budget.objects.create(clause=clause, year=as_of.year, amount=Decimal(budget))
        current.append(clause)
    digital = next(c for c in current if c.code == "innov-digital")
    if officer and digital.department:
        digital.materials = "数字化改造项目申报书；改造合同及发票；项目验收报告"
        digital.save(update_fields=["materials"])
        apply.clause_publish_service_item(actor=officer, clause=digital)
    drafts = 0
    hte_clause = next(c for c in current if c.code == "innov-hte")
    if officer:
        run = money.award_batch.run_now(clause_id=hte_clause.pk, actor_id=officer.pk, as_of=as_of.isoformat())
        drafts = (run.result or {}).get("新生成待审核", 0)

    relief = _premises(rng, enterprises, sme_policy, officer)
    loans = _loans(rng, enterprises, sme_policy, officer)
    log(
        f"政策 {Policy.objects.count()} 件、兑现事项 {Clause.objects.count()} 项；2020 年拨付 {paid / 10**8:.2f} 亿元；"
        f"租金减免 {relief['rent'] / 10**4:.1f} 万元、物业费 {relief['fee'] / 10**4:.1f} 万元；"
        f"复工贷申报 {loans['recommended'] / 10**8:.2f} 亿元、放款 {loans['granted'] / 10**8:.2f} 亿元；待审核兑现 {drafts} 笔"
    )


def _split(rng, total: int, typical: int) -> list[Decimal]:
    """Amounts (multiples of 1,000 yuan) near `typical` that add up to `total` exactly."""
    out, left = [], total
    while left > 0:
        amount = min(left, max(1000, round(typical * rng.uniform(0.5, 1.5) / 1000) * 1000))
        if 0 < left - amount < 1000:
            amount = left
        out.append(Decimal(amount))
        left -= amount
    return out


def _awards_2020(rng, enterprises, clauses, officer, finance) -> Decimal:
    """Paid awards of 2020 with their ledger (reserve + pay) and payment batches, in bulk."""
    as_of_2020 = dt.date(2020, 6, 30)
    ids = [e.pk for e in enterprises]
    awards = []
    for clause, (*_, total, typical) in zip(clauses, MEASURES_2020, strict=True):
        if not total:
            continue
        amounts = _split(rng, total, typical)
        Budget.objects.create(clause=clause, year=2020, amount=Decimal(total) * Decimal("1.1"))
        eligible = list(
            compile_rule(parse_rule(clause.rule), as_of_2020).queryset().values_list("pk", flat=True)
        )
        pool = eligible if len(eligible) >= len(amounts) else ids
        chosen = rng.sample(pool, min(len(amounts), len(pool)))
        if len(chosen) < len(amounts):  # more awards than enterprises: merge the tail
            amounts = amounts[: len(chosen) - 1] + [sum(amounts[len(chosen) - 1 :])]
        for ent_id, amount in zip(chosen, amounts, strict=True):
            month = rng.randrange(4, 13)
            awards.append(
                Award(
                    clause=clause,
                    enterprise_id=ent_id,
                    period=2020,
                    amount=amount,
                    state=Award.State.PAID,
                    basis={"note": "2020 年兑现（历史数据）"},
                    notice_from=dt.date(2020, month - 1, 5),
                    notice_to=dt.date(2020, month - 1, 12),
                    bank_name=rng.choice(BANKS),
                    paid_on=dt.date(2020, month, 20),
                    account_no=f"62{rng.randrange(10**16, 10**17)}",
                )
            )
    Award.objects.bulk_create(awards, batch_size=500)
    saved = list(Award.objects.filter(period=2020).select_related("enterprise", "clause"))
    budgets = {b.clause_id: b for b in Budget.objects.filter(year=2020)}
    batches = {}
    for month in range(4, 13):
        batches[month] = PaymentBatch(
            code=f"BF2020{month:02d}20-001",
            state=PaymentBatch.State.PAID,
            created_by=finance,
            exported_at=timezone.make_aware(dt.datetime(2020, month, 18, 10)),
            paid_on=dt.date(2020, month, 20),
        )
    PaymentBatch.objects.bulk_create(batches.values())
    entries, items = [], []
    for a in saved:
        a.account_name = a.enterprise.name
        paid_at = timezone.make_aware(dt.datetime(2020, a.paid_on.month, 20, 15))
        ref = f"{a.paid_on:%Y%m%d}{a.pk:08d}"
        entries.append(
            LedgerEntry(
                budget=budgets[a.clause_id],
                award=a,
                kind="reserve",
                amount=a.amount,
                actor=officer,
                memo="审核通过，预留资金",
                at=paid_at - dt.timedelta(days=30),
            )
        )
        entries.append(
            LedgerEntry(
                budget=budgets[a.clause_id],
                award=a,
                kind="pay",
                amount=a.amount,
                actor=finance,
                reference=ref,
                memo=f"拨付批次 {batches[a.paid_on.month].code}",
                at=paid_at,
            )
        )
        items.append(
            PaymentItem(batch=batches[a.paid_on.month], award=a, amount=a.amount, bank_reference=ref)
        )
    Award.objects.bulk_update(saved, ["account_name"], batch_size=500)
    LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    PaymentItem.objects.bulk_create(items, batch_size=1000)
    total = sum((a.amount for a in saved), Decimal("0"))
    assert total == DISBURSED_2020, total
    return total


def _premises(rng, enterprises, policy, officer) -> dict:
    """Leases whose relief under the 2020 scheme adds up to 2667.8万 (rent) and 162.8万 (fees)."""
    scheme = ReliefScheme.objects.create(
        policy=policy,
        name="2020年国有物业租金减免（免三减半三）",
        period_from=dt.date(2020, 2, 1),
        waive_months=3,
        halve_months=3,
        include_fees=True,
    )
    buildings = [
        Building.objects.create(name=n, address=f"高新区{n[:2]}路{i * 8 + 1}号")
        for i, n in enumerate(
            ["科技创业园A座", "科技创业园B座", "标准厂房一期", "标准厂房二期", "电商产业园", "人才公寓商铺"]
        )
    ]
    smes = [e for e in enterprises if e.size in ("small", "micro", "medium")]
    rng.shuffle(smes)
    leases, rent_total, fee_total, n = [], Decimal("0"), Decimal("0"), 0
    while True:
        kind = rng.choices(["sme", "individual", "other"], weights=[70, 18, 12])[0]
        area = Decimal(rng.randrange(200, 3000))
        price = Decimal(rng.randrange(25, 45))
        rent, fee = area * price, (area * price * Decimal("0.058")).quantize(Decimal("0.01"))
        # 免三减半三: SMEs and individuals 3 months free + 3 at half (4.5); others half for 3 (1.5)
        factor = Decimal("4.5") if kind in ("sme", "individual") else Decimal("1.5")
        if rent_total + rent * factor > RENT_RELIEF_2020 * Decimal(
            "0.995"
        ) or fee_total + fee * factor > FEE_RELIEF_2020 * Decimal("0.995"):
            break
        leases.append((kind, area, rent, fee, dt.date(2019, rng.randrange(1, 13), 1)))
        rent_total += (rent * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
        fee_total += (fee * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
        n += 1
    # the last lease began in June 2020: two half months (June, July), together one month's rent,
    # so it takes the remainders exactly
    leases.append(
        (
            "sme",
            Decimal("800"),
            RENT_RELIEF_2020 - rent_total,
            FEE_RELIEF_2020 - fee_total,
            dt.date(2020, 6, 1),
        )
    )
    rows = []
    units = [
        Unit(building=buildings[i % len(buildings)], code=f"{i // len(buildings) + 101}", area=lease[1])
        for i, lease in enumerate(leases)
    ]
    Unit.objects.bulk_create(units)
    for i, ((kind, _area, rent, fee, start), unit) in enumerate(zip(leases, units, strict=True)):
        ent = smes[i % len(smes)] if kind == "sme" and smes else None
        name = (
            ent.name
            if ent
            else (
                INDIVIDUAL[i % len(INDIVIDUAL)]
                if kind == "individual"
                else f"柳州{['恒通', '华美', '远达', '鼎盛'][i % 4]}贸易有限公司"
            )
        )
        rows.append(
            Lease(
                unit=unit,
                enterprise=ent,
                tenant_name=name,
                tenant_kind=kind,
                monthly_rent=rent,
                monthly_fee=fee,
                start=start,
                end=dt.date(2022, 12, 31),
            )
        )
    Lease.objects.bulk_create(rows)
    reliefs = []
    for lease in Lease.objects.all():
        months, rent, fee = premises.relief_for(scheme, lease)
        reliefs.append(
            Relief(
                scheme=scheme,
                lease=lease,
                months=months,
                rent_relief=rent,
                fee_relief=fee,
                state=Relief.State.APPROVED,
                approved_by=officer,
            )
        )
    Relief.objects.bulk_create(reliefs)
    totals = premises.relief_totals(scheme)
    assert (totals["rent"], totals["fee"]) == (RENT_RELIEF_2020, FEE_RELIEF_2020), totals
    return totals


def _loans(rng, enterprises, policy, officer) -> dict:
    """复工贷 as the zone ran it: the policy officer declares (推荐申报) enterprises' loan needs to the
    banks, 5.44亿 in all, from February to May 2020; each bank then answers through the same service:
    most approve all or part, a few decline, and what was approved is granted a few weeks later. The
    generator chooses the declared amounts (they add up to the source's figure); what the banks
    approved and granted follows from their answers, not from the figure."""
    candidates = [e for e in enterprises if e.size in ("small", "micro", "medium")]
    rng.shuffle(candidates)
    amounts = _split(rng, int(LOANS_DECLARED_2020), 3_000_000)
    if len(amounts) > len(candidates):  # a small zone: fewer, larger declarations
        amounts = amounts[: len(candidates) - 1] + [sum(amounts[len(candidates) - 1 :])]
    for ent, declared in zip(candidates, amounts, strict=False):
        day = dt.date(2020, 2, 17) + dt.timedelta(days=rng.randrange(0, 100))
        with clock.frozen(day):
            need = premises.financing_recommend(
                actor=officer,
                policy=policy,
                enterprise=ent,
                bank=rng.choice(BANKS),
                requested=declared,
                recommended=declared,
                purpose="复工复产流动资金",
            )
            answer = rng.random()
            clock.travel(dt.timedelta(days=rng.randrange(5, 20)))
            if answer < 0.12:
                premises.financing_update(actor=officer, need=need, declined=True)
                continue
            share = Decimal("1") if answer < 0.75 else Decimal(rng.choice(["0.5", "0.6", "0.8"]))
            approved = (declared * share).quantize(Decimal("1"))
            premises.financing_update(actor=officer, need=need, approved=approved)
            clock.travel(dt.timedelta(days=rng.randrange(3, 15)))
            premises.financing_update(actor=officer, need=need, granted=approved, granted_on=clock.today())
    return premises.loan_totals(policy)
