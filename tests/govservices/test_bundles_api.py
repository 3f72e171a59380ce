"""The bundle and project-track API: public guides, applying with one multipart upload, accepting at
the window, importing the bundle catalogue from Excel (all or nothing)."""

import io
import json

import pytest
from openpyxl import Workbook

from gaoxin.core import clock
from gaoxin.govservices.models import Bundle
from tests.govservices.builders import KAIBAN, kaiban_bundle
from tests.govservices.helpers import client_for, pdf

pytestmark = pytest.mark.django_db


def _post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


def test_apply_accept_and_follow_a_bundle_through_the_api(gz, client):
    kaiban_bundle(gz)
    guide = client.get("/api/v1/bundles/KBQY")
    assert guide.status_code == 200
    assert [m["item"] for m in guide.json()["members"]] == [m[0] for m in KAIBAN]
    assert client.get("/api/v1/bundles?q=开办").json()["items"][0]["code"] == "KBQY"

    ent = client_for(gz["p"]["ent"])
    r = ent.post(
        "/api/v1/bundle-cases",
        {
            "payload": json.dumps({"bundle": "KBQY", "data": {"ent_name": "示例科技有限公司"}}),
            "file_1": pdf(),
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["actions"] == ["withdraw"]

    r = _post(client_for(gz["p"]["clerk"]), f"/api/v1/bundle-cases/{number}/actions/accept", {"revision": 0})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "running" and all(m["case"] for m in body["members"])
    again = _post(
        client_for(gz["p"]["clerk"]), f"/api/v1/bundle-cases/{number}/actions/accept", {"revision": 0}
    )
    assert again.status_code == 409 and again.json()["message"]
    assert _post(ent, f"/api/v1/bundle-cases/{number}/actions/complete", {}).status_code == 404
    assert client_for(gz["p"]["ent2"]).get(f"/api/v1/bundle-cases/{number}").status_code == 404
    assert [b["number"] for b in ent.get("/api/v1/bundle-cases").json()["items"]] == [number]


def test_apply_with_bad_input_is_a_4xx(gz):
    kaiban_bundle(gz)
    ent = client_for(gz["p"]["ent"])
    r = _post(ent, "/api/v1/bundle-cases", {"bundle": "KBQY", "data": {"ent_name": "x"}})
    assert r.status_code == 422 and "营业执照或名称告知书" in r.json()["message"]
    assert _post(ent, "/api/v1/bundle-cases", {"bundle": "NOPE"}).status_code == 404
    r = _post(
        client_for(gz["p"]["admin"]),
        "/api/v1/bundles",
        {"code": "X", "name": "X", "committed_days": 1, "members": []},
    )
    assert r.status_code == 422


def _workbook(rows: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, data in rows.items():
        ws = wb.create_sheet(title)
        for row in data:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheets(material_target: str):
    codes = [m[0] for m in KAIBAN[:2]]
    return {
        "一件事": [
            ["一件事编码", "一件事名称", "办理方式", "承诺办结时限", "一次告知", "一表申请字段"],
            ["KYZ", "我要开药店", "并联办理", 5, "一次告知全部材料", "ent_name:企业名称"],
        ],
        "成员事项": [["一件事编码", "序号", "事项编码", "字段对应"]]
        + [["KYZ", n, c, "company:ent_name"] for n, c in enumerate(codes, 1)],
        "一套材料": [
            ["一件事编码", "序号", "材料名称", "必要", "文件类型", "对应事项材料"],
            ["KYZ", 1, "营业执照", "是", "pdf", material_target],
        ],
    }


def test_bundle_catalogue_import_all_or_nothing(gz):
    kaiban_bundle(gz)
    admin = client_for(gz["p"]["admin"])
    codes = [m[0] for m in KAIBAN[:2]]
    bad = _workbook(_sheets(f"{codes[0]}:1"))  # the second member's 营业执照 is not in the material set
    r = admin.post("/api/v1/bundle-catalogue/import", {"file": io.BytesIO(bad)})
    assert r.status_code == 422 and "未导入任何一件事" in r.json()["message"]
    assert any("未纳入一套材料" in v for v in r.json()["fields"].values())
    assert not Bundle.objects.filter(code="KYZ").exists()

    good = _workbook(_sheets(";".join(f"{c}:1" for c in codes)))
    f = io.BytesIO(good)
    f.name = "bundles.xlsx"
    r = admin.post("/api/v1/bundle-catalogue/import", {"file": f})
    assert r.status_code == 200, r.content
    assert r.json()["imported"] == ["KYZ"]
    b = Bundle.objects.get(code="KYZ")
    assert b.mode == "parallel" and b.committed_days == 5 and b.members.count() == 2
    f = io.BytesIO(good)
    f.name = "bundles.xlsx"
    assert client_for(gz["p"]["ent"]).post("/api/v1/bundle-catalogue/import", {"file": f}).status_code == 403


def test_project_track_through_the_api(gz):
    ent = client_for(gz["p"]["ent"])
    r = _post(
        ent,
        "/api/v1/project-tracks",
        {"name": "研发楼", "mode": "land_first", "commitment": True, "project_code": "ZS-9"},
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert [s["name"] for s in r.json()["stages"]] == [
        "立项用地规划许可",
        "工程建设许可",
        "施工许可",
        "竣工验收",
    ]
    r = _post(client_for(gz["p"]["clerk"]), f"/api/v1/project-tracks/{number}/actions/sign_land_contract", {})
    assert r.status_code == 200 and r.json()["land_contract_on"]
    again = _post(
        client_for(gz["p"]["clerk"]), f"/api/v1/project-tracks/{number}/actions/sign_land_contract", {}
    )
    assert again.status_code == 409
    # the land contract is recorded at the window, not by the construction unit
    assert _post(ent, f"/api/v1/project-tracks/{number}/actions/sign_land_contract", {}).status_code == 403
    assert client_for(gz["p"]["ent2"]).get(f"/api/v1/project-tracks/{number}").status_code == 404
    r = _post(ent, f"/api/v1/project-tracks/{number}/cases", {"case": "GX000", "stage": 1})
    assert r.status_code == 404


def test_bundle_pages_apply_accept_and_show_the_members(gz, client):
    kaiban_bundle(gz)
    assert "开办企业" in client.get("/services/bundles/").content.decode()
    guide = client.get("/services/bundles/KBQY/").content.decode()
    assert "一次告知" in guide and "住房公积金单位开户" in guide and 'name="file_1"' not in guide

    ent = client_for(gz["p"]["ent"])
    r = ent.post("/services/bundles/KBQY/", {"ent_name": ""})
    assert r.status_code == 422 and "请填写企业名称" in r.content.decode()
    r = ent.post("/services/bundles/KBQY/", {"ent_name": "示例科技有限公司", "file_1": pdf()})
    assert r.status_code == 302
    page = r["Location"]
    number = page.rstrip("/").rsplit("/", 1)[-1]
    clerk = client_for(gz["p"]["clerk"])
    r = clerk.post(f"/services/bundle-cases/{number}/act/accept/", {"revision": "0"})
    assert r.status_code == 302
    body = ent.get(page).content.decode()
    assert body.count("/services/cases/GX") == 5
    assert client_for(gz["p"]["ent2"]).get(page).status_code == 404


def test_track_page_shows_stages_and_offers_the_land_contract_at_the_window(gz):
    ent = client_for(gz["p"]["ent"])
    number = _post(
        ent, "/api/v1/project-tracks", {"name": "研发楼", "mode": "land_first", "commitment": True}
    ).json()["number"]
    page = f"/services/projects/{number}/"
    assert "竣工验收" in ent.get(page).content.decode()
    assert "sign_land_contract" not in ent.get(page).content.decode()
    clerk = client_for(gz["p"]["clerk"])
    assert "sign_land_contract" in clerk.get(page).content.decode()
    assert clerk.post(f"{page}act/sign_land_contract/", {"revision": "0"}).status_code == 302
    assert clock.today().isoformat() in clerk.get(page).content.decode()
    assert client_for(gz["p"]["ent2"]).get(page).status_code == 404
