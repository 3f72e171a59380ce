"""What a case transition tells the applicant through the outbox, and the supervision checks it
triggers. Called by the case machine after each transition, inside its transaction."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.core.notify import notify
from gaoxin.core.workflow import Step

# action → (message kind, subject with {number} and {item})
NOTICES = {
    "accept": ("acceptance", "您的申请 {number}（{item}）已受理"),
    "accept_instant": ("result", "您的申请 {number}（{item}）已当场办结"),
    "request_correction": ("correction", "您的申请 {number}（{item}）需补正材料"),
    "reject": ("result", "您的申请 {number}（{item}）不予受理"),
    "extend": ("deadline", "您的申请 {number}（{item}）审批期限已延长"),
    "suspend": ("deadline", "您的申请 {number}（{item}）进入特别程序，期间不计时"),
    "deny": ("result", "您的申请 {number}（{item}）不予许可"),
    "issue": ("result", "您的申请 {number}（{item}）已出具结果，办结后请评价"),
    "post_result": ("result", "您的申请 {number}（{item}）的结果已邮寄"),
    "verify_fail": ("result", "您的申请 {number}（{item}）告知承诺核查不实，决定已撤销"),
}


def case_step_done(step: Step) -> None:
    from .supervision import case_checks

    case, action = step.obj, step.transition.action
    if action in NOTICES:
        kind, subject = NOTICES[action]
        body = case.reason if action in ("reject", "deny", "verify_fail") else ""
        if action == "post_result":
            body = f"邮寄单号：{case.post_tracking}"
        notify(
            recipient=case.applicant,
            kind=kind,
            subject=subject.format(number=case.number, item=case.item.name),
            body=body,
            url=reverse("govservices:case", args=[case.number]),
            obj=case,
        )
    case_checks(case, action=action, on=step.today)
