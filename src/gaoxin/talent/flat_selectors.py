"""Reads of 人才公寓 and 限价房, each scoped to the user, and the published waiting list: the current rule
and every queued application's score and rank, with the applicant's name masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from gaoxin.accounts.permissions import is_citizen
from gaoxin.core import clock
from gaoxin.core.errors import NotFound

from . import permissions, scoring
from .models import (
    Certification,
    Flat,
    FlatApplication,
    FlatLease,
    FlatRule,
    PurchaseApplication,
    PurchaseRule,
    Talent,
    TalentEvent,
)
from .services import flats as flat_services


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***: the surname's first character only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def published_flat_rule(version: int | None = None) -> FlatRule | None:
    """The rule as published (public): the current one, or an earlier version by number."""
    qs = FlatRule.objects.order_by("-version")
    return qs.filter(version=version).first() if version else qs.first()


def published_flat_rules() -> QuerySet[FlatRule]:
    return FlatRule.objects.order_by("-version")


def published_purchase_rule() -> PurchaseRule | None:
    return PurchaseRule.objects.order_by("-version").first()


def tiers_on(talent_ids, as_of: dt.date) -> dict[int, str]:
    rows = Certification.objects.filter(
        talent__in=list(talent_ids),
        state=Certification.State.CERTIFIED,
        valid_from__lte=as_of,
        valid_to__gte=as_of,
    ).values_list("talent_id", "tier__code")
    return dict(rows)


@dataclass(frozen=True)
class Ranked:
    rank: int
    application: FlatApplication
    score: scoring.Score
    masked_name: str


def waiting_list(*, rule: FlatRule | None = None, as_of: dt.date | None = None) -> list[Ranked]:
    """Every queued application of the zone ranked by the rule on `as_of` (the published list: only
    masked names, tiers and the score's parts leave this function)."""
    rule = rule or published_flat_rule()
    if rule is None:
        return []
    as_of = as_of or clock.today()
    apps = list(
        FlatApplication.objects.filter(state=FlatApplication.State.QUEUED, queued_on__isnull=False)
        .select_related("talent")
        .order_by("pk")
    )
    tiers = tiers_on({a.talent_id for a in apps}, as_of)
    scored = []
    for app in apps:
        assert app.queued_on is not None
        s = scoring.flat_score(
            rule,
            tier=tiers.get(app.talent_id, ""),
            queued_on=app.queued_on,
            family_size=app.family_size,
            as_of=as_of,
        )
        scored.append((scoring.order_key(s, app.applied_at, app.pk), app, s))
    scored.sort(key=lambda row: row[0])
    return [
        Ranked(rank=i, application=app, score=s, masked_name=mask_name(app.talent.name))
        for i, (_key, app, s) in enumerate(scored, start=1)
    ]


def flat_list(*, user, state: str = "") -> QuerySet[Flat]:
    qs = Flat.objects.visible_to(user).select_related("unit__building")
    return qs.filter(state=state) if state else qs


def flat_application_list(*, user, state: str = "") -> QuerySet[FlatApplication]:
    qs = FlatApplication.objects.visible_to(user).select_related("talent", "flat__unit__building")
    return qs.filter(state=state) if state else qs


def flat_application_get(*, user, application_id: int) -> FlatApplication:
    app = flat_application_list(user=user).filter(pk=application_id).first()
    if app is None:
        raise NotFound("未找到该人才公寓申请，或您无权查看")
    return app


def lease_of(*, user, application: FlatApplication) -> FlatLease | None:
    return (
        FlatLease.objects.visible_to(user)
        .select_related("flat__unit__building", "rule")
        .filter(application=application)
        .first()
    )


def flat_actions(*, user, application: FlatApplication) -> list:
    """The actions this user may take now; leaving the zone is the talent's own action, not offered."""
    return [
        t
        for t in flat_services.FLAT_APPLICATIONS.available(user=user, obj=application)
        if t.action != "leave_zone"
    ]


def flat_events(*, user, application: FlatApplication) -> QuerySet[TalentEvent]:
    """The application's timeline: the talent's events that name it."""
    return TalentEvent.objects.visible_to(user).filter(
        talent=application.talent_id, details__application=application.pk
    )


def own_talent(*, user) -> Talent | None:
    """A citizen's own talent record (the 'my application' pages)."""
    if permissions.can_view_all(user) or not is_citizen(user):
        return None
    return Talent.objects.visible_to(user).first()  # a citizen sees only the record of their ID number


def purchase_list(*, user, state: str = "") -> QuerySet[PurchaseApplication]:
    qs = PurchaseApplication.objects.visible_to(user).select_related("talent", "rule")
    return qs.filter(state=state) if state else qs


def purchase_get(*, user, purchase_id: int) -> PurchaseApplication:
    app = purchase_list(user=user).filter(pk=purchase_id).first()
    if app is None:
        raise NotFound("未找到该限价房资格申请，或您无权查看")
    return app


def purchase_actions(*, user, purchase: PurchaseApplication) -> list:
    return flat_services.PURCHASES.available(user=user, obj=purchase)


@dataclass(frozen=True)
class Eligibility:
    talent: Talent
    conditions: list[scoring.Condition]

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)


def purchase_eligibility(
    *, user, as_of: dt.date | None = None, only_eligible: bool = True
) -> list[Eligibility]:
    """The talents in the zone the user sees, judged by the published rule (the no-home condition is
    declared when applying, so it does not count here)."""
    rule = published_purchase_rule()
    if rule is None:
        return []
    as_of = as_of or clock.today()
    rows = [
        Eligibility(t, flat_services.purchase_evaluate(t, rule, as_of=as_of, declared_no_home=None))
        for t in Talent.objects.visible_to(user).filter(state=Talent.State.IN_ZONE).order_by("pk")
    ]
    return [r for r in rows if r.eligible] if only_eligible else rows
