"""The outbox: every message the platform sends a person, and its delivery on each channel.

`notify()` writes the message (the site message: in the recipient's inbox at once) and one Delivery
per further channel the recipient can be reached on. Deliveries go out after commit through the task
backend, and `outbox_deliver()` (the `outbox_deliver` command, a task) retries the pending ones with
exponential backoff until they are sent or the last attempt failed. The outbox lives in core because
every pillar sends through it (cases, ratings, supervision cards, policy awards).

Channels are pluggable: `email` sends through Django's mail backend (GAOXIN_EMAIL_BACKEND), `sms`
through the adapter named by GAOXIN_SMS_ADAPTER (a class with `send(phone, text)`; the default only
logs, which is what the demo zone uses)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Model
from django.utils.module_loading import import_string
from django_tasks import task

from . import clock
from .models import Delivery, Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 60  # 1, 2, 4, 8, 16 minutes between the attempts


class LoggingSmsAdapter:
    """The demo's SMS gateway: writes the text to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone[:3] + "****" + phone[-4:], text)


@dataclass(frozen=True)
class Channel:
    name: str
    address: Callable[[object], str]  # the recipient's address on this channel, "" when none
    send: Callable[[Delivery, Message], None]  # raises when the message did not go out


def _send_email(delivery: Delivery, message: Message) -> None:
    body = message.body + (f"\n\n{settings.SITE_URL}{message.url}" if message.url else "")
    send_mail(message.subject, body, None, [delivery.address], fail_silently=False)


def _send_sms(delivery: Delivery, message: Message) -> None:
    adapter = import_string(settings.SMS_ADAPTER)()
    adapter.send(delivery.address, f"【高新区】{message.subject}")


CHANNELS: dict[str, Channel] = {
    "email": Channel("email", lambda user: getattr(user, "email", "") or "", _send_email),
    "sms": Channel("sms", lambda user: getattr(user, "phone", "") or "", _send_sms),
}


def notify(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    obj: Model | None = None,
) -> Message | None:
    """Send one message to one person: written now, in the caller's transaction (a rolled-back change
    sends nothing); delivered on the other channels after commit. Nobody to send to → None."""
    if recipient is None or not getattr(recipient, "pk", None):
        return None
    now = clock.now()
    message = Message.objects.create(
        recipient=recipient,
        kind=kind if kind in Message.Kind.values else Message.Kind.OTHER,
        subject=subject[:120],
        body=body,
        url=url[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        created_at=now,
    )
    Delivery.objects.create(message=message, channel="site", state=Delivery.State.SENT, sent_at=now)
    ids = []
    for channel in CHANNELS.values():
        address = channel.address(recipient)
        if address:
            ids.append(
                Delivery.objects.create(
                    message=message, channel=channel.name, address=address, next_attempt_at=now
                ).pk
            )
    if ids:
        transaction.on_commit(lambda: deliver_task.enqueue(ids), robust=True)
    return message


def _attempt(delivery_id: int, now: dt.datetime) -> str | None:
    """Try one pending delivery, holding its row so two workers never send it twice."""
    with transaction.atomic():
        qs = Delivery.objects.select_related("message").filter(pk=delivery_id, state=Delivery.State.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        delivery = qs.first()
        if delivery is None:
            return None
        channel = CHANNELS.get(delivery.channel)
        delivery.attempts += 1
        try:
            if channel is None:
                raise LookupError(f"unknown channel {delivery.channel}")
            channel.send(delivery, delivery.message)
        except Exception as exc:
            delivery.last_error = (str(exc) or exc.__class__.__name__)[:300]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
            else:
                wait = BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
                delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
            logger.warning("delivery %s on %s failed: %s", delivery.pk, delivery.channel, delivery.last_error)
        else:
            delivery.state, delivery.sent_at, delivery.next_attempt_at = Delivery.State.SENT, now, None
        delivery.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])
        return delivery.state


def outbox_deliver(*, ids: list[int] | None = None, limit: int = 500) -> dict:
    """Send the pending deliveries that are due (or the given ones); returns counts by outcome."""
    now = clock.now()
    qs = Delivery.objects.filter(state=Delivery.State.PENDING)
    qs = qs.filter(pk__in=ids) if ids is not None else qs.filter(next_attempt_at__lte=now)
    counts = {"sent": 0, "pending": 0, "failed": 0}
    for pk in list(qs.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]):
        state = _attempt(pk, now)
        if state:
            counts[state] += 1
    return counts


@task()
def deliver_task(ids: list[int]) -> dict:
    return outbox_deliver(ids=ids)


@task()
def outbox_deliver_task() -> dict:
    """The periodic retry (the `outbox_deliver` command enqueues or runs it)."""
    return outbox_deliver()


def message_list(*, user):
    """The user's messages, newest first (the site inbox)."""
    return Message.objects.visible_to(user).prefetch_related("deliveries")


def message_read(*, user, pk: int) -> Message:
    """Mark one of the user's messages read (idempotent)."""
    from .errors import NotFound

    message = message_list(user=user).filter(pk=pk).first()
    if message is None:
        raise NotFound("未找到该消息")
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
    return message
