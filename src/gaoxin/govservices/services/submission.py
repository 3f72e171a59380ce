"""Submission of cases (online, at any window, through an agent) and agents' authorisations."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import is_applicant, is_enterprise_user
from gaoxin.core import audit, calendar, clock
from gaoxin.core.errors import NotFound, PermissionDenied, ValidationFailed

from .. import permissions as perms
from ..hooks import run_submission_checks
from ..models import (
    AgentAuthorisation,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStage,
    ItemVersion,
    Licence,
    MaterialSpec,
    ServiceItem,
    StageDepartment,
    StageOpinion,
    StageSpec,
    SubmissionKey,
)
from ..selectors_hall import seat_of
from .common import actor_name
from .uploads import CheckedFile, check_material_file, files_removed_on_rollback, store_material_file

# 行政许可法 art. 32: what is missing is told at once or within five (working) days of receipt.
NOTICE_DAYS = 5


@dataclass(frozen=True)
class VersionSpecs:
    """What a published version asks of a submission: its materials and its review stages, each
    stage with the ids of the departments that give an opinion."""

    materials: tuple[MaterialSpec, ...]
    stages: tuple[tuple[StageSpec, tuple[int, ...]], ...]


_specs_cache: dict[tuple, VersionSpecs] = {}
_specs_lock = threading.Lock()


def version_specs(version: ItemVersion) -> VersionSpecs:
    """The version's materials and stages, read once per process for a published version (a published
    version never changes: an edit makes a new version). Drafts are read afresh every time."""
    key = (version.pk, version.item_id, version.number, version.published_at)
    published = version.status == ItemVersion.Status.PUBLISHED
    specs = _specs_cache.get(key) if published else None
    if specs is None:
        stages = list(version.stages.all())
        departments: dict[int, list[int]] = {s.pk: [] for s in stages}
        rows = StageDepartment.objects.filter(stage__in=stages).order_by("department__order", "department_id")
        for stage_id, department_id in rows.values_list("stage_id", "department_id") if stages else ():
            departments[stage_id].append(department_id)
        specs = VersionSpecs(
            materials=tuple(version.materials.all()),
            stages=tuple((s, tuple(departments[s.pk])) for s in stages),
        )
        if published:
            with _specs_lock:
                _specs_cache[key] = specs
    return specs


def _forget_specs(**kwargs) -> None:
    with _specs_lock:
        _specs_cache.clear()


for _model in (ItemVersion, MaterialSpec, StageSpec, StageDepartment):
    post_save.connect(_forget_specs, sender=_model, dispatch_uid=f"version_specs_{_model.__name__}_save")
    post_delete.connect(_forget_specs, sender=_model, dispatch_uid=f"version_specs_{_model.__name__}_delete")


def _next_case_id() -> RawSQL:
    """The id the next case will get, read in the same statement as its item, so the case number
    (which carries the id) goes into the INSERT. On PostgreSQL it draws from the id sequence: a
    submission refused afterwards leaves a gap, as a rolled-back INSERT always did. On SQLite the
    write transaction (BEGIN IMMEDIATE) holds every other writer off until the case is inserted."""
    table = Case._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL("nextval(pg_get_serial_sequence(%s, 'id'))", (table,))  # noqa: S611 (placeholders only)
    # The id column is AUTOINCREMENT: sqlite_sequence holds the highest id ever given.
    return RawSQL("COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0) + 1", (table,))  # noqa: S611


def _applicant_for(actor: User, applicant_username: str | None) -> User:
    if not applicant_username or applicant_username == actor.get_username():
        if not is_applicant(actor):
            raise ValidationFailed("请指明申请人账户", fields={"applicant": "必填"})
        return actor
    applicant = User.objects.filter(username=applicant_username).first()
    if applicant is None or not is_applicant(applicant):
        raise ValidationFailed("申请人账户不存在", fields={"applicant": "不存在"})
    return applicant


def case_submit(
    *,
    actor: User,
    item_code: str,
    data: dict | None = None,
    materials: dict | None = None,
    files: dict | None = None,
    commitment: bool = False,
    applicant: str | None = None,
    idempotency_key: str | None = None,
    kiosk: bool = False,
) -> tuple[Case, bool]:
    """Submit a case online, at a window, through an agent or at the self-service kiosk (the applicant
    itself, for a kiosk-capable item). Returns (case, created)."""
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = SubmissionKey.objects.filter(user=actor, key=key).select_related("case").first()
        if existing:
            return existing.case, False
    try:
        with files_removed_on_rollback(), transaction.atomic():
            case = _submit(
                actor, item_code, data or {}, materials or {}, files or {}, commitment, applicant, kiosk
            )
            if key:
                SubmissionKey.objects.create(user=actor, key=key, case=case)
    except IntegrityError:
        existing = (
            SubmissionKey.objects.filter(user=actor, key=key).select_related("case").first() if key else None
        )
        if existing is None:
            raise
        return existing.case, False
    return case, True


def _submit(actor, item_code, data, materials, files, commitment, applicant_username, kiosk=False) -> Case:
    item = (
        ServiceItem.objects.select_related("current__department")
        .filter(code=item_code, current__isnull=False)
        .annotate(next_case_id=_next_case_id())
        .first()
    )
    if item is None or item.current is None:
        raise NotFound("未找到该事项，或事项尚未发布")
    version: ItemVersion = item.current
    version.item = item  # what the submission checks read, without reading the item again
    specs = version_specs(version)
    applicant = _applicant_for(actor, applicant_username)
    if not perms.can_submit_for(actor, applicant):
        raise PermissionDenied("您无权代表该申请人提交；代办须有申请人的有效授权")
    kind = "enterprise" if is_enterprise_user(applicant) else "citizen"
    if version.applicant_kind not in (kind, ItemVersion.ApplicantKind.BOTH):
        raise ValidationFailed(f"本事项的服务对象为{version.get_applicant_kind_display()}")
    clean_data, errors = form_checked(version, data)
    if errors:
        raise ValidationFailed("申请表填写不完整：" + "；".join(errors.values()), fields=errors)
    if commitment and not version.allow_commitment:
        raise ValidationFailed("本事项不适用告知承诺制")
    run_submission_checks(version, applicant, applicant.enterprise_uscc or applicant.id_card or "")
    channel = Case.Channel.ONLINE
    if kiosk:
        if not item.kiosk:
            raise ValidationFailed("本事项不能在自助终端办理，请到窗口办理")
        if applicant.pk != actor.pk:
            raise PermissionDenied("自助终端只能办理本人（本企业）的事项")
        channel = Case.Channel.KIOSK
    elif perms.is_clerk(actor):
        channel = Case.Channel.WINDOW
    elif perms.is_agent(actor):
        channel = Case.Channel.AGENT
    seat = seat_of(actor) if channel == Case.Channel.WINDOW else None
    case_id = item.next_case_id
    case = Case.objects.create(
        id=case_id,
        number=case_number(case_id),
        item=item,
        version=version,
        department=version.department,
        applicant=applicant,
        enterprise_uscc=applicant.enterprise_uscc if kind == "enterprise" else "",
        applicant_name=applicant.enterprise_name if kind == "enterprise" else applicant.display_name,
        submitted_by=actor,
        agent=actor if channel == Case.Channel.AGENT else None,
        channel=channel,
        taken_at=actor.department if channel == Case.Channel.WINDOW else None,
        hall=seat.hall if seat else None,
        data=clean_data,
        commitment_signed=bool(commitment),
        submitted_at=clock.now(),
        notice_due_on=calendar.add_workdays(clock.today(), NOTICE_DAYS).deadline,
    )
    _attach_materials(case, version, specs, materials, files, commitment, applicant)
    _create_stages(case, specs)
    CaseEvent.objects.create(
        case=case,
        at=case.submitted_at,
        actor=actor,
        actor_name=actor_name(actor),
        action="submit",
        label={"online": "网上申请", "window": "窗口收件", "agent": "代办提交", "kiosk": "自助终端申请"}[
            channel
        ],
        to_state=case.state,
        details={
            "taken_at": actor.department.name if case.taken_at_id else "",
            **(
                {"hall": seat.hall.name, "window": seat.number, "city_wide": not seat.hall.in_zone}
                if seat
                else {}
            ),
            "routed_to": version.department.name,
        },
    )
    audit.record(
        actor=actor,
        action="case.submit",
        obj=case,
        summary={"number": case.number, "item": item.code, "channel": channel},
    )
    return case


def case_number(case_id: int) -> str:
    """GX, the date of submission and the case's id: unique, and readable over the phone."""
    return f"GX{clock.today():%Y%m%d}{case_id:07d}"


def form_checked(version: ItemVersion, data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The application form's values as stored, and what is wrong with them (field name → message)."""
    return fields_checked(version.form_fields, data)


def fields_checked(form_fields: list[dict], data: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Values of a form declared as [{name, label, required}] (an item's, a bundle's one form)."""
    clean_data, errors = {}, {}
    for f in form_fields:
        value = str(data.get(f["name"], "") or "").strip()[:500]
        if f.get("required") and not value:
            errors[f["name"]] = f"请填写{f['label']}"
        clean_data[f["name"]] = value
    return clean_data, errors


def _missing_materials(case, version, choices, files, commitment) -> None:
    """At a window the clerk checks the paper materials and tells what is missing (一次性告知) instead."""
    if case.channel == Case.Channel.WINDOW:
        return
    missing = materials_missing(version, choices, files, commitment)
    if missing:
        raise ValidationFailed("缺少必要的申请材料：" + "、".join(missing), fields=missing)


def materials_missing(version: ItemVersion, choices: dict, files, commitment: bool) -> dict[str, str]:
    """A required material must come with the submission (a file, a reused licence, or a commitment
    where the item allows one), unless the item accepts it later (容缺, a non-key material).
    `files` holds the orders (as strings) of the materials that come with a file."""
    missing = {}
    for spec in version_specs(version).materials:
        if not spec.required or str(spec.order) in files:
            continue
        choice = str(choices.get(str(spec.order), "") or "")
        if choice.startswith("licence:") and spec.licence_item:
            continue
        if commitment and spec.commitment_allowed and choice in ("", "commit"):
            continue
        if version.allow_deferral and not spec.key:
            continue
        missing[spec.name] = "必须提交" + ("（或签署告知承诺书替代）" if spec.commitment_allowed else "")
    return missing


def _attach_materials(case, version, specs: VersionSpecs, choices, files, commitment, applicant) -> None:
    materials = specs.materials
    # Every file is checked first (its problem is the first thing to tell), then what is missing,
    # and only then is anything stored.
    checked = {
        str(spec.order): check_material_file(spec, files[str(spec.order)])
        for spec in materials
        if str(spec.order) in files
    }
    _missing_materials(case, version, choices, files, commitment)
    rows: list[tuple[CaseMaterial, CheckedFile | None]] = []
    for spec in materials:
        m = CaseMaterial(case=case, spec=spec)
        choice = str(choices.get(str(spec.order), "") or "")
        upload = checked.get(str(spec.order))
        if upload is not None:
            rows.append((m, upload))
            continue
        if choice.startswith("licence:") and spec.licence_item:
            m.licence = _reusable_licence(applicant, spec, choice.removeprefix("licence:"))
            m.status = CaseMaterial.Status.LICENCE
        elif choice == "commit" or (commitment and spec.commitment_allowed and not choice):
            if not (commitment and spec.commitment_allowed):
                raise ValidationFailed(f"「{spec.name}」不能以告知承诺替代，或尚未签署承诺书")
            m.status = CaseMaterial.Status.COMMITTED
        rows.append((m, None))
    CaseMaterial.objects.bulk_create([m for m, upload in rows if upload is None])
    for m, upload in rows:
        if upload is not None:
            m.save()
            store_material_file(m, upload)


def _reusable_licence(applicant, spec: MaterialSpec, number: str) -> Licence:
    holder = applicant.enterprise_uscc or applicant.id_card or ""
    licence = Licence.objects.filter(number=number, holder_id=holder, item__code=spec.licence_item).first()
    if (
        licence is None
        or licence.state != Licence.State.VALID
        or (licence.valid_to and licence.valid_to < clock.today())
    ):
        raise ValidationFailed(
            f"「{spec.name}」引用的电子证照不存在、不属于申请人或已失效", fields={spec.name: "证照不可用"}
        )
    return licence


def _create_stages(case, specs: VersionSpecs) -> None:
    """Every stage of the version (one INSERT), then every department's opinion of every stage (one)."""
    if not specs.stages:
        return
    stages = CaseStage.objects.bulk_create(
        [CaseStage(case=case, spec=spec, order=spec.order, name=spec.name) for spec, _ in specs.stages]
    )
    StageOpinion.objects.bulk_create(
        [
            StageOpinion(stage=stage, department_id=d)
            for stage, (_, departments) in zip(stages, specs.stages, strict=True)
            for d in departments
        ]
    )


def agent_authorise(*, actor: User, agent: User, applicant: User, project: str = "", valid_until: dt.date):
    """The applicant (or a window clerk holding its signed authorisation) records an agent's mandate."""
    if not (perms.can_submit_for(actor, applicant) and not perms.is_agent(actor)):
        raise PermissionDenied("只有申请人本人或窗口受理员可以登记代办授权")
    if not perms.is_agent(agent):
        raise ValidationFailed("被授权人不是代办员", fields={"agent": "不是代办员"})
    with transaction.atomic():
        auth = AgentAuthorisation.objects.create(
            agent=agent,
            applicant=applicant,
            project=project[:120],
            granted_at=clock.now(),
            valid_until=valid_until,
        )
        audit.record(
            actor=actor,
            action="agent.authorise",
            obj=auth,
            summary={"agent": agent.username, "applicant": applicant.username, "project": project},
        )
    return auth
