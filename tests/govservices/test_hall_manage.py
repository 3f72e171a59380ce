"""Managing the service hall over the API: halls and windows created and edited by the system
administrators only, every edit checked against the revision the editor saw (a stale one is 409),
bad input answered in Chinese with nothing written, and the items a 专项窗口 takes checked against
the catalogue."""

import json

import pytest
from django.test import Client

from gaoxin.core.models import AuditEvent
from gaoxin.govservices.models import Hall, Window
from gaoxin.govservices.services import hall
from tests.govservices.helpers import client_for

API = "/api/v1"


def _send(c: Client, method: str, url: str, body: dict):
    return getattr(c, method)(f"{API}{url}", json.dumps(body), content_type="application/json")


def _chinese(r) -> str:
    message = r.json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


@pytest.fixture
def mz(gz):
    gz["hall"] = hall.hall_save(
        actor=gz["p"]["admin"], code="gxq", name="高新区政务服务中心", district="高新区"
    )
    gz["admin"] = client_for(gz["p"]["admin"])
    return gz


HALL = {
    "code": "east",
    "name": "东区便民服务中心",
    "district": "高新区",
    "slot_minutes": 20,
    "slot_capacity": 3,
}


def test_an_administrator_creates_and_edits_a_hall(mz):
    admin = mz["admin"]
    r = _send(admin, "post", "/halls", HALL)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["code"], body["slot_minutes"], body["revision"], body["windows"]) == ("east", 20, 0, [])
    assert _send(admin, "post", "/halls", HALL).status_code == 409  # the code is taken
    edit = {
        "name": "东区政务服务分中心",
        "district": "高新区",
        "in_zone": False,
        "slot_capacity": 5,
        "revision": 0,
    }
    r = _send(admin, "put", "/halls/east", edit)
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["in_zone"], r.json()["revision"]) == ("东区政务服务分中心", False, 1)
    stale = _send(admin, "put", "/halls/east", {**edit, "name": "旧名", "revision": 0})
    assert stale.status_code == 409 and "已被他人修改" in _chinese(stale)
    assert Hall.objects.get(code="east").name == "东区政务服务分中心"
    assert AuditEvent.objects.filter(action="hall.save").count() == 3  # the fixture's hall, create, edit
    assert _send(admin, "put", "/halls/nowhere", edit).status_code == 404


@pytest.mark.parametrize("who", ["clerk", "ent", "citizen", "reviewer"])
def test_no_one_but_an_administrator_manages_halls_and_windows(mz, who):
    c = client_for(mz["p"][who])
    assert _send(c, "post", "/halls", HALL).status_code == 403
    r = _send(c, "put", "/halls/gxq", {"name": "改名", "district": "高新区", "revision": 0})
    assert r.status_code == 403 and "系统管理员" in _chinese(r)
    assert c.get(f"{API}/halls/gxq/windows").status_code == 403
    window = {"number": "1", "department": "approval"}
    assert _send(c, "post", "/halls/gxq/windows", window).status_code == 403
    assert _send(c, "put", "/halls/gxq/windows/1", {**window, "revision": 0}).status_code == 403
    assert Hall.objects.get(code="gxq").name == "高新区政务服务中心" and not Window.objects.exists()


def test_anonymous_callers_are_refused(mz):
    c = Client()
    assert _send(c, "post", "/halls", HALL).status_code == 401
    assert c.get(f"{API}/halls/gxq/windows").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({**HALL, "code": "东区"}, "code"),
        ({**HALL, "name": ""}, "name"),
        ({**HALL, "slot_minutes": 5}, "slot_minutes"),
        ({**HALL, "slot_capacity": 0}, "slot_capacity"),
        ({**HALL, "name": "名" * 61}, "name"),
    ],
)
def test_a_bad_hall_is_a_422_in_chinese_and_nothing_is_written(mz, body, field):
    r = _send(mz["admin"], "post", "/halls", body)
    assert r.status_code == 422 and field in r.json()["fields"]
    _chinese(r)
    assert not Hall.objects.filter(code="east").exists()


def test_windows_general_and_special_with_items_checked_against_the_catalogue(mz):
    admin = mz["admin"]
    r = _send(admin, "post", "/halls/gxq/windows", {"number": "1", "department": "approval"})
    assert r.status_code == 201, r.content
    assert (r.json()["kind_name"], r.json()["any_item"], r.json()["items"]) == ("综合窗口", True, [])
    special = {"number": "7", "kind": "special", "department": "housing", "items": ["000000000002"]}
    r = _send(admin, "post", "/halls/gxq/windows", special)
    assert r.status_code == 201, r.content
    assert (r.json()["any_item"], r.json()["items"], r.json()["department"]) == (
        False,
        ["000000000002"],
        "housing",
    )
    assert _send(admin, "post", "/halls/gxq/windows", special).status_code == 409  # number taken

    # The items of a special window: unknown codes named, none at all refused.
    r = _send(
        admin,
        "put",
        "/halls/gxq/windows/7",
        {**special, "items": ["000000000002", "999999999999"], "revision": 0},
    )
    assert r.status_code == 422 and "999999999999" in _chinese(r) and "items" in r.json()["fields"]
    r = _send(admin, "put", "/halls/gxq/windows/7", {**special, "items": [], "revision": 0})
    assert r.status_code == 422 and "至少" in _chinese(r)
    assert list(Window.objects.get(number="7").items.values_list("code", flat=True)) == ["000000000002"]
    r = _send(admin, "put", "/halls/gxq/windows/7", {**special, "department": "nosuch", "revision": 0})
    assert r.status_code == 422 and "部门" in _chinese(r)

    both = ["000000000002", "000000000003"]
    r = _send(admin, "put", "/halls/gxq/windows/7", {**special, "items": both, "revision": 0})
    assert r.status_code == 200 and r.json()["items"] == both and r.json()["revision"] == 1
    stale = _send(
        admin, "put", "/halls/gxq/windows/7", {**special, "items": [], "kind": "general", "revision": 0}
    )
    assert stale.status_code == 409 and "已被他人修改" in _chinese(stale)
    assert Window.objects.get(number="7").kind == "special"
    assert _send(admin, "put", "/halls/gxq/windows/99", {**special, "revision": 0}).status_code == 404

    listed = admin.get(f"{API}/halls/gxq/windows").json()["items"]
    assert [w["number"] for w in listed] == ["1", "7"]


def test_a_closed_window_leaves_the_public_list_and_its_clerk_loses_the_seat(mz):
    admin, p = mz["admin"], mz["p"]
    _send(admin, "post", "/halls/gxq/windows", {"number": "1", "department": "approval"})
    hall.window_sit(actor=p["clerk"], hall_code="gxq", number="1")
    r = _send(
        admin, "put", "/halls/gxq/windows/1", {"department": "approval", "active": False, "revision": 0}
    )
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["seated"] is False
    clerk = client_for(p["clerk"])
    public = clerk.get(f"{API}/halls").json()["items"][0]
    assert public["windows"] == []
    assert [w["active"] for w in admin.get(f"{API}/halls/gxq/windows").json()["items"]] == [False]
    r = _send(clerk, "post", "/halls/gxq/seat", {"window": "1"})
    assert r.status_code == 404
    assert AuditEvent.objects.filter(action="window.save", summary__active=False).count() == 1


# ---- the management page ------------------------------------------------------------------------------


def test_the_management_page_adds_a_window_with_items_and_refuses_a_stale_edit(mz):
    admin = mz["admin"]
    page = admin.get("/services/hall/manage/")
    assert page.status_code == 200 and "高新区政务服务中心" in page.content.decode()
    assert "大厅与窗口管理" in admin.get("/services/hall/").content.decode()
    h = mz["hall"]
    form = {
        "form": f"n{h.pk}",
        f"n{h.pk}-number": "8",
        f"n{h.pk}-kind": "special",
        f"n{h.pk}-department": "housing",
        f"n{h.pk}-items": "000000000002\n000000000003",
        f"n{h.pk}-active": "on",
    }
    r = admin.post("/services/hall/manage/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    w = Window.objects.get(hall=h, number="8")
    assert sorted(w.items.values_list("code", flat=True)) == ["000000000002", "000000000003"]
    assert "8号窗口" in admin.get("/services/hall/manage/").content.decode()
    # An unknown item code is named on the form, and nothing is written.
    bad = admin.post(
        "/services/hall/manage/", {**form, f"n{h.pk}-number": "9", f"n{h.pk}-items": "999999999999"}
    )
    assert bad.status_code == 422 and "999999999999" in bad.content.decode()
    assert not Window.objects.filter(number="9").exists()
    # A stale edit of the window: someone saved it in between.
    edit = {
        "form": f"w{w.pk}",
        f"w{w.pk}-kind": "general",
        f"w{w.pk}-department": "approval",
        f"w{w.pk}-active": "on",
        f"w{w.pk}-revision": "0",
    }
    assert admin.post("/services/hall/manage/", edit).status_code == 302
    stale = admin.post("/services/hall/manage/", {**edit, f"w{w.pk}-department": "housing"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert Window.objects.get(pk=w.pk).department.code == "approval"


@pytest.mark.parametrize("who", ["clerk", "ent", "citizen"])
def test_the_management_page_is_for_administrators_only(mz, who):
    c = client_for(mz["p"][who])
    assert c.get("/services/hall/manage/").status_code == 404
    r = c.post(
        "/services/hall/manage/", {"form": "new", "new-code": "x", "new-name": "x", "new-district": "x"}
    )
    assert r.status_code == 404 and not Hall.objects.filter(code="x").exists()
    assert "大厅与窗口管理" not in c.get("/services/hall/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_administrators_editing_one_window_from_the_same_revision_one_wins(gz):
    """Both saw revision 0: the row lock orders them, the second finds revision 1 and gets 409. On
    SQLite (one writer) the two run one after the other, which is the same race decided."""
    import threading

    from django.db import connection, connections

    from gaoxin.core.errors import Conflict
    from tests.factories import staff_user

    admin = gz["p"]["admin"]
    admin2 = staff_user("admin2", gz["d"]["approval"], ["system_admin"])
    h = hall.hall_save(actor=admin, code="gxq", name="高新区政务服务中心", district="高新区")
    hall.window_save(actor=admin, hall=h, number="1", department=gz["d"]["approval"])
    results: list[str] = []
    parallel = connection.vendor == "postgresql"
    barrier = threading.Barrier(2)

    def run(user, department):
        try:
            if parallel:
                barrier.wait(timeout=10)
            hall.window_save(actor=user, hall=h, number="1", department=department, revision=0)
            results.append("ok")
        except Conflict as exc:
            results.append(exc.message)
        finally:
            if parallel:
                connections.close_all()

    jobs = [(admin, gz["d"]["housing"]), (admin2, gz["d"]["land"])]
    if parallel:
        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for job in jobs:
            run(*job)
    assert sorted(results) == ["ok", "该窗口已被他人修改，请刷新后再保存"]
    window = Window.objects.get(hall=h, number="1")
    assert window.revision == 1 and window.department.code in {"housing", "land"}
    assert AuditEvent.objects.filter(action="window.save").count() == 2  # the set-up and the winner
