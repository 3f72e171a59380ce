"""Talent subsidies on the policy engine: person clauses, their batches, 公示, the person's own
confirmation of a personal bank card, payment, the ledger — and a 生活补贴 that stops the month after
the employer leaves the zone."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.policies.models import Award, Budget, LedgerEntry
from gaoxin.policies.services import catalogue, money
from gaoxin.talent.models import Certification, IncomeTax
from gaoxin.talent.services import registry, subsidies
from tests.govservices.helpers import client_for
from tests.talent.builders import ID_CARD, issued_case

pytestmark = pytest.mark.django_db

CARD = "6222020200112233446"  # 19 digits, Luhn check digit right
AS_OF = "2026-11-30"


def _certified(tz, tier="C", valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2028, 6, 30)):
    office = tz["p"]["office"]
    cert = registry.certification_from_case(actor=office, case_number=issued_case(tz["p"]), tier_code=tier)
    # the certificate as issued on an earlier day, so that the months of 2026 are all covered
    Certification.objects.filter(pk=cert.pk).update(valid_from=valid_from, valid_to=valid_to)
    return cert


def _policy(office):
    return catalogue.policy_create(
        actor=office, title="高新区人才新政", issuer="高新区管委会", issued_on=dt.date(2026, 1, 5)
    )


def _clause(office, policy, code, title, rule, formula, *, budget="1000000", cap=None):
    clause = catalogue.clause_create(
        actor=office,
        policy=policy,
        code=code,
        title=title,
        period=2026,
        rule=rule,
        formula=formula,
        beneficiary="person",
        award_cap=Decimal(cap) if cap else None,
    )
    catalogue.budget_set(actor=office, clause=clause, year=2026, amount=Decimal(budget))
    return catalogue.clause_check_and_publish(actor=office, clause=clause)


LIVING_RULE = "person.certified && person.months_in_zone(2026) > 0"
LIVING_FORMULA = "2000 * person.months_in_zone(2026)"


def _batch(office, clause, as_of=AS_OF):
    run = money.award_batch.run_now(clause_id=clause.pk, actor_id=office.pk, as_of=as_of)
    assert run.status == "succeeded", run.error
    return run.result


def test_living_allowance_stops_the_month_after_the_employer_leaves_the_zone(tz):
    office = tz["p"]["office"]
    _certified(tz)
    clause = _clause(office, _policy(office), "living", "生活补贴", LIVING_RULE, LIVING_FORMULA)
    assert subsidies.employer_leaves_zone(actor=office, uscc=tz["a"].uscc, on=dt.date(2026, 5, 20)) == 1
    tz["talent"].refresh_from_db()
    assert tz["talent"].employer_uscc == "" and tz["talent"].state == "in_zone"
    assert tz["talent"].jobs.get().end_on == dt.date(2026, 5, 20)

    result = _batch(office, clause)
    assert result["新生成待审核"] == 1
    award = Award.objects.get(clause=clause)
    # January to May (the month of leaving is paid, June is not): 5 × 2000
    assert award.amount == Decimal("10000.00") and award.person_id_card == ID_CARD
    assert award.enterprise is None and award.person_name == "张博士"
    months = next(v for c in award.basis["conditions"] for v in c["values"] if "months_in_zone" in v[0])
    assert months[2] == "5"


def test_months_in_zone_counts_the_month_of_leaving_and_not_the_next():
    cert = [(dt.date(2025, 1, 1), dt.date(2027, 12, 31))]
    job = [(dt.date(2025, 1, 1), dt.date.max)]
    count = subsidies.months_in_zone
    assert count(year=2026, as_of=dt.date(2026, 12, 31), certified=cert, jobs=job, left_on=None) == 12
    assert (
        count(year=2026, as_of=dt.date(2026, 12, 31), certified=cert, jobs=job, left_on=dt.date(2026, 5, 31))
        == 5
    )
    assert (
        count(year=2026, as_of=dt.date(2026, 12, 31), certified=cert, jobs=job, left_on=dt.date(2026, 6, 1))
        == 6
    )
    ended = [(dt.date(2025, 1, 1), dt.date(2026, 3, 1))]  # the employer left on 1 March
    assert count(year=2026, as_of=dt.date(2026, 12, 31), certified=cert, jobs=ended, left_on=None) == 3
    late = [(dt.date(2026, 9, 15), dt.date(2029, 9, 14))]  # certified in September
    assert count(year=2026, as_of=dt.date(2026, 12, 31), certified=late, jobs=job, left_on=None) == 4
    assert count(year=2026, as_of=dt.date(2026, 10, 1), certified=late, jobs=job, left_on=None) == 2


def test_a_person_leaving_the_zone_stops_the_allowance_too(tz):
    office = tz["p"]["office"]
    _certified(tz)
    clause = _clause(office, _policy(office), "living", "生活补贴", LIVING_RULE, LIVING_FORMULA)
    registry.talent_act(actor=office, talent_id=tz["talent"].pk, action="leave", on=dt.date(2026, 2, 10))
    _batch(office, clause)
    assert Award.objects.get(clause=clause).amount == Decimal("4000.00")


def test_person_variables_are_refused_in_an_enterprise_clause(tz):
    office = tz["p"]["office"]
    with pytest.raises(ValidationFailed, match="个人"):
        catalogue.clause_create(
            actor=office,
            policy=_policy(office),
            code="wrong",
            title="错用个人变量",
            period=2026,
            rule="person.certified",
            formula="1000",
        )


def test_settling_in_by_tier_and_the_income_tax_reward_from_an_imported_list(tz):
    office = tz["p"]["office"]
    _certified(tz, tier="C")
    policy = _policy(office)
    settle = _clause(
        office,
        policy,
        "settle",
        "安家补贴",
        'person.certified && person.tier in ["A", "B", "C"] && person.employer_in_zone',
        'person.tier == "A" ? 1000000 : (person.tier == "B" ? 500000 : 200000)',
    )
    tax = _clause(
        office,
        policy,
        "iit",
        "个税奖励",
        "person.certified && person.iit_paid(2025) > 0",
        "person.iit_paid(2025) * 0.5",
        cap="100000",
    )
    wb = Workbook()
    ws = wb.active
    ws.append(subsidies.HEADERS)
    for month in range(1, 13):
        ws.append([ID_CARD.lower(), 2025, month, "1,000.50"])
    buf = io.BytesIO()
    wb.save(buf)
    assert subsidies.income_tax_import(actor=office, content=buf.getvalue()) == 12
    assert IncomeTax.objects.filter(talent=tz["talent"], year=2025).count() == 12
    _batch(office, settle)
    _batch(office, tax)
    assert Award.objects.get(clause=settle).amount == Decimal("200000.00")
    assert Award.objects.get(clause=tax).amount == Decimal("6003.00")  # 12 006.00 × 0.5


def test_an_income_tax_file_with_a_bad_row_imports_nothing(tz):
    office = tz["p"]["office"]
    wb = Workbook()
    ws = wb.active
    ws.append(subsidies.HEADERS)
    ws.append([ID_CARD, 2025, 1, "100"])
    ws.append([ID_CARD, 2025, 13, "100"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed, match="第 3 行|月份"):
        subsidies.income_tax_import(actor=office, content=buf.getvalue())
    assert not IncomeTax.objects.exists()
    with pytest.raises(PermissionDenied):
        subsidies.income_tax_import(actor=tz["p"]["ent"], content=buf.getvalue())


def test_batch_notice_confirmation_payment_and_ledger_for_a_person(tz):
    office, finance, citizen = tz["p"]["office"], tz["p"]["finance"], tz["p"]["citizen"]
    _certified(tz)
    clause = _clause(office, _policy(office), "living", "生活补贴", LIVING_RULE, LIVING_FORMULA)
    _batch(office, clause)
    award = Award.objects.get(clause=clause)
    assert award.amount == Decimal("22000.00")  # January to November 2026

    # a draft is the office's: the person sees it once past review
    assert client_for(citizen).get("/api/v1/awards").json()["count"] == 0
    money.award_approve(actor=office, award=award)
    money.awards_publish(actor=office, awards=[award])
    award.refresh_from_db()

    own = client_for(citizen).get("/api/v1/awards").json()
    assert own["count"] == 1 and own["items"][0]["beneficiary"] == "person"
    assert own["items"][0]["uscc"] == ID_CARD  # their own ID number, in full
    staff = client_for(office).get("/api/v1/awards").json()["items"][0]
    assert staff["uscc"] != ID_CARD and staff["uscc"].startswith(ID_CARD[:4]) and "*" in staff["uscc"]
    # neither another person nor the employer sees the subsidy
    assert client_for(tz["p"]["citizen2"]).get("/api/v1/awards").json()["count"] == 0
    assert client_for(tz["p"]["ent"]).get("/api/v1/awards").json()["count"] == 0
    assert client_for(tz["p"]["ent"]).get(f"/policies/awards/{award.pk}/").status_code == 404

    url = f"/api/v1/awards/{award.pk}/confirm"
    body = {"bank_name": "工商银行", "account_name": "张博士", "account_no": CARD}
    # the employer cannot confirm for its employee; the card must pass its check digit and be theirs
    assert client_for(tz["p"]["ent"]).post(url, body, content_type="application/json").status_code == 404
    bad = client_for(citizen).post(
        url, {**body, "account_no": CARD[:-1] + "5"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "校验位" in bad.json()["message"]
    other = client_for(citizen).post(url, {**body, "account_name": "李四"}, content_type="application/json")
    assert other.status_code == 422
    r = client_for(citizen).post(url, body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "confirmed" and r.json()["account_no"] == "*" * 15 + CARD[-4:]
    page = client_for(office).get(f"/policies/awards/{award.pk}/").content.decode()
    assert CARD not in page and ID_CARD not in page and CARD[-4:] in page

    Award.objects.filter(pk=award.pk).update(notice_to=dt.date(2020, 1, 1))
    batch = money.payment_batch_create(actor=finance)
    rows = list(
        load_workbook(io.BytesIO(money.payment_batch_export(actor=finance, batch=batch))).active.values
    )
    assert rows[1][2:7] == ("张博士", ID_CARD, "工商银行", "张博士", CARD)  # the bank's file: in full
    money.payment_batch_mark_paid(actor=finance, batch=batch, references={award.pk: "ICBC-0001"})
    award.refresh_from_db()
    assert award.state == "paid"
    budget = Budget.objects.get(clause=clause, year=2026)
    assert money.budget_balance(budget)["paid"] == Decimal("22000.00")
    assert set(LedgerEntry.objects.filter(award=award).values_list("kind", flat=True)) == {"reserve", "pay"}
    assert money.reconcile() == []
    # a rerun of the batch creates nothing twice (one award per clause × person × period)
    assert _batch(office, clause)["新生成待审核"] == 0


def test_the_staff_pages_show_a_person_clause_and_its_awards_masked(tz):
    office = tz["p"]["office"]
    _certified(tz)
    clause = _clause(office, _policy(office), "living", "生活补贴", LIVING_RULE, LIVING_FORMULA)
    _batch(office, clause)
    award = Award.objects.get(clause=clause)
    c = client_for(office)
    for url in (
        f"/policies/clauses/{clause.pk}/",
        f"/policies/clauses/{clause.pk}/rule/",
        "/policies/awards/",
        f"/policies/awards/{award.pk}/",
        "/policies/ledger/",
        "/policies/funds/",
    ):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        body = r.content.decode()
        assert ID_CARD not in body, url
    assert "张博士" in c.get("/policies/awards/").content.decode()
    # an enterprise reads the clause (no offer: its beneficiaries are talents)
    assert client_for(tz["p"]["ent"]).get(f"/policies/clauses/{clause.pk}/").status_code == 200
    # the person finds the subsidy on their own talent page once it is on 公示
    money.award_approve(actor=office, award=award)
    money.awards_publish(actor=office, awards=[award])
    mine = client_for(tz["p"]["citizen"]).get(f"/talent/talents/{tz['talent'].pk}/").content.decode()
    assert 'id="talent-subsidies"' in mine and "生活补贴" in mine
    assert "当年在区且认定有效的月数" in c.get(f"/policies/clauses/{clause.pk}/").content.decode()
