"""好差评: one rating per case, a 差评 opens a rectification on the workflow machine, a late one raises
a card, an appeal voids a malicious rating, and the statistics count what was rated."""

import datetime as dt
import json
import threading

import pytest
from django.db import connection, connections

from gaoxin.core import calendar, clock
from gaoxin.core.errors import Conflict
from gaoxin.core.models import AuditEvent, Message
from gaoxin.govservices.models import Card, Rating, Rectification
from gaoxin.govservices.selectors import ratings_stats
from gaoxin.govservices.services.ratings import rating_submit, rectification_act
from gaoxin.govservices.services.supervision import cards_compute
from tests.factories import staff_user
from tests.govservices.helpers import act, client_for, pdf, submit

MONDAY = dt.date(2025, 3, 3)


def _issued(gz) -> str:
    """An instant item accepted and concluded on the spot."""
    number = submit(client_for(gz["p"]["ent"]), "000000000001", files={1: pdf()}).json()["number"]
    assert act(client_for(gz["p"]["clerk"]), number, "accept_instant").status_code == 200
    return number


def _rate(c, **body):
    return c.post("/api/v1/ratings", json.dumps(body), content_type="application/json")


@pytest.fixture
def head(gz):
    return staff_user("head", gz["d"]["approval"], ["leader"])


def test_applicant_rates_a_concluded_case_once(gz):
    number = _issued(gz)
    ent = client_for(gz["p"]["ent"])
    r = _rate(ent, case=number, level=5, comment="办事很快")
    assert r.status_code == 201, r.content
    assert r.json()["level_label"] == "非常满意" and r.json()["rectification"] is None
    again = _rate(ent, case=number, level=1)
    assert again.status_code == 409 and "已评价" in again.json()["message"]
    # another enterprise neither rates nor sees it
    other = client_for(gz["p"]["ent2"])
    assert _rate(other, case=number, level=1).status_code == 404
    assert other.get("/api/v1/ratings").json()["count"] == 0
    assert ent.get("/api/v1/ratings").json()["count"] == 1
    assert AuditEvent.objects.filter(action="rating.submit").count() == 1


def test_open_case_and_bad_level_are_refused(gz):
    ent = client_for(gz["p"]["ent"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    r = _rate(ent, case=number, level=4)
    assert r.status_code == 409 and "办结后方可评价" in r.json()["message"]
    assert _rate(ent, case=number, level=9).status_code == 422
    assert _rate(ent, level=3).status_code == 422
    assert Rating.objects.count() == 0


def test_bad_rating_is_called_back_and_rectified_in_time(gz, head):
    with clock.frozen(MONDAY):
        number = _issued(gz)
        rating = rating_submit(actor=gz["p"]["ent"], level=1, comment="窗口态度差", case_number=number)
        rect = Rectification.objects.get(rating=rating)
        assert rect.due_on == calendar.add_workdays(MONDAY, 5).deadline
        assert Message.objects.filter(recipient=head, kind="rating").exists()
        # real-name 差评 are all called back first
        with pytest.raises(Conflict, match="先回访"):
            rectification_act(actor=gz["p"]["approver"], pk=rect.pk, action="rectify", note="已整改")
        rectification_act(actor=gz["p"]["approver"], pk=rect.pk, action="callback", note="电话回访，说明情况")
        clock.travel(dt.timedelta(days=2))
        rect = rectification_act(
            actor=gz["p"]["approver"], pk=rect.pk, action="rectify", note="窗口人员已培训"
        )
    assert rect.state == "rectified" and not rect.late
    assert list(rect.events.values_list("action", flat=True)) == ["callback", "rectify"]
    assert Card.objects.count() == 0
    assert Message.objects.filter(recipient=gz["p"]["ent"], subject="您的差评已处理").exists()
    # someone outside the rated department may not handle it
    other = Rectification.objects.get(pk=rect.pk)
    assert other.state == "rectified"


def test_bad_rating_rectified_late_raises_a_card_once(gz, head):
    with clock.frozen(MONDAY):
        number = _issued(gz)
        rating = rating_submit(actor=gz["p"]["ent"], level=2, case_number=number)
        rect = rating.rectification
        rectification_act(actor=gz["p"]["approver"], pk=rect.pk, action="callback", note="已回访")
        clock.travel(rect.due_on + dt.timedelta(days=1))
        rect = rectification_act(actor=gz["p"]["approver"], pk=rect.pk, action="explain", note="依法不能办理")
        assert rect.late and rect.state == "explained"
        card = Card.objects.get()
        assert (card.kind, card.level, card.department_id) == (
            "rectification_late",
            "yellow",
            gz["d"]["approval"].pk,
        )
        assert Message.objects.filter(recipient=head, kind="card").count() == 1
        assert cards_compute()["rectification_late"] == 0
    assert Card.objects.count() == 1


def test_open_rectification_past_due_is_carded_by_the_periodic_run(gz):
    with clock.frozen(MONDAY):
        number = _issued(gz)
        rect = rating_submit(actor=gz["p"]["ent"], level=1, case_number=number).rectification
        assert cards_compute()["rectification_late"] == 0
        clock.travel(rect.due_on + dt.timedelta(days=1))
        assert cards_compute()["rectification_late"] == 1
        assert cards_compute()["rectification_late"] == 0
    assert Card.objects.filter(rectification=rect).count() == 1


def test_appeal_voids_a_malicious_rating_outside_the_department(gz, head):
    number = _issued(gz)
    rect = rating_submit(actor=gz["p"]["ent"], level=1, comment="乱评", case_number=number).rectification
    rectification_act(actor=gz["p"]["approver"], pk=rect.pk, action="appeal", note="评价人未办理本事项")
    # the rated department's own head does not decide its appeal
    c = client_for(head)
    r = c.post(
        f"/api/v1/rectifications/{rect.pk}/actions/uphold",
        json.dumps({"note": "x"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    r = client_for(gz["p"]["admin"]).post(
        f"/api/v1/rectifications/{rect.pk}/actions/uphold",
        json.dumps({"note": "复核属实"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["voided"] is True and r.json()["rectification"]["state"] == "voided"
    stats = ratings_stats(user=gz["p"]["admin"], period=(clock.today().year, None), by="")
    assert stats["total"]["ratings"] == 0


def test_rectification_action_errors(gz):
    number = _issued(gz)
    rect = rating_submit(actor=gz["p"]["ent"], level=1, case_number=number).rectification
    c = client_for(gz["p"]["approver"])
    url = f"/api/v1/rectifications/{rect.pk}/actions/"
    assert c.post(url + "callback", "{}", content_type="application/json").status_code == 422
    assert c.post(url + "fly", "{}", content_type="application/json").status_code == 404
    assert (
        c.post(url + "uphold", json.dumps({"note": "x"}), content_type="application/json").status_code == 409
    )
    stale = c.post(
        url + "callback", json.dumps({"note": "a", "revision": 7}), content_type="application/json"
    )
    assert stale.status_code == 409
    # the applicant sees its rating but does not handle the rectification
    r = client_for(gz["p"]["ent"]).post(
        url + "callback", json.dumps({"note": "a"}), content_type="application/json"
    )
    assert r.status_code == 403


def test_window_visit_and_statistics_by_department_item_window(gz):
    number = _issued(gz)
    rating_submit(actor=gz["p"]["ent"], level=4, case_number=number)
    rating_submit(actor=gz["p"]["clerk"], level=5, window="approval", channel="window")
    rating_submit(actor=gz["p"]["citizen"], level=2, window="housing")
    stats = ratings_stats(
        user=gz["p"]["admin"], period=(clock.today().year, clock.today().month), by="department"
    )
    assert stats["total"]["ratings"] == 3 and stats["total"]["bad"] == 1
    assert str(stats["total"]["good_rate"]) == "66.7"
    rows = {r["name"]: r for r in stats["rows"]}
    assert rows["行政审批局"]["ratings"] == 2 and rows["住房和城乡建设局"]["bad"] == 1
    by_item = ratings_stats(user=gz["p"]["admin"], period=(clock.today().year, None), by="item")
    assert [(r["name"], r["ratings"]) for r in by_item["rows"]] == [("企业名称自主申报", 1)]
    # an officer of one department counts its own ratings only
    mine = ratings_stats(user=gz["p"]["reviewer_housing"], period=(clock.today().year, None), by="")
    assert mine["total"]["ratings"] == 1
    page = client_for(gz["p"]["admin"]).get("/services/ratings/?by=window")
    assert page.status_code == 200 and "住房和城乡建设局" in page.content.decode()


def test_rating_page_form_refuses_bad_input_with_a_message(gz):
    c = client_for(gz["p"]["ent"])
    r = c.post("/services/ratings/new/", {"level": "7", "window": "approval"})
    assert r.status_code == 422 and "评价等级" in r.content.decode()
    r = c.post("/services/ratings/new/", {"level": "5", "window": "approval"})
    assert r.status_code == 302 and Rating.objects.count() == 1


def _race(gz, number, sequential: bool) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run(user, level):
        try:
            if not sequential:
                barrier.wait(timeout=10)
            rating_submit(actor=user, level=level, case_number=number)
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            if not sequential:
                connections.close_all()

    jobs = [(gz["p"]["ent"], 5), (gz["p"]["ent_op"], 1)]
    if sequential:
        for job in jobs:
            run(*job)
    else:
        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_two_ratings_of_one_case_at_once_one_wins(gz):
    number = _issued(gz)
    assert _race(gz, number, sequential=connection.vendor != "postgresql") == ["409", "ok"]
    assert Rating.objects.filter(case__number=number).count() == 1
