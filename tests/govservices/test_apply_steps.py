"""Applying in steps (issue 10): form → materials → commitment → preview → confirm, a draft saved and
resumed by its owner only, what is missing named at the field, one case per draft."""

from pathlib import Path

import pytest
from django.conf import settings

from gaoxin.core import audit
from gaoxin.core.errors import Conflict
from gaoxin.govservices.models import ApplicationDraft, ApplicationDraftFile, Case, CaseMaterial
from tests.govservices.helpers import client_for, pdf

pytestmark = pytest.mark.django_db

COMMIT_ITEM = "000000000004"  # 申请书; 场所使用证明 and 专职人员资格证明 may be replaced by a commitment
PLAIN_ITEM = "000000000003"  # 申请书 only, no commitment step


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def url(code, step=""):
    return f"/services/items/{code}/apply/" + (f"?step={step}" if step else "")


def post_step(c, code, step, action, **fields):
    return c.post(url(code), {"step": step, "action": action, **fields})


def token_of(user, code):
    return str(ApplicationDraft.objects.get(owner=user, item__code=code).token)


def filled_draft(c, code, *, commitment=False):
    assert post_step(c, code, "form", "next", project="智能装备项目").status_code == 302
    r = post_step(c, code, "materials", "next", file_1=pdf("申请书.pdf"))
    assert r.status_code == 302, r.content.decode()
    if commitment:
        assert post_step(c, code, "commitment", "next", commitment="on").status_code == 302


def test_the_steps_lead_from_the_form_to_the_preview_with_an_indicator(gz):
    c = client_for(gz["p"]["ent"])
    page = c.get(url(COMMIT_ITEM, "form")).content.decode()
    assert page.count("<li") >= 4 and 'aria-current="step"' in page
    for label in ("填写申请表", "上传材料", "告知承诺", "预览确认", "保存草稿", "下一步"):
        assert label in page
    r = post_step(c, COMMIT_ITEM, "form", "next", project="智能装备项目")
    assert r.status_code == 302 and r["Location"].endswith("?step=materials")
    r = post_step(c, COMMIT_ITEM, "materials", "next", file_1=pdf("申请书.pdf"))
    assert r["Location"].endswith("?step=commitment")
    r = post_step(c, COMMIT_ITEM, "commitment", "next", commitment="on")
    assert r["Location"].endswith("?step=preview")
    preview = c.get(url(COMMIT_ITEM, "preview")).content.decode()
    assert "智能装备项目" in preview and "申请书.pdf" in preview and "承诺替代" in preview
    assert "确认提交" in preview and "提交前还需补齐" not in preview
    r = post_step(c, COMMIT_ITEM, "commitment", "prev", commitment="on")
    assert r["Location"].endswith("?step=materials")


def test_an_item_without_commitment_has_no_commitment_step(gz):
    c = client_for(gz["p"]["ent"])
    assert "告知承诺" not in c.get(url(PLAIN_ITEM, "form")).content.decode()
    post_step(c, PLAIN_ITEM, "form", "next", project="甲")
    r = post_step(c, PLAIN_ITEM, "materials", "next", file_1=pdf())
    assert r["Location"].endswith("?step=preview")


def test_what_is_missing_is_named_at_the_field_and_the_step_does_not_advance(gz):
    c = client_for(gz["p"]["ent"])
    r = post_step(c, COMMIT_ITEM, "form", "next", project="  ")
    assert r.status_code == 422
    assert '<small class="error" id="e_project">请填写项目名称</small>' in r.content.decode()
    post_step(c, COMMIT_ITEM, "form", "next", project="甲")
    r = post_step(c, COMMIT_ITEM, "materials", "next")
    assert r.status_code == 422 and "e_m1" in r.content.decode() and "必须提交" in r.content.decode()
    # the materials a commitment may replace are asked for on the commitment step, not here
    assert 'id="e_m2"' not in r.content.decode()
    post_step(c, COMMIT_ITEM, "materials", "next", file_1=pdf())
    r = post_step(c, COMMIT_ITEM, "commitment", "next")
    body = r.content.decode()
    assert r.status_code == 422 and 'id="e_commitment"' in body and "场所使用证明" in body
    preview = c.get(url(COMMIT_ITEM, "preview")).content.decode()
    assert "提交前还需补齐" in preview and "场所使用证明" in preview


def test_a_bad_file_is_refused_by_name_and_the_typed_values_are_kept(gz):
    c = client_for(gz["p"]["ent"])
    post_step(c, COMMIT_ITEM, "form", "next", project="智能装备项目")
    before = stored_files()
    r = post_step(c, COMMIT_ITEM, "materials", "next", file_1=pdf("scan.pdf", b"MZ not a pdf"))
    assert r.status_code == 422
    assert "文件内容与类型不符" in r.content.decode() and 'id="e_m1"' in r.content.decode()
    assert stored_files() == before and not ApplicationDraftFile.objects.exists()
    r = post_step(c, COMMIT_ITEM, "form", "next", project="")
    assert r.status_code == 422
    # an empty required field on save is kept as typed, the other values remain
    c.post(url(COMMIT_ITEM), {"step": "form", "action": "save", "project": "新名称"})
    assert 'value="新名称"' in c.get(url(COMMIT_ITEM, "form")).content.decode()


def test_a_saved_draft_is_resumed_after_signing_in_again(gz):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    r = post_step(c, COMMIT_ITEM, "form", "save", project="智能装备项目")
    assert r.status_code == 302 and r["Location"].endswith("?step=form")
    post_step(c, COMMIT_ITEM, "form", "next", project="智能装备项目")
    post_step(c, COMMIT_ITEM, "materials", "save", file_2=pdf("场所.pdf"))
    c.logout()
    again = client_for(ent)
    cases = again.get("/services/cases/").content.decode()
    assert "未提交的草稿" in cases and "人力资源服务许可" in cases and "继续填写" in cases
    assert f"{url(COMMIT_ITEM)}?step=materials" in cases
    page = again.get(url(COMMIT_ITEM, "materials")).content.decode()
    assert "场所.pdf" in page
    assert 'value="智能装备项目"' in again.get(url(COMMIT_ITEM, "form")).content.decode()
    assert ApplicationDraft.objects.filter(owner=ent).count() == 1


def test_a_draft_is_seen_by_its_owner_only(gz):
    p = gz["p"]
    owner = client_for(p["ent"])
    post_step(owner, COMMIT_ITEM, "form", "save", project="保密项目")
    token = token_of(p["ent"], COMMIT_ITEM)
    # a colleague of the same enterprise, another enterprise and a clerk see no trace of it
    for name in ("ent_op", "ent2", "clerk"):
        c = client_for(p[name])
        assert "保密项目" not in c.get(url(COMMIT_ITEM, "form")).content.decode()
        assert "未提交的草稿" not in c.get("/services/cases/").content.decode()
        assert (
            c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token}).status_code
            == 404
        )
        assert c.post(url(COMMIT_ITEM), {"action": "delete", "token": token}).status_code == 404
    assert ApplicationDraft.objects.filter(token=token).exists() and not Case.objects.exists()


def test_submit_creates_one_case_and_removes_the_draft_and_its_files(gz, django_capture_on_commit_callbacks):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    filled_draft(c, COMMIT_ITEM, commitment=True)
    token = token_of(ent, COMMIT_ITEM)
    draft_files = stored_files()
    assert len(draft_files) == 1
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token})
    assert r.status_code == 302
    case = Case.objects.get()
    assert r["Location"] == f"/services/cases/{case.number}/"
    assert case.data == {"project": "智能装备项目"} and case.commitment_signed
    statuses = {m.spec.order: m.status for m in case.materials.select_related("spec")}
    assert statuses == {1: "provided", 2: "committed", 3: "committed"}
    material = case.materials.get(spec__order=1)
    assert material.original_name == "申请书.pdf" and material.file.read().startswith(b"%PDF-")
    assert not ApplicationDraft.objects.exists() and not ApplicationDraftFile.objects.exists()
    assert stored_files() == {material.file.name}
    # the same draft submitted again (a second tab, a double click): one case, a clear conflict
    again = c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token})
    assert again.status_code == 409
    assert "已经提交" in again.content.decode() and case.number in again.content.decode()
    assert Case.objects.count() == 1


def test_a_refused_submit_keeps_the_draft_and_writes_nothing(gz):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    filled_draft(c, COMMIT_ITEM)  # no commitment: two materials are still missing
    token = token_of(ent, COMMIT_ITEM)
    files_before = stored_files()
    r = c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token})
    assert r.status_code == 422
    assert "缺少必要的申请材料" in r.content.decode() and "场所使用证明" in r.content.decode()
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert ApplicationDraftFile.objects.filter(draft__token=token).count() == 1
    assert stored_files() == files_before


def test_a_submit_failing_half_way_leaves_no_case_no_file_and_the_draft_intact(gz, monkeypatch):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    filled_draft(c, COMMIT_ITEM, commitment=True)
    token = token_of(ent, COMMIT_ITEM)
    files_before = stored_files()
    real = audit.record

    def record(**kwargs):
        if kwargs.get("action") == "draft.submit":
            raise Conflict("办件已被他人处理，请刷新后再操作")
        return real(**kwargs)

    monkeypatch.setattr(audit, "record", record)
    r = c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token})
    assert r.status_code == 409
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert ApplicationDraft.objects.filter(token=token).exists()
    assert stored_files() == files_before
    monkeypatch.setattr(audit, "record", real)
    assert (
        c.post(url(COMMIT_ITEM), {"step": "preview", "action": "submit", "token": token}).status_code == 302
    )
    assert Case.objects.count() == 1


def test_the_owner_deletes_a_draft_with_its_files(gz, django_capture_on_commit_callbacks):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    filled_draft(c, PLAIN_ITEM)
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(url(PLAIN_ITEM), {"action": "delete", "token": token_of(ent, PLAIN_ITEM)})
    assert r.status_code == 302 and r["Location"] == "/services/cases/"
    assert not ApplicationDraft.objects.exists() and stored_files() == set()
    assert "未提交的草稿" not in c.get("/services/cases/").content.decode()


def test_a_replaced_or_removed_file_leaves_nothing_behind(gz):
    ent = gz["p"]["ent"]
    c = client_for(ent)
    filled_draft(c, PLAIN_ITEM)
    first = stored_files()
    post_step(c, PLAIN_ITEM, "materials", "save", file_1=pdf("第二版.pdf"))
    assert len(stored_files()) == 1 and stored_files() != first
    assert ApplicationDraftFile.objects.get().original_name == "第二版.pdf"
    post_step(c, PLAIN_ITEM, "materials", "save", remove="1")
    assert stored_files() == set() and not ApplicationDraftFile.objects.exists()


def test_the_one_shot_form_still_submits_and_offers_the_steps(gz):
    c = client_for(gz["p"]["ent"])
    page = c.get(url(PLAIN_ITEM)).content.decode()
    assert "分步填写" in page and "提交申请" in page
    r = c.post(url(PLAIN_ITEM), {"project": "甲", "file_1": pdf(), "idempotency_key": "k1"})
    assert r.status_code == 302 and Case.objects.count() == 1
