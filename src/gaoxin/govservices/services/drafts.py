"""Applications filled in steps (申请草稿): form → materials → commitment → preview → confirm.

A draft belongs to the person who started it, one per item; its files are kept in the storage of case
materials until the draft is submitted (they become the case's materials) or deleted. Checks are those
of the one-shot submission (`submission.form_checked`, `submission.materials_missing`, the upload
checks), so a draft that passes the preview is a submission that passes."""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import is_applicant
from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, DomainError, NotFound, ValidationFailed

from ..models import ApplicationDraft, ApplicationDraftFile, Case, ItemVersion, ServiceItem, SubmissionKey
from .submission import case_submit, form_checked, materials_missing
from .uploads import check_material_file, files_removed_on_rollback, store_file

Step = ApplicationDraft.Step
COMMITMENT_FIELD = "commitment"


def steps_for(version: ItemVersion) -> list[str]:
    """The steps of an item's application; the commitment step only where the item allows 告知承诺."""
    steps = [Step.FORM, Step.MATERIALS]
    if version.allow_commitment:
        steps.append(Step.COMMITMENT)
    return [str(s) for s in [*steps, Step.PREVIEW]]


def draft_get(*, user: User, code: str) -> ApplicationDraft | None:
    """The user's own draft for an item, if there is one."""
    return (
        ApplicationDraft.objects.visible_to(user)
        .filter(item__code=code)
        .select_related("item")
        .prefetch_related("files")
        .first()
    )


def draft_list(*, user: User):
    return ApplicationDraft.objects.visible_to(user).select_related("item__current")


def _version(code: str) -> tuple[ServiceItem, ItemVersion]:
    item = ServiceItem.objects.select_related("current").filter(code=code).first()
    if item is None or item.current is None:
        raise NotFound("未找到该事项，或事项尚未发布")
    return item, item.current


def _by_token(user: User, token: str, *, lock: bool = False) -> ApplicationDraft | None:
    try:
        value = uuid.UUID(str(token))
    except ValueError:
        return None
    qs = ApplicationDraft.objects.visible_to(user).filter(token=value)
    return (qs.select_for_update() if lock else qs).first()


def draft_save(
    *,
    actor: User,
    code: str,
    step: str,
    data: dict | None = None,
    choices: dict | None = None,
    commitment: bool | None = None,
    applicant: str | None = None,
    files: dict | None = None,
    remove: list[str] | None = None,
    move: int = 0,
) -> DraftSaved:
    """Keep what was entered on one step (whatever is still missing: that is told, not refused) and the
    files chosen. Only what a step shows is passed in; None leaves the saved value as it is.
    `move` +1 goes on to the next step when nothing on this one is missing or refused; -1 goes back."""
    item, version = _version(code)
    if step not in steps_for(version):
        raise ValidationFailed("没有这一步", fields={"step": "无效"})
    now = clock.now()
    try:
        with transaction.atomic():
            draft, created = ApplicationDraft.objects.select_for_update().get_or_create(
                owner=actor, item=item, defaults={"created_at": now, "updated_at": now}
            )
    except IntegrityError as exc:  # the same draft started at the same moment in another tab
        raise Conflict("草稿正在另一个窗口中保存，请刷新后再试") from exc
    with transaction.atomic():
        draft = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
        if data is not None:
            clean, _ = form_checked(version, data)
            draft.data = clean
        if choices is not None:
            draft.choices = {
                order: value
                for order, value in choices.items()
                if isinstance(value, str) and value.startswith("licence:")
            }
        if commitment is not None:
            draft.commitment = commitment and version.allow_commitment
        if applicant is not None:
            draft.applicant = applicant.strip()[:150]
        draft.step, draft.updated_at = step, now
        draft.save()
        gone = _remove_files(draft, remove or [])
        audit.record(
            actor=actor,
            action="draft.create" if created else "draft.save",
            obj=draft,
            summary={"item": item.code, "step": step},
        )
    _delete_stored(gone)
    problems = {}
    for spec in version.materials.all():
        upload = (files or {}).get(str(spec.order))
        if upload is None:
            continue
        try:
            _attach(draft, spec, upload)
        except DomainError as exc:
            problems[spec.name] = exc.fields.get(spec.name) or exc.message
    missing = draft_missing(draft, version)
    steps = steps_for(version)
    at = steps.index(step)
    blocked = move > 0 and bool(problems or missing.get(step))
    if move and not blocked:
        draft.step = steps[min(max(at + move, 0), len(steps) - 1)]
        draft.save(update_fields=["step"])
    return DraftSaved(draft, problems, missing, blocked)


@dataclass(frozen=True)
class DraftSaved:
    draft: ApplicationDraft
    refused: dict[str, str]  # material name → why its file was refused
    missing: dict[str, dict[str, str]]  # step → field or material name → what is missing
    blocked: bool  # asked to go on, but this step still misses something


def _attach(draft: ApplicationDraft, spec, upload) -> None:
    """Store one material's file with the draft (replacing the one kept before): the same checks as a
    submission's files; a refused or failed file leaves nothing behind."""
    checked = check_material_file(spec, upload)
    with files_removed_on_rollback(), transaction.atomic():
        gone = _remove_files(draft, [str(spec.order)])
        row = ApplicationDraftFile(
            draft=draft,
            order=spec.order,
            original_name=checked.name,
            content_type=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
        )
        store_file(row.file, f"draft-{draft.token.hex[:12]}-{spec.order}.{checked.kind}", checked.content)
        row.save()
    _delete_stored(gone)


def _remove_files(draft: ApplicationDraft, orders: list[str]) -> list:
    rows = list(draft.files.filter(order__in=[int(o) for o in orders if str(o).isdigit()]))
    for row in rows:
        row.delete()
    return [(row.file.storage, row.file.name) for row in rows]


def _delete_stored(stored: list) -> None:
    for storage, name in stored:
        with suppress(OSError):
            storage.delete(name)


def draft_missing(draft: ApplicationDraft, version: ItemVersion) -> dict[str, dict[str, str]]:
    """What is still missing, step by step (field name or material name → Chinese message)."""
    _, form = form_checked(version, draft.data)
    if draft.applicant == "" and not is_applicant(draft.owner):
        form["applicant"] = "请填写申请人账户"
    with_file = {str(f.order) for f in draft.files.all()}
    missing = {Step.FORM: form}
    # On the materials step a material that a commitment may replace is not yet missing: the next
    # step asks for the commitment instead.
    missing[Step.MATERIALS] = materials_missing(version, draft.choices, with_file, version.allow_commitment)
    if version.allow_commitment:
        uncovered = materials_missing(version, draft.choices, with_file, draft.commitment)
        replaceable = [name for name in uncovered if name not in missing[Step.MATERIALS]]
        missing[Step.COMMITMENT] = (
            {COMMITMENT_FIELD: "未上传「" + "」「".join(replaceable) + "」，须签署告知承诺书以承诺替代"}
            if replaceable
            else {}
        )
    return {str(k): v for k, v in missing.items()}


def draft_submit(*, actor: User, code: str, token: str) -> Case:
    """Submit the draft as a case, in one transaction with the removal of the draft. A refused
    submission leaves the draft as it was and writes nothing; a second submit of the same draft is a
    conflict naming the case the first one created."""
    key = f"draft:{token}"[:80]
    stored = []
    with files_removed_on_rollback(), transaction.atomic():
        draft = _by_token(actor, token, lock=True)
        if draft is None or draft.item.code != code:
            done = SubmissionKey.objects.filter(user=actor, key=key).select_related("case").first()
            if done is not None:
                raise Conflict(f"该草稿已经提交，办件编号 {done.case.number}，请勿重复提交")
            raise NotFound("未找到该草稿，可能已删除")
        rows = list(draft.files.all())
        files = {}
        for row in rows:
            with row.file.open("rb") as fh:
                files[str(row.order)] = SimpleUploadedFile(row.original_name, fh.read())
        try:
            case, created = case_submit(
                actor=actor,
                item_code=code,
                data=draft.data,
                materials=draft.choices,
                files=files,
                commitment=draft.commitment,
                applicant=draft.applicant or None,
                idempotency_key=key,
            )
        except IntegrityError as exc:
            raise Conflict("该草稿正在提交，请勿重复提交") from exc
        if not created:
            raise Conflict(f"该草稿已经提交，办件编号 {case.number}，请勿重复提交")
        stored = [(row.file.storage, row.file.name) for row in rows]
        audit.record(actor=actor, action="draft.submit", obj=draft, summary={"case": case.number})
        draft.delete()
        transaction.on_commit(lambda: _delete_stored(stored))
    return case


def draft_delete(*, actor: User, token: str) -> None:
    """The owner throws a draft away, with its files."""
    with transaction.atomic():
        draft = _by_token(actor, token, lock=True)
        if draft is None:
            raise NotFound("未找到该草稿，可能已删除")
        stored = [(row.file.storage, row.file.name) for row in draft.files.all()]
        audit.record(actor=actor, action="draft.delete", obj=draft, summary={"item": draft.item.code})
        draft.delete()
        transaction.on_commit(lambda: _delete_stored(stored))
