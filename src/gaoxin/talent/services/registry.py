"""Talents and their certification (人才认定): the tiers' criteria, registration, moves between the zone's
enterprises (history kept), leaving the zone, and certification from an issued 人才认定 case whose
licence is the certificate; renewal (a later case) and revocation (the licence is revoked with it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import check_id_card, check_uscc, normalize
from gaoxin.core.workflow import Machine, Step, Transition
from gaoxin.enterprises.selectors import enterprise_names
from gaoxin.govservices.models import Case, ItemVersion, Licence
from gaoxin.govservices.services import licences
from gaoxin.govservices.services.catalogue import item_publish_on_behalf

from .. import permissions
from ..models import Certification, Degree, Employment, Talent, TalentEvent, Tier, Title

ITEM_CODE = "980000000001"  # the 人才认定 item; the 98 prefix keeps it apart from the imported catalogue

# code, name, rank, degree, title, annual salary (yuan), awards, years valid
DEFAULT_TIERS = [
    (
        "A",
        "顶尖人才",
        1,
        Degree.DOCTOR,
        Title.SENIOR,
        Decimal("1000000"),
        "诺贝尔奖,两院院士,国家最高科学技术奖",
        5,
    ),
    ("B", "领军人才", 2, Degree.DOCTOR, Title.SENIOR, Decimal("500000"), "", 5),
    ("C", "高层次人才", 3, Degree.DOCTOR, Title.DEPUTY_SENIOR, Decimal("300000"), "", 3),
    ("D", "骨干人才", 4, Degree.MASTER, Title.INTERMEDIATE, Decimal("150000"), "", 3),
    ("E", "基础人才", 5, Degree.BACHELOR, Title.NONE, Decimal("0"), "", 3),
]


def _require_office(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied("只有人才办（政策专员）可以办理")


# ---- tiers ---------------------------------------------------------------------------------------


@transaction.atomic
def tier_save(
    *,
    actor,
    code: str,
    name: str,
    rank: int,
    min_degree: int = 0,
    min_title: int = 0,
    min_salary: Decimal = Decimal("0"),
    awards: str = "",
    valid_years: int = 3,
) -> Tier:
    """Create or change a tier and its criteria (a certification already made keeps its tier)."""
    _require_office(actor)
    code = code.strip().upper()
    if not code or len(code) > 2:
        raise ValidationFailed("层次代码应为 1 至 2 个字符", fields={"code": "应为 1 至 2 个字符"})
    if min_degree not in Degree.values or min_title not in Title.values:
        raise ValidationFailed("学历或职称要求不在允许范围内")
    if min_salary < 0 or valid_years < 1:
        raise ValidationFailed("年薪要求不能为负，有效期至少一年")
    tier, created = Tier.objects.select_for_update().get_or_create(code=code, defaults={"name": name})
    before = {
        f: str(getattr(tier, f)) for f in ("name", "rank", "min_degree", "min_title", "min_salary", "awards")
    }
    tier.name, tier.rank, tier.min_degree, tier.min_title = name, rank, min_degree, min_title
    tier.min_salary, tier.awards, tier.valid_years = min_salary, awards.strip(), valid_years
    tier.save()
    audit.record(
        actor=actor,
        action="talent_tier.create" if created else "talent_tier.update",
        obj=tier,
        summary={"code": code, "before": None if created else before, "min_salary": str(min_salary)},
    )
    return tier


def tiers_install_defaults(*, actor) -> list[Tier]:
    return [
        tier_save(
            actor=actor,
            code=code,
            name=name,
            rank=rank,
            min_degree=degree,
            min_title=title,
            min_salary=salary,
            awards=awards,
            valid_years=years,
        )
        for code, name, rank, degree, title, salary, awards, years in DEFAULT_TIERS
    ]


def unmet_criteria(talent: Talent, tier: Tier) -> list[str]:
    """The criteria of `tier` the talent does not meet, in words (empty: the talent qualifies)."""
    unmet = []
    if talent.degree < tier.min_degree:
        unmet.append(
            f"学历学位须为{Degree(tier.min_degree).label}及以上（现为{Degree(talent.degree).label}）"
        )
    if talent.title < tier.min_title:
        unmet.append(f"职称须为{Title(tier.min_title).label}及以上（现为{Title(talent.title).label}）")
    if tier.min_salary and talent.annual_salary < tier.min_salary:
        unmet.append(f"年薪须不低于{tier.min_salary:,.0f}元（现为{talent.annual_salary:,.0f}元）")
    wanted = tier.award_list()
    if wanted and not set(wanted) & set(talent.award_list()):
        unmet.append("须获得以下奖项或称号之一：" + "、".join(wanted))
    return unmet


def qualifying_tier(talent: Talent) -> Tier | None:
    """The highest tier whose criteria the talent meets."""
    return next((t for t in Tier.objects.order_by("rank", "code") if not unmet_criteria(talent, t)), None)


# ---- registration --------------------------------------------------------------------------------


def _employer(uscc: str) -> tuple[str, str]:
    result = check_uscc(uscc)
    if not result.valid:
        raise ValidationFailed(result.message, fields={"employer_uscc": result.message})
    name = enterprise_names([result.normalized]).get(result.normalized)
    if not name:
        raise ValidationFailed(
            "工作单位不在园区企业名录中，请先登记企业", fields={"employer_uscc": "不在园区企业名录中"}
        )
    return result.normalized, name


def _event(talent: Talent, actor, action: str, label: str, before: str, after: str, details: dict) -> None:
    TalentEvent.objects.create(
        talent=talent,
        at=clock.now(),
        actor=actor,
        action=action,
        label=label,
        from_state=before,
        to_state=after,
        details=details,
    )


@transaction.atomic
def talent_register(
    *,
    actor,
    id_card: str,
    name: str,
    employer_uscc: str,
    start_on: dt.date | None = None,
    degree: int = 0,
    title: int = 0,
    annual_salary: Decimal = Decimal("0"),
    awards: str = "",
) -> Talent:
    _require_office(actor)
    checked = check_id_card(id_card)
    if not checked.valid:
        raise ValidationFailed(checked.message, fields={"id_card": checked.message})
    if not name.strip():
        raise ValidationFailed("请填写姓名", fields={"name": "必填"})
    if degree not in Degree.values or title not in Title.values:
        raise ValidationFailed("学历或职称不在允许范围内")
    if annual_salary < 0:
        raise ValidationFailed("年薪不能为负", fields={"annual_salary": "不能为负"})
    uscc, enterprise_name = _employer(employer_uscc)
    if Talent.objects.filter(id_card=checked.normalized).exists():
        raise Conflict("该身份证号已登记为人才")
    start_on = start_on or clock.today()
    try:
        with transaction.atomic():
            talent = Talent.objects.create(
                id_card=checked.normalized,
                name=name.strip(),
                degree=degree,
                title=title,
                annual_salary=annual_salary,
                awards=awards.strip(),
                employer_uscc=uscc,
                employer_name=enterprise_name,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict("该身份证号已登记为人才") from None
    Employment.objects.create(talent=talent, uscc=uscc, enterprise_name=enterprise_name, start_on=start_on)
    _event(talent, actor, "register", "登记", "", talent.state, {"employer": enterprise_name})
    audit.record(actor=actor, action="talent.register", obj=talent, summary={"employer": uscc})
    return talent


# ---- the talent's machine: moves, leaving and returning -----------------------------------------

S = Talent.State
OFFICE = "office"


def _day(payload: dict) -> dt.date:
    today = clock.today()
    on = payload.get("on") or today
    on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
    if on > today:
        raise ValidationFailed("日期不能晚于今天", fields={"on": "晚于今天"})
    return on


def _close_job(talent: Talent, on: dt.date) -> Employment | None:
    job = Employment.objects.select_for_update().filter(talent=talent, end_on__isnull=True).first()
    if job is None:
        return None
    if on < job.start_on:
        raise ValidationFailed(
            f"日期不能早于在现单位的入职日期（{job.start_on}）", fields={"on": "早于入职日期"}
        )
    job.end_on = on
    job.save(update_fields=["end_on"])
    return job


def _start_job(talent: Talent, payload: dict, on: dt.date) -> dict:
    uscc, name = _employer(str(payload.get("uscc", "")))
    Employment.objects.create(talent=talent, uscc=uscc, enterprise_name=name, start_on=on)
    talent.employer_uscc, talent.employer_name = uscc, name
    return {"to": name, "on": on.isoformat()}


def _move(talent, actor, payload, today):
    on = _day(payload)
    if normalize(str(payload.get("uscc", ""))) == talent.employer_uscc:
        raise Conflict("新工作单位与现工作单位相同")
    job = _close_job(talent, on)
    return {"from": job.enterprise_name if job else "", **_start_job(talent, payload, on)}


def _leave(talent, actor, payload, today):
    on = _day(payload)
    job = _close_job(talent, on)
    talent.left_on, talent.employer_uscc, talent.employer_name = on, "", ""
    from .flats import flats_on_leaving  # flats imports this module

    moved = flats_on_leaving(actor=actor, talent=talent, on=on)
    flats = {"flat_applications": [a.pk for a in moved]} if moved else {}
    return {"from": job.enterprise_name if job else "", "on": on.isoformat(), **flats}


def _return(talent, actor, payload, today):
    on = _day(payload)
    if talent.left_on and on < talent.left_on:
        raise ValidationFailed("返区日期不能早于离区日期", fields={"on": "早于离区日期"})
    talent.left_on = None
    return _start_job(talent, payload, on)


def _employer_left(talent, actor, payload, today):
    """The employer moved out of the zone (subsidies.employer_leaves_zone): the job ends that day and
    the talent stays in the zone without a zone employer until they move to one."""
    on = _day(payload)
    job = _close_job(talent, on)
    talent.employer_uscc, talent.employer_name = "", ""
    return {"from": job.enterprise_name if job else "", "on": on.isoformat()}


TALENT_TRANSITIONS = [
    Transition("move", "变更工作单位", (S.IN_ZONE,), None, (OFFICE,), _move),
    Transition("employer_left", "工作单位迁出园区", (S.IN_ZONE,), None, (OFFICE,), _employer_left),
    Transition("leave", "离开园区", (S.IN_ZONE,), S.LEFT, (OFFICE,), _leave),
    Transition("return", "返回园区", (S.LEFT,), S.IN_ZONE, (OFFICE,), _return),
]
ROLE_NAMES = {OFFICE: gettext_lazy("人才办（政策专员）")}


def _may(role: str, user, obj) -> bool:
    return role == OFFICE and permissions.can_manage(user)


def _write_talent_event(step: Step) -> None:
    t = step.transition
    _event(step.obj, step.actor, t.action, t.label, step.before, step.obj.state, step.details)


TALENTS = Machine(
    name="talent",
    model=Talent,
    transitions=TALENT_TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, talent: Talent.objects.visible_to(actor).filter(pk=talent.pk).exists(),
    write_event=_write_talent_event,
    summary=lambda t: {"talent": t.pk},
    revision_field="revision",
    not_found="未找到该人才，或您无权查看",
    stale="该人才信息已被他人更新，请刷新后再操作",
    wrong_state="该人才当前为「{state}」，不能「{action}」",
)


def talent_act(*, actor, talent_id: int, action: str, revision: int | None = None, **payload) -> Talent:
    return TALENTS.run(actor=actor, action=action, pk=talent_id, payload=payload, revision=revision)


# ---- certification ------------------------------------------------------------------------------

C = Certification.State


def _renew(cert, actor, payload, today):
    return {"by_case": payload.get("case", "")}


def _revoke(cert, actor, payload, today):
    reason = str(payload.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤销理由", fields={"reason": "必填"})
    cert.reason = reason[:400]
    licence = Licence.objects.select_for_update().get(pk=cert.licence_id)
    if licence.state == Licence.State.VALID:
        licences.licence_revoke(actor=actor, licence=licence, reason=reason)
    return {"reason": cert.reason, "licence": licence.number}


CERT_TRANSITIONS = [
    Transition("renew", "续期", (C.CERTIFIED,), C.RENEWED, (OFFICE,), _renew),
    Transition("revoke", "撤销认定", (C.CERTIFIED,), C.REVOKED, (OFFICE,), _revoke),
]


def _write_cert_event(step: Step) -> None:
    t = step.transition
    details = {"certification": step.obj.pk, **step.details}
    _event(step.obj.talent, step.actor, f"cert_{t.action}", t.label, step.before, step.obj.state, details)


CERTIFICATIONS = Machine(
    name="talent_certification",
    model=Certification,
    transitions=CERT_TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, c: Certification.objects.visible_to(actor).filter(pk=c.pk).exists(),
    write_event=_write_cert_event,
    summary=lambda c: {"talent": c.talent_id, "tier": c.tier.code},
    select_related=("talent", "tier"),
    revision_field="revision",
    not_found="未找到该认定，或您无权查看",
    stale="该认定已被他人处理，请刷新后再操作",
    wrong_state="该认定当前为「{state}」，不能「{action}」",
)


def certification_revoke(*, actor, certification_id: int, reason: str, revision: int | None = None):
    return CERTIFICATIONS.run(
        actor=actor, action="revoke", pk=certification_id, payload={"reason": reason}, revision=revision
    )


@transaction.atomic
def certification_from_case(*, actor, case_number: str, tier_code: str) -> Certification:
    """Certify the applicant of an issued 人才认定 case into a tier whose criteria they meet. A talent
    already certified is renewed: the former certification moves to 已续期 and the new one is current."""
    _require_office(actor)
    case = Case.objects.select_related("item", "applicant").filter(number=case_number).first()
    if case is None or case.item.code != ITEM_CODE:
        raise NotFound("未找到该人才认定办件")
    if case.state not in (Case.State.ISSUED, Case.State.CLOSED):
        raise Conflict(f"办件当前为「{case.get_state_display()}」，出证后方可认定")
    licence = Licence.objects.filter(case=case, state=Licence.State.VALID).first()
    if licence is None:
        raise Conflict("该办件没有有效的认定证书")
    tier = Tier.objects.filter(code=tier_code.strip().upper()).first()
    if tier is None:
        raise ValidationFailed("没有该人才层次", fields={"tier": "不存在"})
    id_card = normalize(case.applicant.id_card or "")
    talent = Talent.objects.select_for_update().filter(id_card=id_card).first() if id_card else None
    if talent is None:
        raise Conflict("办件申请人尚未登记为人才")
    if talent.state != S.IN_ZONE:
        raise Conflict("该人才已离开园区，不能认定")
    if Certification.objects.filter(case=case).exists():
        raise Conflict("该办件已用于人才认定")
    unmet = unmet_criteria(talent, tier)
    if unmet:
        raise ValidationFailed(
            f"不符合「{tier.name}」的认定条件：" + "；".join(unmet), fields={"tier": "条件不符"}
        )
    current = Certification.objects.filter(talent=talent, state=C.CERTIFIED).first()
    if current is not None:
        CERTIFICATIONS.run(actor=actor, action="renew", pk=current.pk, payload={"case": case.number})
    valid_from = licence.valid_from
    valid_to = licence.valid_to or _add_years(valid_from, tier.valid_years) - dt.timedelta(days=1)
    cert = Certification.objects.create(
        talent=talent,
        tier=tier,
        case=case,
        licence=licence,
        valid_from=valid_from,
        valid_to=valid_to,
        certified_by=actor,
    )
    details = {
        "tier": tier.code,
        "case": case.number,
        "licence": licence.number,
        "renewal": current is not None,
    }
    _event(talent, actor, "certify", "认定", "", C.CERTIFIED, details)
    audit.record(actor=actor, action="talent_certification.certify", obj=cert, summary=details)
    return cert


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ---- the 人才认定 service item ------------------------------------------------------------------

MATERIALS = ["人才认定申请表", "学历学位证书", "职称证书", "劳动合同", "薪酬或个人所得税纳税证明", "获奖证明"]


def certification_item_publish(*, actor, department) -> ItemVersion:
    """Publish 人才认定 as a citizen's 承诺件 of the talent office's department; its licence is the
    certificate (人才认定证书)."""
    _require_office(actor)
    fields = {
        "code": ITEM_CODE,
        "name": "高新区人才认定",
        "implementing_code": f"RC{ITEM_CODE}",
        "item_type": ItemVersion.ItemType.CONFIRMATION,
        "legal_basis": "《高新区人才新政》",
        "department": department,
        "applicant_kind": ItemVersion.ApplicantKind.CITIZEN,
        "legal_days": 20,
        "committed_days": 10,
        "handling": ItemVersion.Handling.PROMISED,
        "conditions": "在园区登记企业工作、已登记为人才，并符合所申请人才层次的学历学位、职称、薪酬或奖项条件",
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
        "result_type": ItemVersion.ResultType.LICENCE,
        "result_name": "高新区人才认定证书",
        "licence_years": 3,
        "consultation": department.name,
        "complaint": "12345 政务服务便民热线",
        "form_fields": [{"name": "tier", "label": "申请层次", "required": True}],
    }
    materials = [
        {
            "order": i,
            "name": name,
            "required": i <= 2,
            "key": i <= 2,
            "commitment_allowed": False,
            "file_types": "pdf,jpg,png",
            "sample": "",
            "licence_item": "",
        }
        for i, name in enumerate(MATERIALS, start=1)
    ]
    stages = [{"order": 1, "name": "资格审查", "role": "reviewer", "days": 5, "departments": [department]}]
    return item_publish_on_behalf(actor=actor, fields=fields, materials=materials, stages=stages)


def check_certification_submission(version, applicant, identifier: str) -> None:
    """Registered with govservices: only a registered talent still in the zone applies for 人才认定."""
    if version.item.code != ITEM_CODE:
        return
    id_card = normalize(getattr(applicant, "id_card", "") or "")
    if not id_card or not Talent.objects.filter(id_card=id_card, state=S.IN_ZONE).exists():
        raise Conflict("申请人尚未登记为在区人才，请先由人才办登记后再申请人才认定")
