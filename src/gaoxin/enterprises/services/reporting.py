"""Writes of enterprise data reporting: open, save, submit, return, accept, revise.

The workflow is the table TRANSITIONS, run by the core workflow machine (`REPORTS`): every transition
locks the report row first, so of two conflicting actions exactly one wins and the other gets 409."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions
from ..indicators import DEFAULT_FORMS, INDICATORS, check_values, due_date, own_values, parse_values
from ..models import ANNUAL, Enterprise, Report, ReportEvent, ReportForm, ReportRevision

S = Report.State


EDITABLE = frozenset({S.DRAFT, S.RETURNED})
ROLE_NAMES = {"filer": gettext_lazy("企业或代其填报的统计人员"), "reviewer": gettext_lazy("统计人员")}


def _may(role: str, actor, report: Report) -> bool:
    if role == "reviewer":
        return permissions.can_review_reports(actor)
    return permissions.can_report_for(actor, report.enterprise.uscc)


def report_forms_ensure() -> dict[str, ReportForm]:
    """The published versions of each form, created when missing (a wiped database, the demo); the
    latest version of each kind is returned."""
    return {
        str(d["kind"]): ReportForm.objects.get_or_create(kind=d["kind"], version=d["version"], defaults=d)[0]
        for d in DEFAULT_FORMS
    }


def current_form(kind: str) -> ReportForm:
    form = ReportForm.objects.filter(kind=kind).order_by("-version").first()
    return form or report_forms_ensure()[kind]


def values_of(report: Report, fields: list[str] | None = None) -> dict:
    return {name: getattr(report, name) for name in (fields or report.form.fields)}


@transaction.atomic
def report_open(*, actor, uscc: str, year: int, month: int) -> Report:
    """The report of an enterprise for a period, created as a draft on first use."""
    if not permissions.can_report_for(actor, uscc):
        raise NotFound("未找到该企业，或您无权为其填报")
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        raise NotFound("未找到该企业，或您无权为其填报")
    if not (2000 <= year <= 2100) or not (0 <= month <= 12):
        raise ValidationFailed("报告期不正确", fields={"period": "年份或月份不正确"})
    if dt.date(year, month or 1, 1) > clock.today():
        raise ValidationFailed("报告期尚未开始，不能填报", fields={"period": "报告期尚未开始"})
    report = Report.objects.filter(enterprise=enterprise, year=year, month=month).first()
    if report:
        return report
    form = current_form("annual" if month == ANNUAL else "monthly")
    due = due_date(kind=form.kind, year=year, month=month, workday=form.due_workday)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                enterprise=enterprise,
                form=form,
                year=year,
                month=month,
                due_on=due.deadline,
                due_certain=due.certain,
                entered_by=actor,
            )
    except IntegrityError:
        return Report.objects.get(enterprise=enterprise, year=year, month=month)
    audit.record(actor=actor, action="report.open", obj=report, summary={"period": report.period_label})
    return report


def _locked(report_id: int) -> Report:
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("未找到该报表")
    return Report.objects.select_related("enterprise", "form").get(pk=report.pk)


def _apply(report: Report, values: dict, explanations: dict | None) -> None:
    for name, value in values.items():
        setattr(report, name, value)
    if explanations is not None:
        report.explanations = {
            k: str(v).strip()[:500]
            for k, v in explanations.items()
            if k in INDICATORS and str(v or "").strip()
        }


def _write_values(actor, report: Report, data: dict, explanations: dict | None) -> None:
    values, errors = parse_values(report.form.fields, data)
    if errors:
        raise ValidationFailed("填写内容有误：" + "；".join(errors.values()), fields=errors)
    _apply(report, values, explanations)
    if actor is not None and getattr(actor, "is_authenticated", False):
        report.entered_by = actor


@transaction.atomic
def report_save(*, actor, report_id: int, values: dict, explanations: dict | None = None) -> Report:
    """Save the figures of a draft or returned report (no completeness check until submission)."""
    report = _locked(report_id)
    if not permissions.can_report_for(actor, report.enterprise.uscc):
        raise NotFound("未找到该报表")
    if report.state not in EDITABLE:
        raise Conflict(f"报表{report.get_state_display()}，不能修改")
    _write_values(actor, report, values, explanations)
    report.save()
    audit.record(actor=actor, action="report.save", obj=report, summary={"period": report.period_label})
    return report


def neighbours(report: Report) -> tuple[dict | None, dict | None, dict | None]:
    """(last month's values this year, the same period last year, the month before last month)."""
    fields = report.form.fields
    qs = Report.objects.filter(enterprise_id=report.enterprise_id)
    prev = prev2 = None
    if report.month not in (ANNUAL, 1):
        prev = qs.filter(year=report.year, month=report.month - 1).first()
        if report.month > 2:
            prev2 = qs.filter(year=report.year, month=report.month - 2).first()
    last_year = qs.filter(year=report.year - 1, month=report.month).first()
    return (
        values_of(prev, fields) if prev else None,
        values_of(last_year, fields) if last_year else None,
        values_of(prev2, fields) if prev2 else None,
    )


def report_checks(report: Report) -> tuple[dict[str, str], dict[str, str]]:
    """Errors and anomalies of the report's current figures (the page shows them before submission)."""
    fields = report.form.fields
    values = values_of(report, fields)
    previous, last_year, previous2 = neighbours(report)
    own = own_values(values, previous, report.month) if report.month != ANNUAL else None
    prev_own = own_values(previous, previous2, report.month - 1) if previous and report.month > 1 else None
    return check_values(
        fields=fields,
        required=report.form.required,
        values=values,
        previous=previous,
        last_year=last_year,
        own=own,
        previous_month_own=prev_own,
    )


# ---- the workflow: effects run inside the runner's transaction, after its checks ----------------


def _submit(report: Report, actor, payload: dict, today: dt.date) -> None:
    values, explanations = payload.get("values"), payload.get("explanations")
    if values is not None or explanations is not None:
        _write_values(actor, report, values if values is not None else values_of(report), explanations)
    errors, anomalies = report_checks(report)
    if errors:
        raise ValidationFailed("报表未通过校验：" + "；".join(errors.values()), fields=errors)
    unexplained = {k: v for k, v in anomalies.items() if not report.explanations.get(k)}
    if unexplained:
        raise ValidationFailed(
            "以下指标变化较大，请填写说明后再报送：" + "；".join(unexplained.values()),
            fields={f"explanations.{k}": v for k, v in unexplained.items()},
            code="explanation_required",
        )
    report.submitted_at = clock.now()
    report.late = report.late or today > report.due_on
    report.return_reason = ""


def _return(report: Report, actor, payload: dict, today: dt.date) -> None:
    report.return_reason = payload["reason"]


def _accept(report: Report, actor, payload: dict, today: dt.date) -> None:
    report.accepted_at = clock.now()


def _revise(report: Report, actor, payload: dict, today: dt.date) -> None:
    """The accepted figures are kept as a revision before the report reopens as a draft."""
    ReportRevision.objects.create(
        report=report,
        revision=report.revision,
        values={k: (None if v is None else str(v)) for k, v in values_of(report).items()},
        explanations=report.explanations,
        accepted_at=report.accepted_at,
        reason=payload["reason"],
        created_by=actor,
    )
    report.revision += 1
    report.accepted_at = None


TRANSITIONS: list[Transition] = [
    Transition("submit", "报送", (S.DRAFT, S.RETURNED), S.SUBMITTED, ("filer",), _submit),
    Transition("return", "退回", (S.SUBMITTED,), S.RETURNED, ("reviewer",), _return),
    Transition("accept", "审核通过", (S.SUBMITTED,), S.ACCEPTED, ("reviewer",), _accept),
    Transition("revise", "更正", (S.ACCEPTED,), S.DRAFT, ("filer",), _revise),
]


def _write_event(step: Step) -> None:
    ReportEvent.objects.create(
        report=step.obj,
        action=step.transition.action,
        from_state=step.before,
        to_state=step.obj.state,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
        note=step.payload.get("reason", ""),
    )


REPORTS = Machine(
    name="report",
    model=Report,
    transitions=TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, report: permissions.can_view_enterprise(actor, report.enterprise.uscc),
    write_event=_write_event,
    summary=lambda report: {"period": report.period_label},
    select_related=("enterprise", "form"),
    not_found="未找到该报表",
    wrong_state="报表当前{state}，不能{action}",
    forbidden="您无权{action}该报表",
)


def report_submit(
    *, actor, report_id: int, values: dict | None = None, explanations: dict | None = None
) -> Report:
    """Submit (optionally saving figures first). Errors and unexplained ±50% changes block it."""
    return REPORTS.run(
        actor=actor,
        action="submit",
        pk=report_id,
        payload={"values": values, "explanations": explanations},
    )


def _reason(reason: str, label: str) -> str:
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise ValidationFailed(f"请填写{label}", fields={"reason": f"请填写{label}"})
    return reason


def report_return(*, actor, report_id: int, reason: str) -> Report:
    reason = _reason(reason, "退回原因")
    return REPORTS.run(actor=actor, action="return", pk=report_id, payload={"reason": reason})


def report_accept(*, actor, report_id: int) -> Report:
    return REPORTS.run(actor=actor, action="accept", pk=report_id)


def report_revise(*, actor, report_id: int, reason: str) -> Report:
    """Reopen an accepted report for correction; the accepted figures are kept as a revision."""
    reason = _reason(reason, "更正原因")
    return REPORTS.run(actor=actor, action="revise", pk=report_id, payload={"reason": reason})
