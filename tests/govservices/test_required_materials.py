"""Required materials at online submission (issue 9, #18): refused with the missing materials named,
unless the item accepts them later (容缺) or a signed commitment replaces them; the page keeps what
the applicant typed."""

import pytest

from gaoxin.govservices.models import Case
from tests.govservices.helpers import client_for, pdf, submit

pytestmark = pytest.mark.django_db


def test_a_submission_without_any_file_is_refused_naming_each_material(gz):
    r = submit(client_for(gz["p"]["ent"]), "000000000003")
    assert r.status_code == 422
    body = r.json()
    assert "申请书" in body["message"] and body["fields"] == {"申请书": "必须提交"}
    assert Case.objects.count() == 0


def test_only_the_missing_key_materials_are_named(gz):
    # item 2 allows 容缺 for its non-key 场所平面图; 营业执照 is key
    r = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf()})
    assert r.status_code == 422
    assert "营业执照" in r.json()["message"] and "场所平面图" not in r.json()["message"]
    assert set(r.json()["fields"]) == {"营业执照"}


def test_a_deferrable_material_may_follow(gz):
    r = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 3: pdf()})
    assert r.status_code == 201, r.json()
    statuses = {m["order"]: m["status"] for m in r.json()["materials"]}
    assert statuses == {1: "provided", 2: "missing", 3: "provided"}


def test_a_commitment_replaces_the_materials_it_may_replace(gz):
    ent = client_for(gz["p"]["ent"])
    r = submit(ent, "000000000004", files={1: pdf()})
    assert r.status_code == 422 and set(r.json()["fields"]) == {"场所使用证明", "专职人员资格证明"}
    assert "告知承诺" in r.json()["fields"]["场所使用证明"]
    r = submit(ent, "000000000004", files={1: pdf()}, commitment=True)
    assert r.status_code == 201, r.json()
    assert {m["order"]: m["status"] for m in r.json()["materials"]} == {
        1: "provided",
        2: "committed",
        3: "committed",
    }
    # a commitment never replaces the application form itself
    r = submit(ent, "000000000004", files={}, commitment=True)
    assert r.status_code == 422 and set(r.json()["fields"]) == {"申请书"}


def test_an_agent_submitting_online_is_held_to_the_same_rule(gz):
    import datetime as dt

    from gaoxin.govservices.services.submission import agent_authorise

    p = gz["p"]
    agent_authorise(actor=p["ent"], agent=p["agent"], applicant=p["ent"], valid_until=dt.date(2099, 1, 1))
    r = submit(client_for(p["agent"]), "000000000003", applicant="ent")
    assert r.status_code == 422 and "申请书" in r.json()["message"]


def test_the_window_takes_paper_and_tells_what_is_missing(gz):
    r = submit(client_for(gz["p"]["clerk"]), "000000000003", applicant="ent")
    assert r.status_code == 201 and r.json()["channel"] == "window"


def test_the_page_refuses_and_keeps_what_was_typed(gz):
    c = client_for(gz["p"]["ent"])
    r = c.post(
        "/services/items/000000000004/apply/",
        {"project": "人力资源服务＜新区＞分支", "commitment": "on", "file_2": pdf()},
    )
    page = r.content.decode()
    assert r.status_code == 200 and Case.objects.count() == 0
    assert "缺少必要的申请材料：申请书" in page
    assert 'value="人力资源服务＜新区＞分支"' in page
    assert 'id="commitment" checked' in page
    assert '<small class="error">必须提交</small>' in page


def test_the_page_keeps_a_refused_form_value_escaped(gz):
    c = client_for(gz["p"]["ent"])
    r = c.post("/services/items/000000000003/apply/", {"project": '"><b>x</b>'})
    page = r.content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in page and "<b>x</b>" not in page
