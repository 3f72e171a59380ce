"""Cases: submission and the one state machine every case action goes through.

TRANSITIONS is the whole machine: (action, source states) → target state, who may act, and the guard.
`case_act` runs one transition in one transaction: lock the case row, check role and guard, apply
the effect, write the timeline event, the denormalised state and deadlines, and the audit event."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import role_departments
from gaoxin.core import calendar, clock
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions as perms
from ..hooks import run_case_listeners
from ..models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStage,
    Licence,
    StageOpinion,
    Verification,
)
from . import licences
from .common import actor_name, light_for
from .uploads import files_removed_on_rollback, store_material_file

S = Case.State
DEFAULT_SUPPLY_DAYS = 5
NOTICE_DAYS = 5  # 行政许可法 art. 32: 一次性告知 within five working days of receipt
EXTENSION_DAYS = 10  # 行政许可法 art. 42: the department head may extend the decision deadline by ten
MAX_PROCEDURE_DAYS = 250


def _role_ok(role: str, user, case: Case) -> bool:
    if role == "applicant":
        return perms.acts_as_applicant(user, case)
    if role == "clerk":
        return perms.is_clerk(user)  # 无差别全科受理: any window, any item
    if role == "kiosk":  # 无人超市: a kiosk-capable 即办件 the applicant submitted at the kiosk
        return case.channel == Case.Channel.KIOSK and case.item.kiosk and perms.acts_as_applicant(user, case)
    if role == "reviewer":
        stage = _active_stage(case)
        return stage is not None and perms.reviews_in(user, [o.department_id for o in stage.opinions.all()])
    if role == "approver":
        return perms.approves(user, case)
    if role == "verifier":
        return perms.verifies(user, case)
    if role == "head":
        return perms.heads(user, case)
    return False


def _active_stage(case: Case) -> CaseStage | None:
    return case.stages.filter(state=CaseStage.State.ACTIVE).prefetch_related("opinions").first()


# ---- effects: each checks its guard and changes the case; they run inside case_act's transaction ----


def _check_materials_for_acceptance(case: Case, payload: dict, on: dt.date) -> list[str]:
    """Defer what may be deferred (容缺); refuse when a key material is missing. Returns deferred names.
    A case deemed accepted (art. 32: nobody told the applicant in time) is accepted all the same; what
    is missing is recorded as still to be supplied."""
    deemed = case.deemed_accepted(on)
    deferred, blocking = [], []
    due = payload.get("supply_due")
    due_on = (
        _parse_date(due, "supply_due") if due else calendar.add_workdays(on, DEFAULT_SUPPLY_DAYS).deadline
    )
    for m in case.materials.select_related("spec"):
        if m.status not in (CaseMaterial.Status.MISSING, CaseMaterial.Status.REJECTED) or not m.spec.required:
            continue
        if deemed or (case.version.allow_deferral and not m.spec.key):
            m.status, m.due_on = CaseMaterial.Status.DEFERRED, due_on
            m.save(update_fields=["status", "due_on"])
            deferred.append(m.spec.name)
        else:
            blocking.append(m.spec.name)
    if blocking:
        raise Conflict("以下材料缺失，不能受理，请一次性告知申请人补正：" + "、".join(blocking))
    return deferred


def set_deadlines(case: Case) -> None:
    """The committed and the legal deadline from the acceptance date, the working days spent in 特别程序
    (not counted, art. 45) and an approved extension (art. 42)."""
    accepted_on = case.accepted_on
    assert accepted_on is not None
    extra = case.suspended_days + case.extended_days
    committed = calendar.add_workdays(accepted_on, case.version.committed_days + extra)
    legal = calendar.add_workdays(accepted_on, case.version.legal_days + extra)
    case.due_on, case.due_certain = committed.deadline, committed.certain
    case.legal_due_on = legal.deadline


def _start_clock(case: Case, on: dt.date) -> dict:
    details = {}
    if case.deemed_accepted(on):
        # 逾期不告知的，自收到申请材料之日起即为受理 (art. 32)
        on = timezone.localdate(case.submitted_at)
        details["deemed_accepted_on"] = on.isoformat()
    case.accepted_on = on
    set_deadlines(case)
    return details


def _activate_stage(case: Case, order: int, on: dt.date) -> CaseStage | None:
    stage = case.stages.filter(order=order).first()
    case.stage_order = order
    if stage is None:
        return None
    deadline = calendar.add_workdays(on, stage.spec.days)
    stage.state, stage.started_on = CaseStage.State.ACTIVE, on
    stage.due_on, stage.due_certain = deadline.deadline, deadline.certain
    stage.save(update_fields=["state", "started_on", "due_on", "due_certain"])
    return stage


def _accept(case, user, payload, on):
    details = {"deferred": _check_materials_for_acceptance(case, payload, on)}
    details.update(_start_clock(case, on))
    _activate_stage(case, 1, on)
    details["legal_due_on"] = case.legal_due_on.isoformat()
    return details


def _accept_instant(case, user, payload, on):
    if case.materials.filter(spec__required=True, status__in=["missing", "rejected"]).exists():
        raise Conflict("即办件材料须齐全方可当场办结")
    case.accepted_on = case.due_on = case.legal_due_on = on
    case.due_certain = True
    case.decided_at = clock.now()
    return _issue_result(case, user)


def _request_correction(case, user, payload, on):
    if case.deemed_accepted(on):
        raise Conflict(
            f"一次性告知期限（{case.notice_due_on}）已过，依《行政许可法》第三十二条视为自收到材料之日起受理，"
            "不能再要求补正，请受理"
        )
    problems = payload.get("problems") or {}
    if not isinstance(problems, dict) or not problems:
        raise ValidationFailed("请一次性列出所有需要补正的材料及问题", fields={"problems": "必填"})
    by_order = {str(m.spec.order): m for m in case.materials.select_related("spec")}
    unknown = [k for k in problems if str(k) not in by_order]
    if unknown:
        raise ValidationFailed("补正清单中有不属于本事项的材料序号：" + "、".join(map(str, unknown)))
    listed = {}
    for order, problem in problems.items():
        m = by_order[str(order)]
        m.status, m.problem = CaseMaterial.Status.REJECTED, str(problem)[:200] or "需补正"
        m.save(update_fields=["status", "problem"])
        listed[m.spec.name] = m.problem
    return {"problems": listed}


def _resubmit(case, user, payload, on):
    if case.materials.filter(status=CaseMaterial.Status.REJECTED).exists():
        raise Conflict("仍有材料未按补正要求重新上传")
    case.notice_due_on = calendar.add_workdays(on, NOTICE_DAYS).deadline
    return {"notice_due_on": case.notice_due_on.isoformat()}


def _require_reason(payload) -> str:
    reason = str(payload.get("reason") or payload.get("opinion") or "").strip()
    if not reason:
        raise ValidationFailed("请填写理由", fields={"reason": "必填"})
    return reason[:2000]


def _reject(case, user, payload, on):
    case.reason = _require_reason(payload)
    return {}


def _withdraw(case, user, payload, on):
    case.reason = str(payload.get("reason") or "申请人撤回")[:2000]
    return {}


def _review(case, user, payload, on):
    verdict = payload.get("verdict", "agree")
    if verdict not in ("agree", "disagree"):
        raise ValidationFailed("结论应为同意或不同意", fields={"verdict": "取值不在允许范围内"})
    stage = _active_stage(case)
    mine = role_departments(user, "reviewer") & {o.department_id for o in stage.opinions.all()}
    opinion = stage.opinions.select_for_update().filter(department_id__in=mine, verdict="").first()
    if opinion is None:
        raise Conflict("本部门已就该环节出具意见")
    opinion.verdict, opinion.opinion, opinion.actor, opinion.at = (
        verdict,
        str(payload.get("opinion", ""))[:2000],
        user,
        clock.now(),
    )
    opinion.save()
    details = {"stage": stage.name, "department": opinion.department.name, "verdict": verdict}
    if not stage.opinions.filter(verdict="").exists():
        stage.state, stage.finished_at = CaseStage.State.DONE, clock.now()
        stage.save(update_fields=["state", "finished_at"])
        nxt = _activate_stage(case, stage.order + 1, on)
        details["next_stage"] = nxt.name if nxt else "审批决定"
    return details


def declared_procedures(version) -> list[str]:
    """The kinds of 特别程序 an item declares (听证、检验、检测、检疫、鉴定、专家评审…)."""
    return [k for k in re.split(r"[、,，;；/\s]+", version.special_procedures or "") if k]


def _suspend(case, user, payload, on):
    kinds = declared_procedures(case.version)
    if not kinds:
        raise Conflict("本事项未声明特别程序，不能停止计时")
    kind = str(payload.get("procedure") or "").strip()
    if kind not in kinds:
        raise ValidationFailed(
            "特别程序应为本事项声明的：" + "、".join(kinds), fields={"procedure": "不是本事项声明的特别程序"}
        )
    try:
        days = int(payload.get("expected_days") or 0)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_PROCEDURE_DAYS:
        raise ValidationFailed(
            "请填写特别程序预计所需的工作日（告知申请人，行政许可法第四十五条）",
            fields={"expected_days": f"应为 1 至 {MAX_PROCEDURE_DAYS}"},
        )
    case.suspended_on, case.procedure = on, kind
    return {
        "procedure": kind,
        "expected_days": days,
        "expected_end": calendar.add_workdays(on, days).deadline.isoformat(),
        "notified": case.applicant.get_username(),
    }


def _resume(case, user, payload, on):
    used, _ = calendar.workdays_between(case.suspended_on, on)
    case.suspended_days += used
    case.suspended_on, case.procedure = None, ""
    set_deadlines(case)
    stage = case.stages.filter(state=CaseStage.State.ACTIVE).first()
    if stage and used:
        d = calendar.add_workdays(stage.due_on, used)
        stage.due_on, stage.due_certain = d.deadline, stage.due_certain and d.certain
        stage.save(update_fields=["due_on", "due_certain"])
    return {"suspended_workdays": used}


def _extend(case, user, payload, on):
    if case.extended_days:
        raise Conflict("审批期限已延长过一次，不能再延长")
    if case.legal_due_on and on > case.legal_due_on:
        raise Conflict(f"法定期限（{case.legal_due_on}）已过，不能再延长")
    reason = _require_reason(payload)
    before = (case.due_on, case.legal_due_on)
    case.extended_days = EXTENSION_DAYS
    set_deadlines(case)
    return {
        "extended_workdays": EXTENSION_DAYS,
        "reason": reason,
        "due_on": [d.isoformat() if d else None for d in (before[0], case.due_on)],
        "legal_due_on": [d.isoformat() if d else None for d in (before[1], case.legal_due_on)],
        "notified": case.applicant.get_username(),
    }


def _approve(case, user, payload, on):
    if case.stages.exclude(state=CaseStage.State.DONE).exists():
        raise Conflict("审查环节尚未全部完成，不能作出决定")
    if StageOpinion.objects.filter(stage__case=case, verdict="disagree").exists() and not payload.get(
        "override"
    ):
        raise Conflict("有部门出具了不同意意见，请作出不予许可决定，或说明理由后确认（override）")
    case.decided_at = clock.now()
    case.reason = str(payload.get("opinion", ""))[:2000]
    return {}


def _deny(case, user, payload, on):
    case.reason = _require_reason(payload)
    case.decided_at = clock.now()
    return {}


def _issue_result(case, user):
    details = {}
    if case.version.issues_licence:
        licence = licences.licence_issue(actor=user, case=case)
        details["licence"] = licence.number
    if case.commitment_signed:
        due = calendar.add_workdays(clock.today(), case.version.verification_days).deadline
        Verification.objects.create(case=case, due_on=due)
        details["verification_due"] = due.isoformat()
    return details


def _issue(case, user, payload, on):
    if (
        not case.version.issue_before_supply
        and case.materials.filter(status=CaseMaterial.Status.DEFERRED).exists()
    ):
        raise Conflict("容缺材料尚未补齐，本事项须补齐后方可出证")
    return _issue_result(case, user)


def _close(case, user, payload, on):
    return {}


def _post_result(case, user, payload, on):
    """零跑腿: the result goes to the applicant by post; the tracking number is on the case."""
    tracking = re.sub(r"\s+", "", str(payload.get("tracking") or ""))[:40]
    if not re.fullmatch(r"[A-Za-z0-9-]{6,40}", tracking):
        raise ValidationFailed(
            "请填写邮寄单号（6 至 40 位字母、数字或连字符）", fields={"tracking": "格式不正确"}
        )
    if case.post_tracking:
        raise Conflict(f"结果已邮寄（单号 {case.post_tracking}）")
    case.post_tracking = tracking
    return {"tracking": tracking}


def _supply(case, user, payload, on):
    material = payload["material"]
    late = material.due_on is not None and on > material.due_on
    material.status, material.supplied_at, material.problem = CaseMaterial.Status.PROVIDED, clock.now(), ""
    # A new file is checked afresh.
    material.verdict, material.verdict_note = CaseMaterial.Verdict.PENDING, ""
    material.save(update_fields=["status", "supplied_at", "problem", "verdict", "verdict_note"])
    return {"material": material.spec.name, "late": late}


def _verification(case) -> Verification:
    v = Verification.objects.select_for_update().filter(case=case).first()
    if v is None or v.state != Verification.State.OPEN:
        raise Conflict("该办件没有待处理的告知承诺核查")
    return v


def _verify_pass(case, user, payload, on):
    v = _verification(case)
    v.state, v.result, v.done_by, v.done_at = (
        Verification.State.PASSED,
        str(payload.get("opinion", "核查属实"))[:2000],
        user,
        clock.now(),
    )
    v.save()
    return {}


def _verify_fail(case, user, payload, on):
    v = _verification(case)
    reason = _require_reason(payload)
    v.state, v.result, v.done_by, v.done_at = Verification.State.FAILED, reason, user, clock.now()
    v.save()
    case.reason = f"告知承诺核查不实，撤销审批决定：{reason}"
    licence = Licence.objects.filter(case=case).first()
    if licence:
        licences.licence_revoke(actor=user, licence=licence, reason=reason)
    return {"notified": case.applicant.get_username(), "licence_revoked": licence.number if licence else None}


OPEN_REVIEW = (S.IN_REVIEW,)
TRANSITIONS: list[Transition] = [
    Transition(
        "accept",
        "受理",
        (S.SUBMITTED,),
        S.IN_REVIEW,
        ("clerk",),
        _accept,
        lambda c: not c.version.is_instant,
        "即办件应当场办结，请使用「受理并当场办结」",
    ),
    Transition(
        "accept_instant",
        "受理并当场办结",
        (S.SUBMITTED,),
        S.ISSUED,
        ("clerk", "kiosk"),
        _accept_instant,
        lambda c: c.version.is_instant,
        "承诺件不能当场办结，请使用「受理」",
    ),
    Transition(
        "request_correction", "一次性告知补正", (S.SUBMITTED,), S.CORRECTION, ("clerk",), _request_correction
    ),
    Transition("resubmit", "补正后重新提交", (S.CORRECTION,), S.SUBMITTED, ("applicant",), _resubmit),
    Transition("reject", "不予受理", (S.SUBMITTED,), S.NOT_ACCEPTED, ("clerk",), _reject),
    Transition(
        "withdraw",
        "撤回申请",
        (S.SUBMITTED, S.CORRECTION, S.IN_REVIEW, S.SUSPENDED),
        S.WITHDRAWN,
        ("applicant",),
        _withdraw,
    ),
    Transition("review", "出具审查意见", OPEN_REVIEW, None, ("reviewer",), _review),
    Transition("suspend", "启动特别程序", OPEN_REVIEW, S.SUSPENDED, ("reviewer", "approver"), _suspend),
    Transition(
        "extend",
        "延长审批期限",
        OPEN_REVIEW,
        None,
        ("head",),
        _extend,
        lambda c: not c.version.is_instant,
        "即办件当场办结，没有可延长的期限",
    ),
    Transition("resume", "特别程序结束", (S.SUSPENDED,), S.IN_REVIEW, ("reviewer", "approver"), _resume),
    Transition("approve", "准予许可", OPEN_REVIEW, S.APPROVED, ("approver",), _approve),
    Transition("deny", "不予许可", OPEN_REVIEW, S.DENIED, ("approver",), _deny),
    Transition("issue", "出具结果", (S.APPROVED,), S.ISSUED, ("approver", "clerk"), _issue),
    Transition("close", "办结归档", (S.ISSUED, S.DENIED), S.CLOSED, ("approver", "clerk"), _close),
    Transition(
        "post_result", "邮寄结果", (S.ISSUED, S.CLOSED, S.DENIED), None, ("approver", "clerk"), _post_result
    ),
    Transition(
        "supply",
        "补交容缺材料",
        (S.CORRECTION, S.IN_REVIEW, S.SUSPENDED, S.APPROVED, S.ISSUED, S.CLOSED),
        None,
        ("applicant",),
        _supply,
    ),
    Transition(
        "verify_pass",
        "核查属实",
        (S.ISSUED, S.CLOSED),
        None,
        ("verifier",),
        _verify_pass,
        lambda c: c.commitment_signed,
        "该办件未适用告知承诺，无需核查",
    ),
    Transition(
        "verify_fail",
        "核查不实并撤销",
        (S.ISSUED, S.CLOSED),
        S.REVOKED,
        ("verifier",),
        _verify_fail,
        lambda c: c.commitment_signed,
        "该办件未适用告知承诺，无需核查",
    ),
]
BY_ACTION = {t.action: t for t in TRANSITIONS}
ENDED = (S.NOT_ACCEPTED, S.WITHDRAWN, S.DENIED)
ROLE_NAMES = {
    "applicant": gettext_lazy("申请人或其代办员"),
    "clerk": gettext_lazy("窗口受理员"),
    "kiosk": gettext_lazy("自助终端的申请人"),
    "reviewer": gettext_lazy("当前环节部门的审查员"),
    "approver": gettext_lazy("承办部门审批人"),
    "verifier": gettext_lazy("承办部门审查员"),
    "head": gettext_lazy("承办部门负责人"),
}


def _after(step: Step) -> None:
    case, today = step.obj, step.today
    if case.state in ENDED:
        # A case that ends mid-review leaves no stage waiting in anyone's inbox.
        case.stages.filter(state=CaseStage.State.ACTIVE).update(state=CaseStage.State.STOPPED)
    case.light = light_for(case.due_on, today) if case.is_open and not case.clock_stopped else ""
    run_case_listeners(step)


def _write_event(step: Step) -> None:
    payload = step.payload
    CaseEvent.objects.create(
        case=step.obj,
        at=clock.now(),
        actor=step.actor,
        actor_name=actor_name(step.actor),
        action=step.transition.action,
        label=step.transition.label,
        from_state=step.before,
        to_state=step.obj.state,
        opinion=str(payload.get("opinion") or payload.get("reason") or "")[:2000],
        details=step.details,
    )
    from .notices import case_step_done

    case_step_done(step)


CASES = Machine(
    name="case",
    model=Case,
    transitions=TRANSITIONS,
    role_names=ROLE_NAMES,
    may=lambda role, user, case: _role_ok(role, user, case),
    visible=lambda user, case: _visible(user, case),
    write_event=_write_event,
    summary=lambda case: {"number": case.number},
    after=_after,
    select_related=("version__department", "item", "applicant"),
    revision_field="revision",
    not_found="未找到该办件，或您无权查看",
    stale="办件已被他人处理，请刷新后再操作",
    wrong_state="办件当前为「{state}」，不能「{action}」",
)


def supplyable_materials(case: Case):
    """The materials the applicant is asked to hand in now: those accepted for later (容缺) or sent
    back for correction (补正); while the case waits for its correction, a missing one too. A missing
    optional material on an accepted or issued case is asked of nobody."""
    statuses = [CaseMaterial.Status.DEFERRED, CaseMaterial.Status.REJECTED]
    if case.state == S.CORRECTION:
        statuses.append(CaseMaterial.Status.MISSING)
    return case.materials.select_related("spec").filter(status__in=statuses)


def available_actions(*, user, case: Case) -> list[Transition]:
    """The actions that make sense now: 补交 only while some material is still to be handed in."""
    actions = CASES.available(user=user, obj=case)
    if any(t.action == "supply" for t in actions) and not supplyable_materials(case).exists():
        actions = [t for t in actions if t.action != "supply"]
    return actions


def case_act(
    *,
    actor: User,
    number: str,
    action: str,
    payload: dict | None = None,
    revision: int | None = None,
    upload=None,
) -> Case:
    """Run one transition on the case machine. Wrong role → 403, wrong state or a lost race → 409."""

    def prepare(case: Case, payload: dict) -> None:
        if action == "supply":
            payload["material"] = _supplied_material(case, payload, upload)

    with files_removed_on_rollback():
        return CASES.run(
            actor=actor,
            action=action,
            lookup={"number": number},
            payload=payload,
            revision=revision,
            prepare=prepare,
        )


def _visible(user, case: Case) -> bool:
    from ..selectors import case_list

    return case_list(user=user).filter(pk=case.pk).exists()


def _supplied_material(case: Case, payload: dict, upload) -> CaseMaterial:
    order = str(payload.get("material") or "")
    m = (
        case.materials.select_related("spec")
        .filter(spec__order=int(order) if order.isdigit() else -1)
        .first()
    )
    if m is None:
        raise ValidationFailed("请指明补交的材料序号", fields={"material": "不存在"})
    if not supplyable_materials(case).filter(pk=m.pk).exists():
        raise Conflict(f"「{m.spec.name}」无需补交")
    if upload is None:
        raise ValidationFailed(f"请上传「{m.spec.name}」", fields={"file": "必填"})
    store_material_file(m, upload)
    return m


def _parse_date(value, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", fields={name: "日期格式不正确"}) from exc


def lights_recompute() -> dict:
    """Recompute the stored light of every open case: a few UPDATEs whatever the number of cases. A
    suspended case has no light: its clock is stopped (特别程序)."""
    on = clock.today()
    yellow_until = calendar.add_workdays(on, 1).deadline
    open_cases = Case.objects.filter(state__in=Case.OPEN_STATES, due_on__isnull=False).exclude(
        state=S.SUSPENDED
    )
    with transaction.atomic():
        Case.objects.filter(state=S.SUSPENDED).exclude(light="").update(light="")
        red = open_cases.filter(due_on__lt=on).exclude(light="red").update(light="red")
        yellow = (
            open_cases.filter(due_on__gte=on, due_on__lte=yellow_until)
            .exclude(light="yellow")
            .update(light="yellow")
        )
        green = open_cases.filter(due_on__gt=yellow_until).exclude(light="green").update(light="green")
    return {"red": red, "yellow": yellow, "green": green}
