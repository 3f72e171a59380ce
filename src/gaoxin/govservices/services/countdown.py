"""Deadlines as people read them: the date and the working days left or overdue, counted on the
zone's working calendar. One helper for every deadline shown in government services (the case's
committed and legal deadlines, a 补正 deadline, a 容缺 deadline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gaoxin.core import calendar


@dataclass(frozen=True)
class Countdown:
    due: dt.date
    workdays: int  # working days left (>= 0) or overdue (> 0 when overdue is True)
    overdue: bool
    certain: bool

    @property
    def text(self) -> str:
        if self.overdue:
            return _("已超期 %(n)s 个工作日") % {"n": self.workdays}
        if self.workdays == 0:
            return _("今日到期")
        return _("还剩 %(n)s 个工作日") % {"n": self.workdays}


def countdown(due: dt.date, today: dt.date) -> Countdown:
    """Working days from `today` to `due`: left when due is today or later, overdue after it.
    Days are counted after today up to and including the due day (or after the due day up to today)."""
    if due >= today:
        n, certain = calendar.workdays_between(today, due)
        return Countdown(due, n, False, certain)
    n, certain = calendar.workdays_between(due, today)
    return Countdown(due, n, True, certain)
