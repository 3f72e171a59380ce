"""Reads of the government services pillar, each scoped to the asking user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import has_role, is_staff_member, role_departments
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound

from .models import (
    AgentAuthorisation,
    Case,
    CaseMaterial,
    ItemVersion,
    Licence,
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


def govservices_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar: the cases a user may see, over a period.

    `period` is (year, month): from 1 January to the end of month M (or of the year when month is None).
    `received` counts cases submitted in it; `concluded` cases decided in it (a decision of 不予受理,
    准予/不予许可, 出证 or 办结); of those, `on_time_rate` (%) is the share decided by their due date
    (cases with one), `instant_share` (%) the share of 即办件, `average_workdays` the mean working days
    from acceptance to decision (cases accepted). `by` is "", "department" (a row per department, over
    the whole period) or "month" (a row per month of the period, each counting that month alone)."""
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
    cases = Case.objects.visible_to(user)
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
