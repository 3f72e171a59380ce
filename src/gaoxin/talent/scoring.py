"""The published housing rules applied to one person, as pure functions: a waiting-list score with its
breakdown, the order of the list, the rent by tier, and the 限价房 eligibility conditions with reasons.
Pages, the API and the services all compute through these, so a score shown is the score ranked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .housing_models import FlatRule, PurchaseRule

CENT = Decimal("0.01")


def full_months(since: dt.date, as_of: dt.date) -> int:
    """Whole months from `since` to `as_of` (1 March → 31 March is 0, → 1 April is 1); never negative."""
    months = (as_of.year - since.year) * 12 + as_of.month - since.month - (as_of.day < since.day)
    return max(months, 0)


@dataclass(frozen=True)
class Score:
    tier: str  # the certified tier on the day, "" for none
    tier_points: Decimal
    months: int  # whole months on the waiting list
    counted_months: int  # after the rule's cap
    wait_points: Decimal
    family_size: int
    counted_members: int  # family members beside the applicant, after the cap
    family_points: Decimal

    @property
    def total(self) -> Decimal:
        return self.tier_points + self.wait_points + self.family_points


def flat_score(rule: FlatRule, *, tier: str, queued_on: dt.date, family_size: int, as_of: dt.date) -> Score:
    months = full_months(queued_on, as_of)
    counted = min(months, rule.max_months) if rule.max_months else months
    members = min(max(family_size - 1, 0), rule.max_members)
    return Score(
        tier=tier,
        tier_points=Decimal(str(rule.tier_points.get(tier, 0))) if tier else Decimal("0"),
        months=months,
        counted_months=counted,
        wait_points=(Decimal(counted) * rule.month_points).quantize(CENT),
        family_size=family_size,
        counted_members=members,
        family_points=(Decimal(members) * rule.member_points).quantize(CENT),
    )


def order_key(score: Score, applied_at: dt.datetime, pk: int) -> tuple:
    """Higher score first; a tie goes to the earlier application, then to the lower number."""
    return (-score.total, applied_at, pk)


def rent_share(rule: FlatRule, tier: str) -> int:
    """The percentage of the market rent a talent of this tier pays (no certified tier: all of it)."""
    return int(rule.rent_shares.get(tier, 100)) if tier else 100


def monthly_rent(market_rent: Decimal, share: int) -> Decimal:
    return (market_rent * share / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Condition:
    key: str
    met: bool
    text: str

    def as_dict(self) -> dict:
        return {"key": self.key, "met": self.met, "text": self.text}


def employment_days(jobs, as_of: dt.date) -> int:
    """Days worked at enterprises of the zone up to `as_of`, over the whole employment history."""
    return sum(max(((j.end_on or as_of) - j.start_on).days, 0) for j in jobs if j.start_on <= as_of)


def purchase_conditions(
    rule: PurchaseRule,
    *,
    in_zone: bool,
    tier: str,
    days_in_zone: int,
    declared_no_home: bool | None,
    has_purchase: bool,
) -> list[Condition]:
    """Every condition of the rule, met or not, in words. `declared_no_home` None: not declared yet
    (the eligible list, before anyone applies), which does not count against the person."""
    years = days_in_zone // 365
    allowed = rule.tier_list()
    conditions = [
        Condition("in_zone", in_zone, "在园区企业工作" if in_zone else "已离开园区"),
        Condition(
            "tier",
            tier in allowed,
            f"人才层次须为{'、'.join(allowed)}之一（现为{tier or '未认定'}）",
        ),
        Condition(
            "years",
            years >= rule.min_years,
            f"在区工作须满{rule.min_years}年（累计{years}年，{days_in_zone}天）",
        ),
        Condition(
            "first_purchase",
            not has_purchase,
            "已有审核中或已确认的限价房资格" if has_purchase else "此前未取得限价房资格",
        ),
    ]
    if rule.require_no_home:
        if declared_no_home is None:
            conditions.append(Condition("no_home", True, "本人及家庭在本市无住房（申请时承诺）"))
        else:
            text = "已承诺本人及家庭在本市无住房" if declared_no_home else "须承诺本人及家庭在本市无住房"
            conditions.append(Condition("no_home", declared_no_home, text))
    return conditions
