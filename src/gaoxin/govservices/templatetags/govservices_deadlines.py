"""{% deadline d %}: a deadline as its date and the working days left or overdue."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html

from gaoxin.core import clock

from ..services.countdown import countdown

register = template.Library()


@register.simple_tag
def deadline(due: dt.date | None, stopped: bool = False):
    if not due:
        return "—"
    if stopped:
        return format_html('<span class="deadline">{}</span>', due.strftime("%Y-%m-%d"))
    c = countdown(due, clock.today())
    cls = "bad" if c.overdue else ("warn" if c.workdays <= 1 else "ok")
    return format_html(
        '<span class="deadline">{}</span> <span class="tag {} days-left">{}</span>',
        due.strftime("%Y-%m-%d"),
        cls,
        c.text,
    )
