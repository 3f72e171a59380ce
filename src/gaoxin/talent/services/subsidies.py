"""Talent subsidies (安家补贴, 生活补贴, 个税奖励, 创新领军人才奖) on the policy engine.

The subsidies are policy clauses whose beneficiary is a person (policies: `Clause.beneficiary`); this
module is talent's side of that engine: the loader of every certified talent's facts that person
rules read (registered with `policies.beneficiaries` in TalentConfig.ready()), the individual income
tax a talent paid (entered, or imported from the tax bureau's list through core.officefiles), and an
employer's leaving the zone, which ends its talents' jobs on that day so that a monthly subsidy stops
the month after.

What the person variables mean (policies/rules/variables.py lists them):
- a certification counts unless revoked (a renewed one keeps counting for the months it covered);
  `certified`, `tier` and `tier_rank` are those of the certification valid on the evaluation day;
- `months_in_zone(Y)` counts the months of year Y, up to the evaluation month, with at least one
  day on which the person held a certification, worked for a zone employer (a job of the employment
  history) and had not left the zone: the month of leaving is paid, the month after is not;
- `iit_paid(Y)` is the sum of the months recorded for year Y, unknown when none is recorded."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction

from gaoxin.core import audit, officefiles
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.identifiers import check_id_card, check_uscc
from gaoxin.enterprises.models import Enterprise
from gaoxin.policies.rules.facts import PersonFacts, enterprises_with_facts, load_facts

from ..models import Certification, IncomeTax, Talent
from .registry import _require_office, talent_act

COUNTED = (Certification.State.CERTIFIED, Certification.State.RENEWED)
MAX_TAX = Decimal("1e10")  # a month's tax of one person; beyond it is a typing error


# ---- the facts person rules read --------------------------------------------------------------------


def _month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _overlap(
    spans: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    return [(max(a, first), min(b, last)) for a, b in spans if max(a, first) <= min(b, last)]


def months_in_zone(
    *,
    year: int,
    as_of: dt.date,
    certified: list[tuple[dt.date, dt.date]],
    jobs: list[tuple[dt.date, dt.date]],
    left_on: dt.date | None,
) -> int:
    """Months of `year` (up to the month of `as_of`) with a day that is certified, employed in the
    zone and not after the person left."""
    count = 0
    for month in range(1, 13):
        first, last = _month_days(year, month)
        if first > as_of:
            break
        last = min(last, left_on) if left_on else last
        if any(_overlap(jobs, a, b) for a, b in _overlap(certified, first, last)):
            count += 1
    return count


def person_facts(as_of: dt.date) -> list[PersonFacts]:
    """Every talent with a certification that is not revoked, with the values of the person
    variables on `as_of` and their current employer's enterprise facts (a few queries in all)."""
    talents = list(
        Talent.objects.filter(certifications__state__in=COUNTED)
        .distinct()
        .prefetch_related("jobs", "income_taxes", "certifications__tier")
    )
    usccs = {t.employer_uscc for t in talents if t.employer_uscc}
    employers = {e.uscc: e for e in enterprises_with_facts().filter(uscc__in=usccs)}
    enterprise_facts = load_facts(employers.values(), as_of)
    out = []
    for t in talents:
        certs = [c for c in t.certifications.all() if c.state in COUNTED]
        current = next((c for c in certs if c.valid_from <= as_of <= c.valid_to), None)
        first = min(c.valid_from for c in certs)
        far = dt.date.max
        jobs = [(j.start_on, j.end_on or far) for j in t.jobs.all()]
        spans = [(c.valid_from, c.valid_to) for c in certs]
        left_on = t.left_on if t.state == Talent.State.LEFT else None
        employer = employers.get(t.employer_uscc)
        facts = enterprise_facts.get(employer.pk) if employer else None
        values: dict[str, object] = {
            "certified": current is not None,
            "tier": current.tier.code if current else None,
            "tier_rank": current.tier.rank if current else None,
            "certified_year": first.year,
            "years_certified": _full_years(first, as_of),
            "in_zone": left_on is None or left_on > as_of,
            "employer_in_zone": employer is not None and employer.status == Enterprise.Status.OPERATING,
            "degree": t.degree,
            "annual_salary": t.annual_salary,
        }
        by_year: dict[tuple[str, int], object] = {}
        for year in range(first.year, as_of.year + 1):
            by_year[("months_in_zone", year)] = months_in_zone(
                year=year, as_of=as_of, certified=spans, jobs=jobs, left_on=left_on
            )
        taxes: dict[int, Decimal] = defaultdict(Decimal)
        for row in t.income_taxes.all():
            taxes[row.year] += row.amount
        for year, total in taxes.items():
            by_year[("iit_paid", year)] = total
        out.append(
            PersonFacts(
                enterprise=employer,
                as_of=as_of,
                qualifications=facts.qualifications if facts else set(),
                ip=facts.ip if facts else {},
                reports=facts.reports if facts else {},
                id_card=t.id_card,
                name=t.name,
                values=values,
                by_year=by_year,
            )
        )
    return out


def _full_years(start: dt.date, day: dt.date) -> int:
    if day < start:
        return 0
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


# ---- an employer leaving the zone ---------------------------------------------------------------------


@transaction.atomic
def employer_leaves_zone(*, actor, uscc: str, on: dt.date) -> int:
    """The employer moved out of the zone on `on`: each of its talents' jobs ends that day (one
    transition of the talent machine each, audited); returns how many talents it employed."""
    _require_office(actor)
    checked = check_uscc(uscc)
    if not checked.valid:
        raise ValidationFailed(checked.message, fields={"uscc": checked.message})
    ids = list(
        Talent.objects.filter(employer_uscc=checked.normalized, state=Talent.State.IN_ZONE).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        talent_act(actor=actor, talent_id=pk, action="employer_left", on=on)
    return len(ids)


# ---- individual income tax: entered or imported -------------------------------------------------------


def _check_tax(year: int, month: int, amount: Decimal, today_year: int) -> list[str]:
    problems = []
    if not 2000 <= year <= today_year:
        problems.append(f"年度应在 2000–{today_year} 之间")
    if not 1 <= month <= 12:
        problems.append("月份应为 1–12")
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= MAX_TAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        problems.append("个税金额应为不小于 0 的金额（精确到分）")
    return problems


@transaction.atomic
def income_tax_record(*, actor, talent: Talent, year: int, month: int, amount: Decimal) -> IncomeTax:
    """Record (or correct) the tax a talent paid in one month; the correction is audited with the
    former amount."""
    from gaoxin.core import clock

    _require_office(actor)
    problems = _check_tax(year, month, amount, clock.today().year)
    if problems:
        raise ValidationFailed("；".join(problems), fields={"amount": problems[0]})
    row, created = IncomeTax.objects.select_for_update().get_or_create(
        talent=talent, year=year, month=month, defaults={"amount": amount, "recorded_by": actor}
    )
    before = None if created else str(row.amount)
    if not created:
        row.amount, row.source, row.recorded_by = amount, IncomeTax.Source.ENTERED, actor
        row.save(update_fields=["amount", "source", "recorded_by", "recorded_at"])
    audit.record(
        actor=actor,
        action="talent.income_tax",
        obj=talent,
        summary={"year": year, "month": month, "amount": str(amount), "before": before},
    )
    return row


HEADERS = ["身份证号", "年度", "月份", "已缴个人所得税（元）"]
OPTIONAL = ["姓名"]
MAX_ROWS = 20000


def tax_columns() -> list[officefiles.TemplateColumn]:
    T = officefiles.TemplateColumn
    return [
        T("身份证号", "18 位居民身份证号（已登记的人才）", "110101199003074514", kind="code", required=True, width=22),
        T("姓名", "仅供核对，不导入", "张三", width=12),
        T("年度", "纳税所属年度", 2025, kind="int", required=True, width=8),
        T("月份", "纳税所属月份 1–12", 1, kind="int", required=True, width=8),
        T("已缴个人所得税（元）", "当月已缴个人所得税，精确到分", "1234.56", kind="number", required=True, width=20),
    ]  # fmt: skip


def tax_template(*, user) -> bytes:
    """The import template holding the months already recorded (the talent office's export)."""
    _require_office(user)
    rows = [
        (r.talent.id_card, r.talent.name, r.year, r.month, r.amount)
        for r in IncomeTax.objects.visible_to(user)
        .select_related("talent")
        .order_by("talent", "year", "month")
    ]
    return officefiles.template_workbook("个税缴纳", tax_columns(), rows)


def income_tax_import(*, actor, content: bytes) -> int:
    """Import the tax bureau's monthly list, all or nothing: any bad row refuses the file with every
    row's problem and an error sheet. A month already recorded is replaced by the file's figure."""
    from gaoxin.core import clock

    _require_office(actor)
    table = officefiles.read_table(content, HEADERS, max_data_rows=MAX_ROWS, optional=OPTIONAL)
    talents = dict(Talent.objects.values_list("id_card", "pk"))
    this_year = clock.today().year
    by_row: dict[int, list[str]] = {}
    seen: set[tuple[int, int, int]] = set()
    clean: list[tuple[int, int, int, Decimal]] = []
    for n, row in table.rows:
        problems: list[str] = []
        checked = check_id_card(officefiles.cell_text(row.get("身份证号")))
        pk = talents.get(checked.normalized) if checked.valid else None
        if not checked.valid:
            problems.append(checked.message)
        elif pk is None:
            problems.append("该身份证号尚未登记为人才")
        try:
            year, month = officefiles.cell_int(row.get("年度")), officefiles.cell_int(row.get("月份"))
            amount = officefiles.cell_decimal(row.get("已缴个人所得税（元）"))
        except ValueError as exc:
            year = month = amount = None
            problems.append(str(exc))
        if year is None or month is None or amount is None:
            problems.append("请填写年度、月份和金额（数字）")
        else:
            problems += _check_tax(year, month, amount, this_year)
        if pk is not None and year is not None and month is not None:
            if (pk, year, month) in seen:
                problems.append("与前面的行重复")
            seen.add((pk, year, month))
        if problems:
            by_row[n] = problems
            continue
        assert pk is not None and year is not None and month is not None and amount is not None
        clean.append((pk, year, month, amount))
    if by_row:
        officefiles.refuse_rows(table, by_row)
    try:
        with transaction.atomic():
            for pk, year, month, amount in clean:
                IncomeTax.objects.update_or_create(
                    talent_id=pk,
                    year=year,
                    month=month,
                    defaults={"amount": amount, "source": IncomeTax.Source.IMPORTED, "recorded_by": actor},
                )
            audit.record(
                actor=actor,
                action="talent.income_tax_import",
                obj=None,
                summary={"rows": len(clean), "talents": len({r[0] for r in clean})},
            )
    except IntegrityError:
        raise Conflict("个税记录刚被他人修改，请重新导入") from None
    return len(clean)
