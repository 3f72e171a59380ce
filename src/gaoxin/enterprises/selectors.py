"""Reads of the enterprise registry, scoped to the asking user."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gaoxin.accounts import permissions
from gaoxin.core.errors import NotFound

from .models import Enterprise, Industry, Qualification


def enterprise_list(*, user, q: str = "", industry: str = "") -> QuerySet[Enterprise]:
    """Staff see the whole registry; an enterprise user sees only its own enterprise."""
    qs = Enterprise.objects.select_related("industry", "park")
    if permissions.is_enterprise_user(user):
        qs = qs.filter(uscc=user.enterprise_uscc)
    elif not permissions.can_view_enterprise_registry(user):
        return Enterprise.objects.none()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q) | Q(name_pinyin__icontains=q.lower()))
    if industry:
        qs = qs.filter(industry__code=industry)
    return qs


def enterprise_get(*, user, uscc: str) -> Enterprise:
    enterprise = enterprise_list(user=user).filter(uscc=uscc).first()
    if enterprise is None:
        raise NotFound("未找到该企业，或您无权查看")
    return enterprise


def active_qualifications(*, enterprise: Enterprise) -> QuerySet[Qualification]:
    today = timezone.localdate()
    return enterprise.qualifications.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today
    )


def zone_overview(*, user) -> dict:
    """Headline counts for the leader's home page."""
    if not (permissions.is_staff_member(user)):
        return {}
    today = timezone.localdate()
    operating = Enterprise.objects.filter(status=Enterprise.Status.OPERATING)
    valid = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    quals = dict(
        Qualification.objects.filter(valid, enterprise__status=Enterprise.Status.OPERATING)
        .values_list("kind")
        .annotate(n=Count("enterprise", distinct=True))
    )
    by_industry = list(
        Industry.objects.annotate(
            n=Count("enterprise", filter=Q(enterprise__status=Enterprise.Status.OPERATING))
        )
        .values("name", "tier", "n")
        .order_by("order")
    )
    by_size = dict(operating.values_list("size").annotate(n=Count("id")))
    return {
        "enterprises": operating.count(),
        "above_scale": operating.filter(above_scale=True).count(),
        "high_tech": quals.get(Qualification.Kind.HIGH_TECH, 0),
        "tech_sme": quals.get(Qualification.Kind.TECH_SME, 0),
        "gazelle": quals.get(Qualification.Kind.GAZELLE, 0),
        "by_industry": by_industry,
        "by_size": [
            {"name": Enterprise.Size(k).label, "value": by_size.get(k, 0)} for k in Enterprise.Size.values
        ],
    }
