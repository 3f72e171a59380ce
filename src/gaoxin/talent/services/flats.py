"""人才公寓 and 限价房: publishing the rules (each change a new version), setting units of the zone's
premises aside as flats, the flat application's machine (申请 → 排队 → 配租 → 入住 → 退租) with the lease
made on allocation and ended on move-out, the move-out when a talent leaves the zone (called by the
talent machine's `leave`), and the 限价房 purchase eligibility case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import normalize
from gaoxin.core.workflow import Machine, Step, Transition
from gaoxin.policies.models import Building, Unit

from .. import permissions, scoring
from ..models import (
    Certification,
    Employment,
    Flat,
    FlatApplication,
    FlatLease,
    FlatRule,
    PurchaseApplication,
    PurchaseRule,
    Talent,
    Tier,
)
from .registry import _add_years, _event, _require_office

OFFICE, APPLICANT = "office", "applicant"
ROLE_NAMES = {OFFICE: gettext_lazy("人才办（政策专员）"), APPLICANT: gettext_lazy("申请人本人")}


def is_own(user, talent: Talent) -> bool:
    own = normalize(getattr(user, "id_card", "") or "")
    return bool(own) and own == talent.id_card


def _may(role: str, user, obj) -> bool:
    if role == OFFICE:
        return permissions.can_manage(user)
    return role == APPLICANT and is_own(user, obj.talent)


def _talent_for(actor, talent_id: int) -> Talent:
    """The talent an applicant applies for: themselves, or anyone for the talent office."""
    talent = Talent.objects.visible_to(actor).select_for_update().filter(pk=talent_id).first()
    if talent is None:
        raise NotFound("未找到该人才，或您无权查看")
    if not (permissions.can_manage(actor) or is_own(actor, talent)):
        raise PermissionDenied("只有人才本人或人才办可以提交申请")
    if talent.state != Talent.State.IN_ZONE:
        raise Conflict("该人才已离开园区，不能申请")
    return talent


def current_tier(talent: Talent, as_of: dt.date) -> str:
    row = (
        Certification.objects.filter(
            talent=talent, state=Certification.State.CERTIFIED, valid_from__lte=as_of, valid_to__gte=as_of
        )
        .values_list("tier__code", flat=True)
        .first()
    )
    return row or ""


# ---- the rules -----------------------------------------------------------------------------------


def _tier_map(values: dict, *, low: int, high: int, what: str) -> dict[str, int]:
    known = set(Tier.objects.values_list("code", flat=True))
    out = {}
    for code, value in values.items():
        code = str(code).strip().upper()
        if code not in known:
            raise ValidationFailed(f"{what}中的人才层次「{code}」不存在", fields={what: "层次不存在"})
        if not low <= int(value) <= high:
            raise ValidationFailed(f"{what}应在 {low} 至 {high} 之间", fields={what: "超出范围"})
        out[code] = int(value)
    return dict(sorted(out.items()))


def _next_version(model) -> int:
    return (model.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def flat_rule_publish(
    *,
    actor,
    tier_points: dict,
    month_points: Decimal,
    member_points: Decimal,
    max_months: int = 0,
    max_members: int = 3,
    rent_shares: dict | None = None,
    lease_years: int = 3,
    note: str = "",
) -> FlatRule:
    """Publish the next version of the waiting list's scoring rule and the rent by tier."""
    _require_office(actor)
    if month_points < 0 or member_points < 0 or lease_years < 1:
        raise ValidationFailed("分值不能为负，租期至少一年")
    rule = FlatRule.objects.create(
        version=_next_version(FlatRule),
        tier_points=_tier_map(tier_points, low=0, high=1000, what="人才层次分"),
        month_points=month_points,
        max_months=max_months,
        member_points=member_points,
        max_members=max_members,
        rent_shares=_tier_map(rent_shares or {}, low=0, high=100, what="租金比例"),
        lease_years=lease_years,
        note=note.strip()[:400],
        published_on=clock.today(),
        published_by=actor,
    )
    audit.record(
        actor=actor,
        action="talent_flat_rule.publish",
        obj=rule,
        summary={"version": rule.version, "tier_points": rule.tier_points, "rent_shares": rule.rent_shares},
    )
    return rule


@transaction.atomic
def purchase_rule_publish(
    *, actor, tiers: list[str], min_years: int, require_no_home: bool = True, note: str = ""
) -> PurchaseRule:
    _require_office(actor)
    codes = list(_tier_map(dict.fromkeys(tiers, 0), low=0, high=0, what="可申请的人才层次"))
    if not codes:
        raise ValidationFailed("请至少选择一个人才层次", fields={"tiers": "必填"})
    rule = PurchaseRule.objects.create(
        version=_next_version(PurchaseRule),
        tiers=",".join(codes),
        min_years=min_years,
        require_no_home=require_no_home,
        note=note.strip()[:400],
        published_on=clock.today(),
        published_by=actor,
    )
    audit.record(
        actor=actor,
        action="talent_purchase_rule.publish",
        obj=rule,
        summary={"version": rule.version, "tiers": rule.tiers, "min_years": min_years},
    )
    return rule


def flat_rule_current() -> FlatRule | None:
    return FlatRule.objects.order_by("-version").first()


def purchase_rule_current() -> PurchaseRule | None:
    return PurchaseRule.objects.order_by("-version").first()


# ---- the flats -----------------------------------------------------------------------------------


@transaction.atomic
def flat_register(
    *,
    actor,
    building: str,
    code: str,
    area: Decimal,
    market_rent: Decimal,
    bedrooms: int = 1,
    address: str = "",
) -> Flat:
    """Set a unit of the zone's premises aside as a talent flat (the building and unit are made when
    they are not yet in the premises register); a unit leased to an enterprise cannot be a flat."""
    _require_office(actor)
    if area <= 0 or market_rent < 0 or bedrooms < 1:
        raise ValidationFailed("面积须大于 0，租金不能为负，居室至少一间")
    building_row, _created = Building.objects.get_or_create(
        name=building.strip(), defaults={"address": address.strip()}
    )
    unit, _created = Unit.objects.get_or_create(
        building=building_row, code=code.strip(), defaults={"area": area}
    )
    if unit.leases.exists():
        raise Conflict("该单元已出租给企业，不能作为人才公寓")
    if Flat.objects.filter(unit=unit).exists():
        raise Conflict("该单元已是人才公寓")
    flat = Flat.objects.create(unit=unit, bedrooms=bedrooms, market_rent=market_rent)
    audit.record(
        actor=actor,
        action="talent_flat.register",
        obj=flat,
        summary={"unit": str(unit), "bedrooms": bedrooms, "market_rent": str(market_rent)},
    )
    return flat


# ---- the flat application's machine --------------------------------------------------------------

A = FlatApplication.State


@transaction.atomic
def flat_apply(*, actor, talent_id: int, family_size: int) -> FlatApplication:
    talent = _talent_for(actor, talent_id)
    if not 1 <= family_size <= 20:
        raise ValidationFailed("家庭人数应为 1 至 20 人", fields={"family_size": "超出范围"})
    if FlatApplication.objects.filter(talent=talent, state__in=FlatApplication.OPEN).exists():
        raise Conflict("该人才已有进行中的人才公寓申请")
    try:
        with transaction.atomic():
            app = FlatApplication.objects.create(
                talent=talent, family_size=family_size, applied_at=clock.now(), created_by=actor
            )
    except IntegrityError:
        raise Conflict("该人才已有进行中的人才公寓申请") from None
    details = {"application": app.pk, "family_size": family_size}
    _event(talent, actor, "flat_apply", "申请人才公寓", "", app.state, details)
    audit.record(actor=actor, action="talent_flat_application.apply", obj=app, summary=details)
    return app


def _reason(payload: dict, required: bool = True) -> str:
    reason = str(payload.get("reason") or "").strip()[:400]
    if required and not reason:
        raise ValidationFailed("请填写理由", fields={"reason": "必填"})
    return reason


def _queue(app, actor, payload, today):
    app.queued_on = today
    return {"queued_on": today.isoformat()}


def _reject(app, actor, payload, today):
    app.reason = _reason(payload)
    return {"reason": app.reason}


def _withdraw(app, actor, payload, today):
    app.reason = _reason(payload, required=False)
    return {"reason": app.reason}


def _ahead_of(app: FlatApplication, rule: FlatRule, today: dt.date) -> int:
    """How many queued applications rank above this one today."""
    from ..flat_selectors import waiting_list  # the one ranking, shared with the public page

    for row in waiting_list(rule=rule, as_of=today):
        if row.application.pk == app.pk:
            return row.rank - 1
    return 0


def _allocate(app, actor, payload, today):
    rule = flat_rule_current()
    if rule is None:
        raise Conflict("尚未发布轮候评分规则，不能配租")
    flat = (
        Flat.objects.select_for_update()
        .select_related("unit__building")
        .filter(pk=payload.get("flat_id"))
        .first()
    )
    if flat is None:
        raise ValidationFailed("没有该人才公寓", fields={"flat_id": "不存在"})
    if flat.state != Flat.State.VACANT:
        raise Conflict(f"公寓「{flat}」已配租给他人")
    ahead = _ahead_of(app, rule, today)
    reason = _reason(payload, required=ahead > 0)
    tier = current_tier(app.talent, today)
    share = scoring.rent_share(rule, tier)
    try:
        with transaction.atomic():
            lease = FlatLease.objects.create(
                application=app,
                flat=flat,
                rule=rule,
                tier=tier,
                market_rent=flat.market_rent,
                rent_share=share,
                monthly_rent=scoring.monthly_rent(flat.market_rent, share),
                start=today,
                end=_add_years(today, rule.lease_years) - dt.timedelta(days=1),
            )
    except IntegrityError:
        raise Conflict(f"公寓「{flat}」已配租给他人") from None
    flat.state = Flat.State.LET
    flat.save(update_fields=["state"])
    app.flat, app.reason = flat, reason
    return {
        "flat": str(flat),
        "rule": rule.version,
        "tier": tier,
        "rent_share": share,
        "monthly_rent": str(lease.monthly_rent),
        "ahead": ahead,
        "reason": reason,
    }


def _move_in(app, actor, payload, today):
    return {"flat": str(app.flat)}


def _end_lease(app: FlatApplication, on: dt.date) -> dict:
    lease = (
        FlatLease.objects.select_for_update().filter(application=app, state=FlatLease.State.ACTIVE).first()
    )
    if lease is None:
        return {}
    if on < lease.start:
        raise ValidationFailed(f"退租日期不能早于起租日（{lease.start}）", fields={"on": "早于起租日"})
    lease.state, lease.ended_on = FlatLease.State.ENDED, on
    lease.save(update_fields=["state", "ended_on"])
    Flat.objects.filter(pk=lease.flat_id).update(state=Flat.State.VACANT)
    return {"flat": str(app.flat), "ended_on": on.isoformat()}


def _on(payload: dict, today: dt.date) -> dt.date:
    on = payload.get("on") or today
    on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
    if on > today:
        raise ValidationFailed("日期不能晚于今天", fields={"on": "晚于今天"})
    return on


def _move_out(app, actor, payload, today):
    return {**_end_lease(app, _on(payload, today)), "reason": _withdraw(app, actor, payload, today)["reason"]}


def _leave_zone(app, actor, payload, today):
    app.reason = "人才离开园区"
    return {**_end_lease(app, _on(payload, today)), "reason": app.reason}


FLAT_TRANSITIONS = [
    Transition("queue", "受理入册", (A.APPLIED,), A.QUEUED, (OFFICE,), _queue),
    Transition("reject", "不予受理", (A.APPLIED,), A.REJECTED, (OFFICE,), _reject),
    Transition("withdraw", "撤回申请", (A.APPLIED, A.QUEUED), A.WITHDRAWN, (APPLICANT, OFFICE), _withdraw),
    Transition("allocate", "配租", (A.QUEUED,), A.ALLOCATED, (OFFICE,), _allocate),
    Transition("move_in", "入住", (A.ALLOCATED,), A.MOVED_IN, (OFFICE,), _move_in),
    Transition("move_out", "退租", (A.ALLOCATED, A.MOVED_IN), A.MOVED_OUT, (APPLICANT, OFFICE), _move_out),
    # Run by the talent machine's `leave` through flats_on_leaving, never offered as a button.
    Transition("leave_zone", "离区退出", (A.APPLIED, A.QUEUED), A.WITHDRAWN, (OFFICE,), _leave_zone),
    Transition("leave_zone", "离区退出", (A.ALLOCATED, A.MOVED_IN), A.MOVED_OUT, (OFFICE,), _leave_zone),
]


def _write_flat_event(step: Step) -> None:
    t = step.transition
    details = {"application": step.obj.pk, **step.details}
    _event(step.obj.talent, step.actor, f"flat_{t.action}", t.label, step.before, step.obj.state, details)


FLAT_APPLICATIONS = Machine(
    name="talent_flat_application",
    model=FlatApplication,
    transitions=FLAT_TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, app: FlatApplication.objects.visible_to(actor).filter(pk=app.pk).exists(),
    write_event=_write_flat_event,
    summary=lambda app: {"talent": app.talent_id},
    select_related=("talent", "flat__unit__building"),
    revision_field="revision",
    not_found="未找到该人才公寓申请，或您无权查看",
    stale="该申请已被他人处理，请刷新后再操作",
    wrong_state="该申请当前为「{state}」，不能「{action}」",
)


def flat_act(
    *, actor, application_id: int, action: str, revision: int | None = None, **payload
) -> FlatApplication:
    if action == "leave_zone":
        raise NotFound("没有名为 leave_zone 的操作")  # only the talent's `leave` runs it
    return FLAT_APPLICATIONS.run(
        actor=actor, action=action, pk=application_id, payload=payload, revision=revision
    )


def flats_on_leaving(*, actor, talent: Talent, on: dt.date) -> list[FlatApplication]:
    """The talent left the zone on `on`: an open application is withdrawn, a lease ended and its flat
    free again. Runs inside the talent machine's transaction, so both stand or fall together."""
    return [
        FLAT_APPLICATIONS.run(actor=actor, action="leave_zone", pk=pk, payload={"on": on})
        for pk in FlatApplication.objects.filter(talent=talent, state__in=FlatApplication.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


# ---- 限价房 purchase eligibility ------------------------------------------------------------------


def purchase_evaluate(
    talent: Talent, rule: PurchaseRule, *, as_of: dt.date, declared_no_home: bool | None
) -> list[scoring.Condition]:
    jobs = Employment.objects.filter(talent=talent)
    return scoring.purchase_conditions(
        rule,
        in_zone=talent.state == Talent.State.IN_ZONE,
        tier=current_tier(talent, as_of),
        days_in_zone=scoring.employment_days(jobs, as_of),
        declared_no_home=declared_no_home,
        has_purchase=PurchaseApplication.objects.filter(
            talent=talent, state__in=(PurchaseApplication.State.SUBMITTED, PurchaseApplication.State.APPROVED)
        ).exists(),
    )


def _refusal(conditions: list[scoring.Condition]) -> str:
    return "不符合限价房购买条件：" + "；".join(c.text for c in conditions if not c.met)


@transaction.atomic
def purchase_apply(*, actor, talent_id: int, declared_no_home: bool) -> PurchaseApplication:
    """Apply for 限价房 purchase eligibility; the rule is evaluated at once and an unmet condition is
    refused with every reason."""
    talent = _talent_for(actor, talent_id)
    rule = purchase_rule_current()
    if rule is None:
        raise Conflict("尚未发布限价房购买资格规则")
    conditions = purchase_evaluate(talent, rule, as_of=clock.today(), declared_no_home=declared_no_home)
    if not all(c.met for c in conditions):
        raise ValidationFailed(_refusal(conditions), fields={"talent_id": "条件不符"})
    try:
        with transaction.atomic():
            app = PurchaseApplication.objects.create(
                talent=talent,
                rule=rule,
                declared_no_home=declared_no_home,
                reasons=[c.as_dict() for c in conditions],
                applied_at=clock.now(),
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict("该人才已有审核中或已确认的限价房资格") from None
    details = {"purchase": app.pk, "rule": rule.version}
    _event(talent, actor, "purchase_apply", "申请限价房资格", "", app.state, details)
    audit.record(actor=actor, action="talent_purchase.apply", obj=app, summary=details)
    return app


P = PurchaseApplication.State


def _approve(app, actor, payload, today):
    conditions = purchase_evaluate(app.talent, app.rule, as_of=today, declared_no_home=app.declared_no_home)
    # The application itself is the open one the rule counts: it does not stand against itself.
    conditions = [c for c in conditions if c.key != "first_purchase"]
    if not all(c.met for c in conditions):
        raise Conflict(_refusal(conditions))
    app.reasons = [c.as_dict() for c in conditions]
    return {"rule": app.rule.version}


PURCHASE_TRANSITIONS = [
    Transition("approve", "确认资格", (P.SUBMITTED,), P.APPROVED, (OFFICE,), _approve),
    Transition("reject", "不予确认", (P.SUBMITTED,), P.REJECTED, (OFFICE,), _reject),
]


def _write_purchase_event(step: Step) -> None:
    t = step.transition
    details = {"purchase": step.obj.pk, **step.details}
    _event(step.obj.talent, step.actor, f"purchase_{t.action}", t.label, step.before, step.obj.state, details)


PURCHASES = Machine(
    name="talent_purchase",
    model=PurchaseApplication,
    transitions=PURCHASE_TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, app: PurchaseApplication.objects.visible_to(actor).filter(pk=app.pk).exists(),
    write_event=_write_purchase_event,
    summary=lambda app: {"talent": app.talent_id},
    select_related=("talent", "rule"),
    revision_field="revision",
    not_found="未找到该限价房资格申请，或您无权查看",
    stale="该申请已被他人处理，请刷新后再操作",
    wrong_state="该申请当前为「{state}」，不能「{action}」",
)


def purchase_act(
    *, actor, purchase_id: int, action: str, revision: int | None = None, **payload
) -> PurchaseApplication:
    return PURCHASES.run(actor=actor, action=action, pk=purchase_id, payload=payload, revision=revision)
