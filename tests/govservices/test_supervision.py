"""电子监察: cards for overdue stages and cases, refusals without a legal basis, late results; raised
once per cause, on the event and by the periodic run; resolved by the department head."""

import datetime as dt
import json

import pytest

from gaoxin.core import clock
from gaoxin.core.models import AuditEvent, Message
from gaoxin.govservices.models import Card, Case
from gaoxin.govservices.services.supervision import cards_compute
from tests.factories import staff_user
from tests.govservices.helpers import act, client_for, pdf, submit

MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def head(gz):
    return staff_user("head", gz["d"]["approval"], ["leader"])


def _accepted(gz) -> str:
    number = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()[
        "number"
    ]
    assert act(client_for(gz["p"]["clerk"]), number, "accept").status_code == 200
    return number


def test_overdue_stage_and_case_get_a_yellow_and_a_red_card_once(gz, head):
    with clock.frozen(MONDAY):
        number = _accepted(gz)
        assert sum(cards_compute().values()) == 0
        case = Case.objects.get(number=number)
        clock.travel(case.due_on + dt.timedelta(days=1))
        counts = cards_compute()
        assert counts["stage_overdue"] == 1 and counts["case_overdue"] == 1
        assert sum(cards_compute().values()) == 0  # idempotent
    cards = {c.kind: c for c in Card.objects.filter(case__number=number)}
    assert cards["stage_overdue"].level == "yellow" and cards["stage_overdue"].escalated_to == "head"
    assert cards["case_overdue"].level == "red" and cards["case_overdue"].escalated_to == "leader"
    assert Message.objects.filter(recipient=head, kind="card").count() == 2
    assert AuditEvent.objects.filter(action="card.raise").count() == 2


def test_refusal_without_a_legal_basis_is_carded_at_once(gz):
    clerk = client_for(gz["p"]["clerk"])
    ent = client_for(gz["p"]["ent"])
    a = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    b = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    assert act(clerk, a, "reject", reason="材料不全").status_code == 200
    assert (
        act(
            clerk, b, "reject", reason="不符合《中华人民共和国行政许可法》第三十二条规定的受理条件"
        ).status_code
        == 200
    )
    assert list(Card.objects.values_list("kind", "case__number")) == [("refusal_no_basis", a)]
    assert cards_compute()["refusal_no_basis"] == 0


def test_result_issued_after_the_committed_deadline_is_carded(gz):
    with clock.frozen(MONDAY):
        number = _accepted(gz)
        assert act(client_for(gz["p"]["reviewer"]), number, "review", verdict="agree").status_code == 200
        approver = client_for(gz["p"]["approver"])
        assert act(approver, number, "approve").status_code == 200
        case = Case.objects.get(number=number)
        clock.travel(case.due_on + dt.timedelta(days=3))
        assert act(approver, number, "issue").status_code == 200
    card = Card.objects.get(kind="stamped_late")
    assert card.case.number == number and card.level == "yellow"


def test_head_resolves_a_card_others_cannot(gz, head):
    with clock.frozen(MONDAY):
        number = _accepted(gz)
        clock.travel(dt.timedelta(days=30))
        cards_compute()
    card = Card.objects.get(kind="case_overdue", case__number=number)
    url = f"/api/v1/supervision/cards/{card.pk}/resolve"
    body = json.dumps({"resolution": "已督办，限期办结"})
    assert client_for(gz["p"]["clerk"]).post(url, body, content_type="application/json").status_code == 403
    assert client_for(gz["p"]["ent"]).post(url, body, content_type="application/json").status_code == 404
    assert client_for(head).post(url, "{}", content_type="application/json").status_code == 422
    r = client_for(head).post(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    assert client_for(head).post(url, body, content_type="application/json").status_code == 409
    assert AuditEvent.objects.filter(action="card.resolve").count() == 1
    # the applicant sees no card; the supervision page lists it as resolved
    assert client_for(gz["p"]["ent"]).get("/api/v1/supervision/cards").json()["count"] == 0
    page = client_for(head).get("/services/supervision/?state=resolved")
    assert "已督办，限期办结" in page.content.decode()


def test_leader_home_shows_open_red_cards(gz, head):
    with clock.frozen(MONDAY):
        _accepted(gz)
        clock.travel(dt.timedelta(days=30))
        cards_compute()
    from gaoxin.govservices.home import cards

    labels = {c["label"]: c["value"] for c in cards(head)}
    assert labels.get("电子监察红牌") == 1 and labels.get("电子监察黄牌") == 1


def test_result_by_post_records_the_tracking_number(gz):
    number = submit(client_for(gz["p"]["ent"]), "000000000001", files={1: pdf()}).json()["number"]
    clerk = client_for(gz["p"]["clerk"])
    assert act(clerk, number, "accept_instant").status_code == 200
    assert act(clerk, number, "post_result", tracking="坏").status_code == 422
    r = act(clerk, number, "post_result", tracking="SF1234567890")
    assert r.status_code == 200 and r.json()["post_tracking"] == "SF1234567890"
    assert act(clerk, number, "post_result", tracking="SF999999999").status_code == 409
    assert Message.objects.filter(subject__contains="已邮寄", body__contains="SF1234567890").exists()


def test_daily_command_raises_what_time_causes(gz):
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(MONDAY):
        _accepted(gz)
        clock.travel(dt.timedelta(days=30))
        out = StringIO()
        call_command("supervision_cards", stdout=out)
        call_command("supervision_cards", stdout=StringIO())
    assert Card.objects.count() == 2 and "case_overdue 1" in out.getvalue()
