"""The check of each material on a case: 待查 / 合格 / 不合格 with a note, by the staff who may act on
the case at its current stage. A material found 不合格 is what the clerk's 一次性告知补正 lists."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin.core import audit
from gaoxin.core.errors import DomainError, NotFound, PermissionDenied

from ..models import Case, CaseMaterial
from .cases import CASES

V = CaseMaterial.Verdict
NOTE_MAX = 200


def may_check(user, case: Case) -> bool:
    """Staff who may take one of the case's actions now (the clerk at intake, the stage's reviewer,
    the approver at decision); never the applicant nor their agent."""
    return any(
        CASES.may(role, user, case)
        for t in CASES.available(user=user, obj=case)
        for role in t.roles
        if role != "applicant"
    )


def material_check(*, actor, number: str, material_id: int, verdict: str, note: str = "") -> CaseMaterial:
    """Record the verdict on one material. Not visible → 404; not one who may act now → 403; a
    rejection without a note, or an unknown verdict → 400. Writes an audit event."""
    from ..selectors import case_get

    note = (note or "").strip()[:NOTE_MAX]
    if verdict not in (V.PASSED, V.FAILED, V.PENDING):
        raise DomainError(_("核查结论应为合格或不合格"), fields={"verdict": _("取值不在允许范围内")})
    if verdict == V.FAILED and not note:
        raise DomainError(_("判为不合格时请写明问题，申请人将据此补正"), fields={"verdict_note": _("必填")})
    with transaction.atomic():
        case = case_get(user=actor, number=number)
        case = Case.objects.select_for_update().get(pk=case.pk)
        m = case.materials.select_related("spec").filter(pk=material_id).first()
        if m is None:
            raise NotFound(_("该办件没有这份材料"))
        if not may_check(actor, case):
            raise PermissionDenied(_("只有当前环节的经办人员可以核查材料"))
        before = m.verdict
        m.verdict, m.verdict_note = verdict, note if verdict == V.FAILED else ""
        m.save(update_fields=["verdict", "verdict_note"])
        audit.record(
            actor=actor,
            action="case.material_check",
            obj=case,
            summary={
                "number": case.number,
                "material": m.spec.name,
                "from": before,
                "to": m.verdict,
                "note": m.verdict_note,
            },
        )
    return m


def correction_prefill(materials) -> dict[int, str]:
    """What the 补正 form starts with: each material found 不合格, by its order, with the note."""
    return {m.spec.order: m.verdict_note for m in materials if m.verdict == V.FAILED}
