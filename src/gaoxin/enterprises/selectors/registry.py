"""Reads of the enterprise registry, scoped to the asking user."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gaoxin.accounts import permissions as account_permissions
from gaoxin.core import clock
from gaoxin.core.errors import NotFound

from .. import gbt
from ..models import ClassificationEvent, Enterprise, Industry, Qualification
from ..search import pair_pattern

REMIND_DAYS = {Qualification.Kind.HIGH_TECH: 90}
DEFAULT_REMIND_DAYS = 60


def visible_enterprises(user) -> QuerySet[Enterprise]:
    """Staff see the whole registry; a verified enterprise user only its own (`Enterprise.visible_to`)."""
    return Enterprise.objects.visible_to(user)


def valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def search_term(q: str) -> Q:
    """Name and former names always; pinyin and the code's prefix only for a query they could match."""
    if not q.isascii():
        if len(q) == 2:
            return Q(name_pairs__contains=pair_pattern(q))
        return Q(name__contains=q) | Q(former_names__contains=q)
    term = Q(name__icontains=q) | Q(former_names__icontains=q)
    if q.isascii():
        compact = q.replace(" ", "")
        if compact.isalnum():
            term |= Q(uscc__startswith=compact.upper())
        term |= Q(name_pinyin__contains=compact.lower())
    return term


def enterprise_list(
    *,
    user,
    q: str = "",
    industry: str = "",
    qualification: str = "",
    size: str = "",
    above_scale: bool | None = None,
    park: str = "",
    gbt_code: str = "",
    status: str = "",
) -> QuerySet[Enterprise]:
    """Search by name, former name, pinyin or initials, code; filter by the registry's classes."""
    qs = visible_enterprises(user).select_related("industry", "park")
    q = (q or "").strip()
    if q:
        qs = qs.filter(search_term(q))
    if industry:
        qs = qs.filter(industry__code=industry)
    if qualification:
        held = Qualification.objects.filter(
            valid_on(clock.today()), enterprise=OuterRef("pk"), kind=qualification
        )
        qs = qs.filter(Exists(held))
    if size:
        qs = qs.filter(size=size)
    if above_scale is not None:
        qs = qs.filter(above_scale=above_scale)
    if park:
        qs = qs.filter(park__code=park)
    if gbt_code:
        qs = qs.filter(gbt_code__startswith=gbt.normalize(gbt_code) or gbt_code.upper())
    if status:
        qs = qs.filter(status=status)
    return qs


def enterprise_get(*, user, uscc: str) -> Enterprise:
    enterprise = (
        visible_enterprises(user).select_related("industry", "park", "officer").filter(uscc=uscc).first()
    )
    if enterprise is None:
        raise NotFound("未找到该企业，或您无权查看")
    return enterprise


def active_qualifications(*, enterprise: Enterprise) -> QuerySet[Qualification]:
    today = clock.today()
    return enterprise.qualifications.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today
    )


def expiring_qualifications(*, user, today: dt.date | None = None) -> QuerySet[Qualification]:
    """Certificates running out soon (高企 90 days ahead, others 60): the reminders' list, scoped to the user."""
    today = today or clock.today()
    window = Q()
    for kind, days in REMIND_DAYS.items():
        window |= Q(kind=kind, valid_to__lte=today + dt.timedelta(days=days))
    window |= ~Q(kind__in=list(REMIND_DAYS)) & Q(valid_to__lte=today + dt.timedelta(days=DEFAULT_REMIND_DAYS))
    return (
        Qualification.objects.visible_to(user)
        .filter(valid_to__gte=today)
        .filter(window)
        .select_related("enterprise", "enterprise__officer")
        .order_by("valid_to")
    )


def class_event_list(*, user, year: int | None = None, kind: str = "") -> QuerySet[ClassificationEvent]:
    qs = ClassificationEvent.objects.visible_to(user).select_related("enterprise")
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def zone_overview(*, user) -> dict:
    """Headline counts for the leader's home page."""
    if not (account_permissions.is_staff_member(user)):
        return {}
    today = clock.today()
    operating = visible_enterprises(user).filter(status=Enterprise.Status.OPERATING)
    valid = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    quals = dict(
        Qualification.objects.visible_to(user)
        .filter(valid, enterprise__status=Enterprise.Status.OPERATING)
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
            {"name": str(Enterprise.Size(k).label), "value": by_size.get(k, 0)}
            for k in Enterprise.Size.values
        ],
    }


def registered_usccs(*, user) -> set[str]:
    """The codes already in the registry, for an import to refuse duplicates (staff see them all)."""
    return set(visible_enterprises(user).values_list("uscc", flat=True))


def registry_has(uscc: str) -> bool:
    """Whether the registry holds an enterprise with this code (for another pillar's check; no data)."""
    return bool(uscc) and Enterprise.objects.filter(uscc=uscc).exists()


def enterprises_by_gbt(prefixes: list[str]) -> list[dict]:
    """Operating enterprises whose GB/T 4754 code starts with one of `prefixes`: code, name, class.

    For a pillar placing the registry on its own map (industry chains); names are public registry data."""
    if not prefixes:
        return []
    q = Q()
    for p in prefixes:
        q |= Q(gbt_code__startswith=p)
    return list(
        Enterprise.objects.filter(q, status=Enterprise.Status.OPERATING)
        .order_by("name")
        .values("uscc", "name", "gbt_code")
    )


def enterprise_names(usccs) -> dict[str, str]:
    """uscc → name, for the codes the registry holds."""
    return dict(Enterprise.objects.filter(uscc__in=list(usccs)).values_list("uscc", "name"))


STATS_QUALIFICATIONS = [
    Qualification.Kind.HIGH_TECH,
    Qualification.Kind.TECH_SME,
    Qualification.Kind.SPECIALISED,
    Qualification.Kind.LITTLE_GIANT,
    Qualification.Kind.GAZELLE,
]
STATS_DIMENSIONS = {"industry": "industry__name", "park": "park__name"}


def registry_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar: the registry's counts as it holds them.

    `enterprises` and `above_scale` count operating enterprises as flagged now (the registry keeps no
    history of the flag); each qualification counts the operating enterprises holding one valid on the
    period's last day; `above_in` / `above_out` count the year's 小升规 / 退出规上 events. `by` is "",
    "industry" or "park"."""
    if not account_permissions.is_staff_member(user):
        raise NotFound("未找到该页面")
    year, month = period
    end = (
        dt.date(year, 12, 31)
        if not month
        else dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
    )
    key = STATS_DIMENSIONS.get(by)
    operating = visible_enterprises(user).filter(status=Enterprise.Status.OPERATING)
    quals = Qualification.objects.visible_to(user).filter(
        valid_on(end), enterprise__status=Enterprise.Status.OPERATING, kind__in=STATS_QUALIFICATIONS
    )
    events = ClassificationEvent.objects.visible_to(user).filter(year=year)
    counts: dict[object, dict] = {}

    def _bucket(name) -> dict:
        return counts.setdefault(
            name,
            {
                "enterprises": 0,
                "above_scale": 0,
                **dict.fromkeys(STATS_QUALIFICATIONS, 0),
                "above_in": 0,
                "above_out": 0,
            },
        )

    group = key or "status"
    for name, above, n in operating.values_list(group, "above_scale").annotate(n=Count("id")).order_by():
        b = _bucket(name if key else None)
        b["enterprises"] += n
        b["above_scale"] += n if above else 0
    for name, kind, n in (
        quals.values_list(f"enterprise__{key}" if key else "kind", "kind")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    ):
        _bucket(name if key else None)[kind] += n
    for name, kind, n in (
        events.filter(kind__in=["above_in", "above_out"])
        .values_list(f"enterprise__{key}" if key else "kind", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        _bucket(name if key else None)[kind] += n
    total = _bucket("__total__")
    for name, b in counts.items():
        if name != "__total__":
            for f, v in b.items():
                total[f] += v
    counts.pop("__total__")
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "as_of": end.isoformat(),
        "by": by if key else "",
        "total": total,
        "rows": [
            {"name": name or "未分类", **b}
            for name, b in sorted(counts.items(), key=lambda kv: (kv[0] is None, str(kv[0] or "")))
        ]
        if key
        else [],
    }
