"""The outbox: the site message at once, e-mail and SMS after commit, a failing channel retried with
backoff until delivered (or given up), each delivery's state visible to the recipient."""

import datetime as dt
import json

from django.core import mail
from django.test import override_settings

from gaoxin.core import clock
from gaoxin.core.models import Delivery
from gaoxin.core.notify import BACKOFF_SECONDS, MAX_ATTEMPTS, notify, outbox_deliver
from tests.factories import citizen_user
from tests.govservices.helpers import client_for

# Nothing listens on port 9 of this machine: a real SMTP connection that fails.
FAILING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
}


def _person(db, **fields):
    user = citizen_user("zhang", "11010519491231002X")
    for k, v in fields.items():
        setattr(user, k, v)
    user.save()
    return user


def test_failing_channel_is_retried_then_delivered(db, django_capture_on_commit_callbacks):
    user = _person(db, email="zhang@example.cn", phone="13800138000")
    with clock.frozen(dt.datetime(2025, 3, 3, 9, 0)):
        with override_settings(**FAILING_SMTP), django_capture_on_commit_callbacks(execute=True):
            message = notify(recipient=user, kind="result", subject="您的申请已办结", url="/services/cases/")
        by = {d.channel: d for d in Delivery.objects.filter(message=message)}
        assert by["site"].state == "sent" and by["sms"].state == "sent"
        email = by["email"]
        assert (email.state, email.attempts) == ("pending", 1) and email.last_error
        assert email.next_attempt_at == clock.now() + dt.timedelta(seconds=BACKOFF_SECONDS)
        # not due yet: nothing is tried
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            assert outbox_deliver() == {"sent": 0, "pending": 0, "failed": 0}
            clock.travel(dt.timedelta(seconds=BACKOFF_SECONDS))
            assert outbox_deliver()["sent"] == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.next_attempt_at) == ("sent", 2, None)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang@example.cn"]
    # the recipient sees the message and the state of each channel
    r = client_for(user).get("/api/v1/messages")
    assert r.status_code == 200
    item = r.json()["items"][0]
    assert item["subject"] == "您的申请已办结"
    assert {d["channel"]: d["state"] for d in item["deliveries"]} == {
        "email": "sent",
        "site": "sent",
        "sms": "sent",
    }
    assert client_for(user).post(f"/api/v1/messages/{item['id']}/read").json()["read_at"]


def test_a_channel_that_keeps_failing_is_given_up(db, django_capture_on_commit_callbacks):
    user = _person(db, email="zhang@example.cn")
    with clock.frozen(dt.datetime(2025, 3, 3, 9, 0)), override_settings(**FAILING_SMTP):
        with django_capture_on_commit_callbacks(execute=True):
            message = notify(recipient=user, kind="card", subject="提醒")
        for _ in range(MAX_ATTEMPTS):
            clock.travel(dt.timedelta(hours=1))
            outbox_deliver()
    email = Delivery.objects.get(message=message, channel="email")
    assert (email.state, email.attempts, email.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)


def test_messages_are_the_recipients_alone(db):
    user = _person(db)
    other = citizen_user("li", "110101199003074514")
    message = notify(recipient=user, kind="other", subject="仅本人可见")
    assert message is not None and notify(recipient=None, kind="other", subject="x") is None
    c = client_for(other)
    assert c.get("/api/v1/messages").json()["count"] == 0
    assert c.post(f"/api/v1/messages/{message.pk}/read").status_code == 404
    assert json.loads(client_for(user).get("/api/v1/messages").content)["count"] == 1
