"""申报 clauses run through the government-services case engine: a clause publishes a service item,
and every submission for that item is pre-checked against the clause's eligibility rule."""

from __future__ import annotations

import re

from django.db import transaction

from gaoxin.accounts.permissions import is_enterprise_user
from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.enterprises.models import Enterprise
from gaoxin.govservices.models import Case, ItemVersion, ServiceItem
from gaoxin.govservices.services.catalogue import item_publish_on_behalf

from .. import permissions
from ..models import Clause
from .matching import offer_for, rule_sentences
from .money import award_for_application

LEGAL_DAYS, COMMITTED_DAYS, REVIEW_DAYS = 20, 10, 5


def item_code_for(clause: Clause) -> str:
    """12 characters like every 基本编码; the 99 prefix keeps these apart from the imported catalogue."""
    return f"99{clause.pk:010d}"


def _materials(clause: Clause) -> list[dict]:
    names = [n.strip() for n in re.split(r"[；;、，,\n]+", clause.materials or "") if n.strip()]
    return [
        {
            "order": i,
            "name": name[:120],
            "required": True,
            "key": True,
            "commitment_allowed": False,
            "file_types": "pdf,jpg,png",
            "sample": "加盖公章的扫描件",
            "licence_item": "",
        }
        for i, name in enumerate(names or ["政策兑现申报书"], start=1)
    ]


@transaction.atomic
def clause_publish_service_item(*, actor, clause: Clause) -> ServiceItem:
    """Publish the clause as a 承诺件 of its approving department and link the two."""
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以发布办事事项")
    clause = (
        Clause.objects.select_for_update(of=("self",))
        .select_related("policy", "department")
        .get(pk=clause.pk)
    )
    if clause.mode != Clause.Mode.APPLY:
        raise Conflict("只有“申报”类兑现事项可以发布为办事事项")
    if clause.service_code:
        raise Conflict(f"该兑现事项已发布为办事事项（{clause.service_code}）")
    if clause.department is None:
        raise ValidationFailed("请先设置审核部门", fields={"department": "必填"})
    code = item_code_for(clause)
    if ServiceItem.objects.filter(code=code).exists():
        raise Conflict(f"事项编码 {code} 已被占用")
    policy = clause.policy
    basis = f"《{policy.title}》{policy.doc_no}".strip()
    fields = {
        "code": code,
        "name": (clause.title if "申报" in clause.title else f"{clause.title}申报")[:120],
        "implementing_code": f"ZC{code}",
        "item_type": ItemVersion.ItemType.REWARD,
        "legal_basis": basis,
        "department": clause.department,
        "applicant_kind": ItemVersion.ApplicantKind.ENTERPRISE,
        "legal_days": LEGAL_DAYS,
        "committed_days": COMMITTED_DAYS,
        "handling": ItemVersion.Handling.PROMISED,
        "conditions": f"申报企业须符合{basis}规定的条件：" + "；".join(rule_sentences(clause.rule)),
        "fee": False,
        "fee_basis": "",
        "visits": 0,
        "online_depth": ItemVersion.OnlineDepth.FULL,
        "scope": ItemVersion.Scope.ZONE,
        "allow_deferral": False,
        "allow_commitment": False,
        "issue_before_supply": False,
        "commitment_text": "",
        "verification_days": 20,
        "special_procedures": "",
        "result_type": ItemVersion.ResultType.OTHER,
        "result_name": "政策兑现审核结果通知",
        "licence_years": 0,
        "consultation": f"{clause.department.name}",
        "complaint": "12345 政务服务便民热线",
        "form_fields": [],
    }
    stages = [
        {
            "order": 1,
            "name": "资格审查",
            "role": "reviewer",
            "days": REVIEW_DAYS,
            "departments": [clause.department],
        }
    ]
    version = item_publish_on_behalf(actor=actor, fields=fields, materials=_materials(clause), stages=stages)
    clause.service_code = code
    clause.updated_by = actor
    clause.save(update_fields=["service_code", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="clause.publish_service_item",
        obj=clause,
        summary={"clause": clause.code, "item": code, "version": version.number},
    )
    return version.item


def check_clause_submission(version, applicant, identifier: str) -> None:
    """Registered with govservices: a submission for a clause's item needs an eligible enterprise."""
    clause = Clause.objects.filter(service_code=version.item.code).first()
    if clause is None:
        return
    if clause.state != Clause.State.PUBLISHED:
        raise Conflict(f"“{clause.title}”尚未发布，暂不受理申报")
    if not is_enterprise_user(applicant) or not identifier:
        raise PermissionDenied("政策兑现事项只能由企业用户申报")
    enterprise = Enterprise.objects.filter(uscc=identifier).first()
    if enterprise is None:
        raise PermissionDenied("未找到申报企业的登记信息")
    today = clock.today()
    if (clause.window_from and today < clause.window_from) or (clause.window_to and today > clause.window_to):
        raise Conflict(
            f"“{clause.title}”不在申报期内（{clause.window_from or '—'} 至 {clause.window_to or '—'}）"
        )
    offer = offer_for(enterprise, clause, as_of=today)
    if not offer.eligible:
        failed = "；".join(f"{c.text}（{c.verdict}）" for c in offer.explanation.failed)
        raise ValidationFailed(
            f"{enterprise.name}暂不符合“{clause.title}”的申报条件：{failed}",
            fields={"eligibility": failed},
        )


def clause_case_approved(step) -> None:
    """Registered with govservices as a case listener: when the department approves a 申报 for a
    clause's item (准予), the clause's draft award is computed and waits for the officer's review
    and the budget (see money.award_for_application); nothing happens for other items."""
    case = step.obj
    approved = Case.State.APPROVED
    if case.state != approved or step.before == approved or not case.enterprise_uscc:
        return
    clause = Clause.objects.filter(service_code=case.version.item.code).first()
    if clause is None:
        return
    enterprise = Enterprise.objects.filter(uscc=case.enterprise_uscc).first()
    if enterprise is None:
        raise Conflict("未找到申报企业的登记信息，不能生成兑现记录")
    award_for_application(actor=step.actor, clause=clause, enterprise=enterprise, case_number=case.number)
