"""Reads of the government services pillar, each scoped to the asking user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import can_read_zone_totals, has_role, is_staff_member, role_departments
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound

from .models import (
    AgentAuthorisation,
    Bundle,
    BundleCase,
    Card,
    Case,
    CaseMaterial,
    ItemVersion,
    Licence,
    ProjectTrack,
    Rating,
    Rectification,
    ServiceItem,
    StageOpinion,
    Verification,
)
from .permissions import can_manage_agents
from .services.common import text
from .themes import search_terms, theme_get


def item_list(*, q: str = "", department: str = "", theme: str = "") -> QuerySet[ServiceItem]:
    """The published catalogue is public; search by Chinese name, pinyin, initials, code, result name
    (营业执照 finds 企业设立登记) and the synonym list; narrow by department and theme. An unknown theme
    lists nothing (the page says so)."""
    qs = ServiceItem.objects.filter(current__isnull=False).select_related("current", "department")
    q, department, theme = text(q, 60).strip(), text(department, 40), text(theme, 40)
    if q:
        match = Q(code__iexact=q) | Q(name_pinyin__icontains=q.lower().replace(" ", ""))
        for term in search_terms(q):
            match |= Q(name__icontains=term) | Q(current__result_name__icontains=term)
        qs = qs.filter(match)
    if department:
        qs = qs.filter(department__code=department[:40])
    if theme:
        found = theme_get(theme)
        qs = qs.filter(found.condition()) if found else qs.none()
    return qs


def item_get(*, code: str) -> ServiceItem:
    item = item_list().filter(code=text(code, 12)).first()
    if item is None:
        raise NotFound("未找到该事项，或事项尚未发布")
    return item


def kiosk_item_list() -> QuerySet[ServiceItem]:
    """The published items a person may apply for at the self-service kiosk."""
    return item_list().filter(kiosk=True)


def version_detail(version: ItemVersion) -> ItemVersion:
    return (
        ItemVersion.objects.select_related("department", "item")
        .prefetch_related("materials", "stages__departments")
        .get(pk=version.pk)
    )


def case_list(*, user) -> QuerySet[Case]:
    """The cases the user may see (`Case.objects.visible_to` says who sees which)."""
    return Case.objects.visible_to(user).select_related("item", "department", "version")


def case_get(*, user, number: str) -> Case:
    case = (
        case_list(user=user)
        .select_related("version__department", "applicant", "submitted_by", "agent", "taken_at")
        .filter(number=text(number, 20))
        .first()
    )
    if case is None:
        raise NotFound("未找到该办件，或您无权查看")
    return case


def inbox(*, user, light: str = "", state: str = "", q: str = "") -> QuerySet[Case]:
    """What waits for this official: intake for clerks, opinions for reviewers, decisions for approvers.

    Each condition below lies inside what case_list lets the same role see, so the inbox starts from
    the whole table: the broad visibility filter (an OR with a subquery) is what made it slow at 1M cases."""
    if not is_staff_member(user):
        return Case.objects.none()
    wants: list[Q] = []
    if has_role(user, Role.WINDOW_CLERK):
        deferred = CaseMaterial.objects.filter(status="deferred").values("case_id").order_by()
        wants.append(Q(state__in=["submitted", "approved"]) | Q(pk__in=deferred))
    reviewer_depts = role_departments(user, Role.REVIEWER)
    if reviewer_depts:
        # Walking the open cases in due order and probing this set stops after a page of rows.
        pending = (
            StageOpinion.objects.filter(stage__state="active", verdict="", department_id__in=reviewer_depts)
            .values("stage__case_id")
            .order_by()
        )
        wants.append(Q(state__in=Case.REVIEW_STATES, pk__in=pending))
    approver_depts = role_departments(user, Role.APPROVER)
    if approver_depts:
        wants.append(Q(department_id__in=approver_depts, state__in=Case.DECISION_STATES))
    if has_role(user, Role.AGENT):
        wants.append(Q(agent=user, state__in=Case.OPEN_STATES))
    if not wants:
        return Case.objects.none()
    want = wants[0]
    for w in wants[1:]:
        want |= w
    qs = Case.objects.select_related("item", "department", "version").filter(want)
    if light in ("green", "yellow", "red"):
        qs = qs.filter(light=light)
    if state in Case.State.values:
        qs = qs.filter(state=state)
    q = text(q, 30)
    if q:
        qs = qs.filter(
            Q(number__icontains=q[:30])
            | Q(applicant_name__icontains=q[:30])
            | Q(item__name__icontains=q[:30])
        )
    return qs.order_by("due_on", "submitted_at")


def verification_tasks(*, user) -> QuerySet[Verification]:
    """Open 告知承诺 checks of the departments where the user reviews or approves."""
    depts = role_departments(user, Role.REVIEWER) | role_departments(user, Role.APPROVER)
    return (
        Verification.objects.visible_to(user)
        .filter(state="open", case__department_id__in=depts)
        .select_related("case__item")
        .order_by("due_on")
    )


def material_get(*, user, number: str, material_id: int) -> CaseMaterial:
    case = case_get(user=user, number=number)
    material = case.materials.select_related("spec").filter(pk=material_id).exclude(file="").first()
    if material is None:
        raise NotFound("未找到该材料")
    return material


def licence_list(*, user) -> QuerySet[Licence]:
    return Licence.objects.visible_to(user).select_related("item", "case")


def licence_get(*, user, number: str) -> Licence:
    licence = licence_list(user=user).filter(number=text(number, 32)).first()
    if licence is None:
        raise NotFound("未找到该证照，或您无权查看")
    return licence


def agent_cases(*, user) -> QuerySet[Case]:
    return case_list(user=user).filter(agent=user)


def licence_number_of(*, user, case: Case) -> str | None:
    """The number of the licence issued on a case the user sees."""
    return licence_list(user=user).filter(case=case).values_list("number", flat=True).first()


def agent_authorisation_list(*, user) -> QuerySet[AgentAuthorisation]:
    """An agent's workbench lists its own authorisations; clerks and administrators see them all."""
    qs = AgentAuthorisation.objects.visible_to(user).select_related("applicant", "agent")
    return qs.filter(agent=user) if has_role(user, Role.AGENT) else qs


def authorisation_parties(*, user, agent: str, applicant: str) -> tuple:
    """The agent and the applicant named on an authorisation form, for someone who may record one
    (the service checks the rest). Usernames are what the clerk types; nothing else is shown."""
    if not can_manage_agents(user):
        raise NotFound("代办员或申请人账户不存在")
    found = {u.username: u for u in User.objects.filter(username__in=[agent[:150], applicant[:150]])}
    if agent not in found or applicant not in found:
        raise NotFound("代办员或申请人账户不存在")
    return found[agent], found[applicant]


CONCLUDED_STATES = ("not_accepted", "approved", "denied", "issued", "closed")


def govservices_stats(
    *, user, period: tuple[int, int | None], by: str = "", items: tuple[str, ...] = ()
) -> dict:
    """The read contract for the economy pillar: the cases a user may see, over a period.

    `period` is (year, month): from 1 January to the end of month M (or of the year when month is None).
    `received` counts cases submitted in it; `concluded` cases decided in it (a decision of 不予受理,
    准予/不予许可, 出证 or 办结); of those, `on_time_rate` (%) is the share decided by their due date
    (cases with one), `instant_share` (%) the share of 即办件, `average_workdays` the mean working days
    from acceptance to decision (cases accepted). `by` is "", "department" (a row per department, over
    the whole period) or "month" (a row per month of the period, each counting that month alone).
    `items`, when given, keeps the cases of the service items whose name holds one of these words (the
    items of one 营商环境 task, e.g. 设立登记 for 开办企业)."""
    import datetime as dt
    from decimal import ROUND_HALF_UP, Decimal

    from django.utils import timezone

    from gaoxin.core.calendar import workdays_between

    if not is_staff_member(user):
        raise NotFound("未找到该页面")
    year, month = period
    end = (
        dt.date(year, 12, 31)
        if not month
        else dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
    )
    start_at = timezone.make_aware(dt.datetime(year, 1, 1))
    end_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(1), dt.time()))
    # zone totals for the statistics office and leaders (figures, not cases); otherwise the user's own
    cases = Case.objects.all() if can_read_zone_totals(user) else Case.objects.visible_to(user)
    if items:
        scope = Q(pk__in=[])
        for word in items:
            scope |= Q(item__name__icontains=word)
        cases = cases.filter(scope)
    received = cases.filter(submitted_at__gte=start_at, submitted_at__lt=end_at)
    concluded = cases.filter(decided_at__gte=start_at, decided_at__lt=end_at, state__in=CONCLUDED_STATES)

    def _pct(part: int, whole: int) -> Decimal | None:
        return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None

    def _figures(received_qs, concluded_qs) -> dict:
        rows = list(concluded_qs.values_list("decided_at", "due_on", "accepted_on", "version__handling"))
        with_due = [(timezone.localdate(at), due) for at, due, _, _ in rows if due is not None]
        days = [workdays_between(acc, timezone.localdate(at))[0] for at, _, acc, _ in rows if acc is not None]
        return {
            "received": received_qs.count(),
            "concluded": len(rows),
            "on_time_rate": _pct(sum(1 for d, due in with_due if d <= due), len(with_due)),
            "instant_share": _pct(sum(1 for r in rows if r[3] == "instant"), len(rows)),
            "average_workdays": (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if days
            else None,
        }

    out_rows = []
    if by == "department":
        names = dict(
            cases.filter(Q(pk__in=received.values("pk")) | Q(pk__in=concluded.values("pk")))
            .values_list("department_id", "department__name")
            .distinct()
        )
        for pk in sorted(names):
            out_rows.append(
                {
                    "name": names[pk],
                    **_figures(received.filter(department_id=pk), concluded.filter(department_id=pk)),
                }
            )
    elif by == "month":
        for m in range(1, (month or 12) + 1):
            lo = timezone.make_aware(dt.datetime(year, m, 1))
            hi = timezone.make_aware(dt.datetime(year + m // 12, m % 12 + 1, 1))
            out_rows.append(
                {
                    "name": f"{year}-{m:02d}",
                    **_figures(
                        received.filter(submitted_at__gte=lo, submitted_at__lt=hi),
                        concluded.filter(decided_at__gte=lo, decided_at__lt=hi),
                    ),
                }
            )
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": by if by in ("department", "month") else "",
        "total": _figures(received, concluded),
        "rows": out_rows,
    }


def rating_list(*, user) -> QuerySet[Rating]:
    """The ratings the user may see (`Rating.objects.visible_to`): the applicant its own, officers
    those of their departments."""
    return Rating.objects.visible_to(user).select_related(
        "item", "department", "window", "case", "rectification"
    )


def rectification_list(*, user, state: str = "") -> QuerySet[Rectification]:
    qs = Rectification.objects.visible_to(user).select_related(
        "rating__department", "rating__item", "rating__case"
    )
    return qs.filter(state=state) if state in Rectification.State.values else qs


def rectification_get(*, user, pk: int) -> Rectification:
    rect = rectification_list(user=user).filter(pk=pk).first()
    if rect is None:
        raise NotFound("未找到该差评整改，或您无权查看")
    return rect


def card_list(*, user, state: str = "", level: str = "") -> QuerySet[Card]:
    """The supervision page: open cards first, each with its case or rectification."""
    qs = Card.objects.visible_to(user).select_related("department", "case", "resolved_by")
    if state in Card.State.values:
        qs = qs.filter(state=state)
    if level in Card.Level.values:
        qs = qs.filter(level=level)
    return qs


RATING_BY = {
    "item": ("item_id", "item__name"),
    "department": ("department_id", "department__name"),
    "window": ("window_id", "window__name"),
}


def ratings_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract of 好差评 for the economy pillar and the monthly statistics page.

    Over the ratings the user may see given in the period (from 1 January to the end of month M, or of
    the year when month is None), less those voided on appeal: `ratings` their number, `good_rate` (%)
    the share of 非常满意, 满意 and 基本满意, `bad` the 差评 (不满意, 非常不满意), `rectified_rate` (%)
    the share of 差评 rectified or explained, `on_time_rate` (%) of those done by their deadline,
    `average` the mean level (5 非常满意 … 1 非常不满意). `by` is "", "item", "department", "window"
    (a row each over the period) or "month" (a row per month, that month alone)."""
    import datetime as dt
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Avg, Count
    from django.utils import timezone

    def _month_start(y: int, m: int):
        return timezone.make_aware(dt.datetime(y + (m - 1) // 12, (m - 1) % 12 + 1, 1))

    if not is_staff_member(user):
        raise NotFound("未找到该页面")
    year, month = period
    last = month or 12
    start, end = _month_start(year, 1), _month_start(year, last + 1)
    ratings = (
        Rating.objects.all() if can_read_zone_totals(user) else Rating.objects.visible_to(user)
    ).filter(at__gte=start, at__lt=end, voided=False)

    def _pct(part: int, whole: int) -> Decimal | None:
        return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None

    def _figures(qs) -> dict:
        agg = qs.aggregate(
            n=Count("id"),
            bad=Count("id", filter=Q(level__in=Rating.BAD_LEVELS)),
            avg=Avg("level"),
            done=Count("id", filter=Q(rectification__state__in=["rectified", "explained"])),
            on_time=Count(
                "id", filter=Q(rectification__state__in=["rectified", "explained"], rectification__late=False)
            ),
        )
        n, bad = agg["n"], agg["bad"]
        return {
            "ratings": n,
            "bad": bad,
            "good_rate": _pct(n - bad, n),
            "rectified_rate": _pct(agg["done"], bad),
            "on_time_rate": _pct(agg["on_time"], agg["done"]),
            "average": Decimal(str(agg["avg"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if agg["avg"]
            else None,
        }

    rows = []
    if by in RATING_BY:
        key, name = RATING_BY[by]
        names = dict(ratings.exclude(**{f"{key}__isnull": True}).values_list(key, name).distinct())
        rows = [{"name": names[pk], **_figures(ratings.filter(**{key: pk}))} for pk in sorted(names)]
    elif by == "month":
        for m in range(1, last + 1):
            lo, hi = _month_start(year, m), _month_start(year, m + 1)
            rows.append({"name": f"{year}-{m:02d}", **_figures(ratings.filter(at__gte=lo, at__lt=hi))})
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": by if by in RATING_BY or by == "month" else "",
        "total": _figures(ratings),
        "rows": rows,
    }


# ---- 一件事 bundles and project tracks ----


def bundle_list(*, q: str = "") -> QuerySet[Bundle]:
    """The bundle catalogue is public, like the items' guides."""
    qs = Bundle.objects.filter(active=True)
    q = text(q, 60).strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs


def bundle_get(*, code: str) -> Bundle:
    bundle = (
        bundle_list()
        .prefetch_related("members__item__department", "materials")
        .filter(code=text(code, 20))
        .first()
    )
    if bundle is None:
        raise NotFound("未找到该一件事，或已停用")
    return bundle


def bundle_case_list(*, user) -> QuerySet[BundleCase]:
    return BundleCase.objects.visible_to(user).select_related("bundle")


def bundle_case_get(*, user, number: str) -> BundleCase:
    bc = (
        bundle_case_list(user=user)
        .prefetch_related("members__case__department", "members__member__item", "files__material", "events")
        .filter(number=text(number, 20))
        .first()
    )
    if bc is None:
        raise NotFound("未找到该一件事办件，或您无权查看")
    return bc


def track_list(*, user) -> QuerySet[ProjectTrack]:
    return ProjectTrack.objects.visible_to(user)


def track_get(*, user, number: str) -> ProjectTrack:
    track = (
        track_list(user=user)
        .prefetch_related("stages", "cases__case__item")
        .filter(number=text(number, 24))
        .first()
    )
    if track is None:
        raise NotFound("未找到该项目，或您无权查看")
    return track


def project_tracks_for(*, user, project_code: str) -> QuerySet[ProjectTrack]:
    """The approval tracks of an investment project (read by the investment pillar)."""
    code = text(project_code, 20).strip()
    if not code:
        return ProjectTrack.objects.none()
    return track_list(user=user).filter(project_code=code).prefetch_related("stages")
