"""Reads of the talent pillar, each scoped to the user (models' visible_to)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gaoxin.core.errors import NotFound
from gaoxin.core.identifiers import mask_id_card, normalize

from .models import Certification, Employment, Talent, TalentEvent, Tier


def tier_list(*, user) -> QuerySet[Tier]:
    return Tier.objects.visible_to(user)


def talent_list(*, user, q: str = "", state: str = "", tier: str = "") -> QuerySet[Talent]:
    qs = Talent.objects.visible_to(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employer_name__icontains=q))
    if state:
        qs = qs.filter(state=state)
    if tier:
        qs = qs.filter(certifications__state=Certification.State.CERTIFIED, certifications__tier__code=tier)
    return qs


def talent_get(*, user, talent_id: int) -> Talent:
    talent = Talent.objects.visible_to(user).filter(pk=talent_id).first()
    if talent is None:
        raise NotFound("未找到该人才，或您无权查看")
    return talent


def jobs_of(*, user, talent: Talent) -> QuerySet[Employment]:
    return Employment.objects.visible_to(user).filter(talent=talent)


def certifications_of(*, user, talent: Talent) -> QuerySet[Certification]:
    return (
        Certification.objects.visible_to(user).filter(talent=talent).select_related("tier", "licence", "case")
    )


def events_of(*, user, talent: Talent) -> QuerySet[TalentEvent]:
    return TalentEvent.objects.visible_to(user).filter(talent=talent)


def certification_get(*, user, certification_id: int) -> Certification:
    cert = (
        Certification.objects.visible_to(user)
        .select_related("talent", "tier", "licence", "case")
        .filter(pk=certification_id)
        .first()
    )
    if cert is None:
        raise NotFound("未找到该认定，或您无权查看")
    return cert


def current_tiers(talents) -> dict[int, str]:
    """talent id → the code of its current tier, for a page of talents."""
    rows = Certification.objects.filter(
        talent__in=[t.pk for t in talents], state=Certification.State.CERTIFIED
    ).values_list("talent_id", "tier__code")
    return dict(rows)


def shown_id_card(user, talent: Talent) -> str:
    """The ID number in full for its owner only; masked for everyone else."""
    own = getattr(user, "id_card", "") or ""
    return talent.id_card if own and normalize(own) == talent.id_card else mask_id_card(talent.id_card)


def talent_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for economy: talents in the zone and certifications made in the year, by tier."""
    year = period[0]
    talents = Talent.objects.visible_to(user)
    certs = Certification.objects.visible_to(user).filter(valid_from__year=year)
    by_tier = {
        row["tier__code"]: row["n"]
        for row in certs.values("tier__code").order_by("tier__code").annotate(n=Count("pk"))
    }
    return {
        "in_zone": talents.filter(state=Talent.State.IN_ZONE).count(),
        "certified": certs.count(),
        "by_tier": dict(sorted(by_tier.items())),
    }


def certifications_visible(*, user) -> QuerySet[Certification]:
    return Certification.objects.visible_to(user)
