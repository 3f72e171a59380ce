"""一件事 bundles: the bundle catalogue, applying once (一表申请, 一套材料), accepting once (一窗受理)
and following the member cases to one result notice.

A bundle is a way of running ordinary cases: acceptance submits and accepts each member case on the
case engine (in parallel, or the next one when the one before has its result), and a case listener
(`member_case_moved`) completes the bundle case when its last member case ends. The bundle case has
its own small machine on the workflow primitive (BUNDLES)."""

from __future__ import annotations

import io

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import is_enterprise_user
from gaoxin.core import audit, calendar, clock
from gaoxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions as perms
from ..hooks import run_submission_checks
from ..models import (
    Bundle,
    BundleCase,
    BundleCaseFile,
    BundleCaseMember,
    BundleEvent,
    BundleMaterial,
    BundleMember,
    Case,
    ItemVersion,
    Licence,
    ServiceItem,
)
from .common import actor_name, light_for, text
from .submission import _applicant_for, case_submit, fields_checked
from .uploads import check_upload, files_removed_on_rollback, store_file

BS = BundleCase.State
CS = Case.State
FINISHED = (CS.ISSUED, CS.CLOSED, CS.DENIED, CS.NOT_ACCEPTED, CS.WITHDRAWN, CS.REVOKED)
WITH_RESULT = (CS.ISSUED, CS.CLOSED)
NOT_STARTED = "前序事项未办成，本事项未启动"


# ---- the catalogue ----------------------------------------------------------------------------------


def _check_editor(actor) -> None:
    if not perms.can_edit_catalogue(actor):
        raise PermissionDenied("只有审批人或系统管理员可以维护一件事目录")


def _form_fields(raw) -> list[dict]:
    if not isinstance(raw, list):
        raise ValidationFailed("一表申请字段格式不正确", fields={"form_fields": "应为列表"})
    out, seen = [], set()
    for f in raw:
        name = str((f or {}).get("name", "")) if isinstance(f, dict) else ""
        if not name.isidentifier() or name in seen:
            raise ValidationFailed("一表申请字段名应为字母数字且不重复", fields={"form_fields": name or "空"})
        seen.add(name)
        out.append(
            {"name": name, "label": text(f.get("label") or name, 60), "required": bool(f.get("required"))}
        )
    return out


def bundle_save(*, actor, fields: dict, members: list[dict], materials: list[dict]) -> Bundle:
    """Create or update a bundle: its members (item codes in order, each with its field mapping) and
    the one material set. Refused whole when a member's required field or material is not covered."""
    _check_editor(actor)
    with transaction.atomic():
        return _save(actor, fields, members, materials)


def _save(actor, fields: dict, members: list[dict], materials: list[dict]) -> Bundle:
    code, name = text(fields.get("code"), 20).strip(), text(fields.get("name"), 120).strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "请填写一件事编码"
    if not name:
        errors["name"] = "请填写一件事名称"
    mode = fields.get("mode") or Bundle.Mode.PARALLEL
    if mode not in Bundle.Mode.values:
        errors["mode"] = "办理方式应为并联办理或按序办理"
    try:
        days = int(str(fields.get("committed_days")))
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 3650:
        errors["committed_days"] = "承诺办结时限应为 0 至 3650 个工作日"
    if errors:
        raise ValidationFailed("一件事填写有误：" + "；".join(errors.values()), fields=errors)
    form = _form_fields(fields.get("form_fields") or [])
    form_names = {f["name"] for f in form}
    if len(members) < 2:
        raise ValidationFailed("一件事至少包含两个事项", fields={"members": "至少两个"})
    resolved: list[tuple[int, ServiceItem, dict]] = []
    problems: list[str] = []
    for n, m in enumerate(members, start=1):
        item = ServiceItem.objects.select_related("current").filter(code=text(m.get("item"), 12)).first()
        if item is None or item.current is None:
            problems.append(f"事项 {m.get('item')} 不存在或尚未发布")
            continue
        fmap = {str(k): str(v) for k, v in (m.get("field_map") or {}).items()}
        for target, source in fmap.items():
            if source not in form_names:
                problems.append(f"「{item.name}」的字段 {target} 对应的 {source} 不在一表申请中")
        for f in item.current.form_fields:
            if f.get("required") and fmap.get(f["name"], f["name"]) not in form_names:
                problems.append(f"「{item.name}」的必填字段「{f['label']}」在一表申请中没有对应")
        resolved.append((int(m.get("order") or n), item, fmap))
    kinds = {i.current.applicant_kind for _, i, _ in resolved if i.current} - {ItemVersion.ApplicantKind.BOTH}
    if len(kinds) > 1:
        problems.append("成员事项的服务对象不一致（法人事项与自然人事项不能合为一件事）")
    codes = [i.code for _, i, _ in resolved]
    if len(set(codes)) != len(codes):
        problems.append("成员事项重复")
    if len({o for o, _, _ in resolved}) != len(resolved):
        problems.append("成员事项序号重复")
    covered: set[tuple[str, int]] = set()
    clean_materials = []
    for n, mat in enumerate(materials, start=1):
        targets = []
        for t in mat.get("targets") or []:
            key = (text(t.get("item"), 12), int(t.get("material") or 0))
            if key[0] not in codes:
                problems.append(f"材料「{mat.get('name')}」对应的事项 {key[0]} 不是成员事项")
            targets.append({"item": key[0], "material": key[1]})
            covered.add(key)
        clean_materials.append(
            {
                "order": int(mat.get("order") or n),
                "name": text(mat.get("name"), 120) or f"材料{n}",
                "required": bool(mat.get("required", True)),
                "file_types": text(mat.get("file_types") or "pdf,jpg,png", 40),
                "targets": targets,
            }
        )
    for _, item, _ in resolved:
        assert item.current is not None
        for spec in item.current.materials.all():
            if spec.required and (item.code, spec.order) not in covered:
                problems.append(f"「{item.name}」的必要材料「{spec.name}」未纳入一套材料")
    if problems:
        raise ValidationFailed(
            "一件事不能保存：" + "；".join(problems[:20]), fields={"members": "；".join(problems)}
        )
    bundle, created = Bundle.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "mode": mode,
            "guide": text(fields.get("guide"), 4000),
            "committed_days": days,
            "form_fields": form,
            "active": bool(fields.get("active", True)),
            "updated_at": clock.now(),
        },
    )
    try:
        with transaction.atomic():
            bundle.members.exclude(order__in=[o for o, _, _ in resolved]).delete()
            bundle.materials.exclude(order__in=[m["order"] for m in clean_materials]).delete()
    except Exception as exc:  # a member or material some bundle case already refers to (PROTECT)
        raise Conflict("已有申请用到的成员事项或材料不能删除，请停用本一件事后另建") from exc
    # Members keep their rows when reordered: move them out of the way of the unique order first.
    bundle.members.update(order=F("order") + 1000)
    for order, item, fmap in resolved:
        BundleMember.objects.update_or_create(
            bundle=bundle, item=item, defaults={"order": order, "field_map": fmap}
        )
    for m in clean_materials:
        BundleMaterial.objects.update_or_create(bundle=bundle, order=m["order"], defaults=m)
    audit.record(
        actor=actor,
        action="bundle.save",
        obj=bundle,
        summary={"code": code, "created": created, "members": codes, "materials": len(clean_materials)},
    )
    return bundle


# ---- applying --------------------------------------------------------------------------------------


def bundle_apply(
    *,
    actor: User,
    code: str,
    data: dict | None = None,
    files: dict | None = None,
    applicant: str | None = None,
) -> BundleCase:
    """一表申请 and 一套材料: one form and one upload per shared material, checked against every member
    item before anything is stored."""
    bundle = Bundle.objects.filter(code=text(code, 20), active=True).first()
    if bundle is None:
        raise NotFound("未找到该一件事，或已停用")
    person = _applicant_for(actor, applicant)
    if not perms.can_submit_for(actor, person):
        raise PermissionDenied("您无权代表该申请人提交；代办须有申请人的有效授权")
    kind = "enterprise" if is_enterprise_user(person) else "citizen"
    members = list(bundle.members.select_related("item__current"))
    for m in members:
        version = m.item.current
        if version is None:
            raise Conflict(f"成员事项「{m.item.name}」已下线，暂不能申请")
        if version.applicant_kind not in (kind, ItemVersion.ApplicantKind.BOTH):
            raise ValidationFailed(f"「{m.item.name}」的服务对象为{version.get_applicant_kind_display()}")
    clean, errors = fields_checked(bundle.form_fields, data or {})
    if errors:
        raise ValidationFailed("申请表填写不完整：" + "；".join(errors.values()), fields=errors)
    files = files or {}
    specs = list(bundle.materials.all())
    checked = {
        s.order: check_upload(files[str(s.order)], allowed=s.types, label=s.name)
        for s in specs
        if str(s.order) in files
    }
    missing = {s.name: "必须提交" for s in specs if s.required and s.order not in checked}
    if missing:
        raise ValidationFailed("缺少必要的申请材料：" + "、".join(missing), fields=missing)
    with files_removed_on_rollback(), transaction.atomic():
        for m in members:
            run_submission_checks(m.item.current, person, person.enterprise_uscc or person.id_card or "")
        bc = BundleCase.objects.create(
            number=f"TMP{clock.now():%H%M%S%f}{actor.pk}",
            bundle=bundle,
            applicant=person,
            enterprise_uscc=person.enterprise_uscc if kind == "enterprise" else "",
            applicant_name=person.enterprise_name if kind == "enterprise" else person.display_name,
            submitted_by=actor,
            data=clean,
            submitted_at=clock.now(),
        )
        bc.number = f"YJS{clock.today():%Y%m%d}{bc.pk:07d}"
        bc.save(update_fields=["number"])
        BundleCaseMember.objects.bulk_create(
            [BundleCaseMember(bundle_case=bc, member=m, order=m.order) for m in members]
        )
        for s in specs:
            c = checked.get(s.order)
            if c is None:
                continue
            row = BundleCaseFile(
                bundle_case=bc,
                material=s,
                original_name=c.name,
                content_type=c.kind,
                size=c.size,
                sha256=c.sha256,
            )
            store_file(row.file, f"{bc.number}-{s.order}-{c.sha256[:12]}.{c.kind}", c.content)
            row.save()
        BundleEvent.objects.create(
            bundle_case=bc,
            at=bc.submitted_at,
            actor_name=actor_name(actor),
            action="submit",
            label="一表申请",
            to_state=bc.state,
            details={"members": [m.item.name for m in members], "files": len(checked)},
        )
        audit.record(
            actor=actor,
            action="bundle_case.submit",
            obj=bc,
            summary={"number": bc.number, "bundle": bundle.code},
        )
    return bc


# ---- the bundle case machine --------------------------------------------------------------------------


def _member_data(bc: BundleCase, member: BundleMember) -> dict:
    version = member.item.current
    assert version is not None
    return {
        f["name"]: bc.data.get(member.field_map.get(f["name"], f["name"]), "") for f in version.form_fields
    }


def _member_files(bc: BundleCase, member: BundleMember) -> dict:
    """The files of the one material set that this member item asks for, by its material order."""
    out = {}
    for f in bc.files.select_related("material"):
        for t in f.material.targets:
            if t["item"] == member.item.code:
                with f.file.open("rb") as fh:
                    copy = io.BytesIO(fh.read())
                copy.name = f.original_name
                out[str(t["material"])] = copy
    return out


def _start_member(bc: BundleCase, row: BundleCaseMember, actor) -> Case:
    """Submit and accept one member case at the window that accepted the bundle, routed to the item's
    department by the case engine."""
    from .cases import case_act

    member = row.member
    case, _ = case_submit(
        actor=actor,
        item_code=member.item.code,
        data=_member_data(bc, member),
        files=_member_files(bc, member),
        applicant=bc.applicant.get_username(),
    )
    row.case = case
    row.save(update_fields=["case"])
    action = "accept_instant" if case.version.is_instant else "accept"
    return case_act(actor=actor, number=case.number, action=action)


def _accept(bc: BundleCase, user, payload, on):
    bc.accepted_by, bc.accepted_on = user, on
    due = calendar.add_workdays(on, bc.bundle.committed_days)
    bc.due_on, bc.due_certain = due.deadline, due.certain
    rows = list(bc.members.select_related("member__item__current"))
    if bc.bundle.mode == Bundle.Mode.SEQUENTIAL:
        rows = rows[:1]
    started = []
    for row in rows:
        case = _start_member(bc, row, user)
        started.append(case.number)
    return {"started": started, "due_on": bc.due_on.isoformat()}


def _reject(bc, user, payload, on):
    reason = text(payload.get("reason"), 2000).strip()
    if not reason:
        raise ValidationFailed("请填写不予受理的理由", fields={"reason": "必填"})
    bc.reason = reason
    return {"reason": reason}


def _withdraw(bc, user, payload, on):
    bc.reason = text(payload.get("reason") or "申请人撤回", 2000)
    return {}


def _results(bc: BundleCase, moving: Case | None = None) -> list[dict]:
    out = []
    for row in bc.members.select_related("case", "member__item"):
        case = moving if moving is not None and row.case_id == moving.pk else row.case
        licence = (
            Licence.objects.filter(case_id=case.pk).values_list("number", flat=True).first() if case else None
        )
        out.append(
            {
                "item": row.member.item.name,
                "case": case.number if case else "",
                "state": case.state if case else "",
                "state_label": str(case.get_state_display()) if case else row.problem,
                "licence": licence or "",
            }
        )
    return out


def _all_finished(bc: BundleCase, moving: Case | None = None) -> bool:
    for row in bc.members.select_related("case"):
        case = moving if moving is not None and row.case_id == moving.pk else row.case
        if case is None and not row.problem:
            return False
        if case is not None and case.state not in FINISHED:
            return False
    return True


def _complete(bc: BundleCase, user, payload, on):
    moving = payload.get("moving")
    if not _all_finished(bc, moving):
        raise Conflict("成员事项尚未全部办结")
    results = _results(bc, moving)
    done = [r for r in results if r["state"] in WITH_RESULT]
    bc.finished_at = clock.now()
    bc.notice = {
        "at": bc.finished_at.isoformat(),
        "text": f"您申请的「{bc.bundle.name}」已全部办结：{len(done)} 项办成，共 {len(results)} 项。",
        "results": results,
    }
    return {"done": len(done), "of": len(results)}


def _after(step: Step) -> None:
    bc = step.obj
    if step.transition.action == "accept" and _all_finished(bc):
        # Every member case was handled on the spot (即办件): the bundle ends at its acceptance.
        bc.state = BS.DONE
        step.details.update(_complete(bc, step.actor, {}, step.today))
    bc.light = light_for(bc.due_on, step.today) if bc.is_open else ""


def _write_event(step: Step) -> None:
    BundleEvent.objects.create(
        bundle_case=step.obj,
        at=clock.now(),
        actor_name=actor_name(step.actor),
        action=step.transition.action,
        label=step.transition.label,
        from_state=step.before,
        to_state=step.obj.state,
        details={k: v for k, v in step.details.items()},
    )


def _visible(user, bc: BundleCase) -> bool:
    return BundleCase.objects.visible_to(user).filter(pk=bc.pk).exists()


def _may(role: str, user, bc: BundleCase) -> bool:
    if role == "clerk":
        return perms.is_clerk(user)
    if role == "applicant":
        if bc.enterprise_uscc:
            return is_enterprise_user(user) and user.enterprise_uscc == bc.enterprise_uscc
        return user.pk == bc.applicant_id
    # "member": whoever ended the last member case; the effect checks that all have ended.
    return role == "member"


TRANSITIONS = [
    Transition("accept", "一窗受理", (BS.SUBMITTED,), BS.RUNNING, ("clerk",), _accept),
    Transition("reject", "不予受理", (BS.SUBMITTED,), BS.NOT_ACCEPTED, ("clerk",), _reject),
    Transition("withdraw", "撤回申请", (BS.SUBMITTED,), BS.WITHDRAWN, ("applicant",), _withdraw),
    Transition("complete", "办结通知", (BS.RUNNING,), BS.DONE, ("member",), _complete),
]
USER_ACTIONS = ("accept", "reject", "withdraw")
BUNDLES = Machine(
    name="bundle_case",
    model=BundleCase,
    transitions=TRANSITIONS,
    role_names={
        "clerk": gettext_lazy("窗口受理员"),
        "applicant": gettext_lazy("申请人"),
        "member": gettext_lazy("成员事项承办人"),
    },
    may=_may,
    visible=_visible,
    write_event=_write_event,
    summary=lambda bc: {"number": bc.number},
    after=_after,
    select_related=("bundle", "applicant"),
    revision_field="revision",
    not_found="未找到该一件事办件，或您无权查看",
    stale="该一件事已被他人处理，请刷新后再操作",
    wrong_state="一件事办件当前为「{state}」，不能「{action}」",
)


def bundle_case_act(
    *, actor: User, number: str, action: str, payload: dict | None = None, revision: int | None = None
) -> BundleCase:
    if action not in USER_ACTIONS:
        raise NotFound(f"没有名为 {text(action, 30)} 的操作")
    with files_removed_on_rollback():
        return BUNDLES.run(
            actor=actor,
            action=action,
            lookup={"number": text(number, 20)},
            payload=payload,
            revision=revision,
        )


def available_actions(*, user, bundle_case: BundleCase) -> list[Transition]:
    return [t for t in BUNDLES.available(user=user, obj=bundle_case) if t.action in USER_ACTIONS]


# ---- following the member cases ------------------------------------------------------------------


def member_case_moved(step: Step) -> None:
    """Case listener: when a member case ends, start the next one (按序办理) or, when it was the last,
    send the bundle's one result notice."""
    case = step.obj
    if case.state not in FINISHED or step.before in FINISHED:
        return
    row = BundleCaseMember.objects.filter(case_id=case.pk).select_related("member__item__current").first()
    if row is None:
        return
    # The lock query stays plain (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    BundleCase.objects.select_for_update().filter(pk=row.bundle_case_id).values_list("pk").first()
    bc = BundleCase.objects.select_related("bundle", "applicant", "accepted_by").get(pk=row.bundle_case_id)
    if bc.state != BS.RUNNING:
        return  # still being accepted (即办件 handled on the spot) or already ended
    if bc.bundle.mode == Bundle.Mode.SEQUENTIAL:
        rest = list(
            bc.members.filter(order__gt=row.order, case__isnull=True, problem="").select_related(
                "member__item__current"
            )
        )
        if rest and case.state in WITH_RESULT:
            try:
                with transaction.atomic():
                    _start_member(bc, rest[0], bc.accepted_by)
            except DomainError as exc:
                rest[0].problem = text(f"未能自动受理：{exc.message}", 300)
                rest[0].save(update_fields=["problem"])
        elif rest:
            BundleCaseMember.objects.filter(pk__in=[r.pk for r in rest]).update(problem=NOT_STARTED)
    if BundleCase.objects.filter(pk=bc.pk, state=BS.RUNNING).exists() and _all_finished(bc, case):
        BUNDLES.run(actor=step.actor, action="complete", pk=bc.pk, payload={"moving": case})
