"""The declared staff lists of government services: the inbox and the case list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import Department
from gaoxin.core.listing import Choice, Column, DateRange, Listing, Search, register

from . import selectors
from .models import Case


def _case_url(case: Case) -> str:
    return reverse("govservices:case", args=[case.number])


def _departments() -> list[tuple[str, str]]:
    return [(str(d.pk), str(d)) for d in Department.objects.filter(active=True)]


NUMBER = Column("number", _("办件编号"), sort="number", link=_case_url)
ITEM = Column("item", _("事项"), sort="item__name", value=lambda c: c.item.name)
APPLICANT = Column("applicant_name", _("申请人"), sort="applicant_name")
STATE = Column("state", _("状态"), sort="state", value=lambda c: c.get_state_display())
RECEIVED = Column("submitted_at", _("收件时间"), sort="submitted_at")
DEADLINE = Column("due_on", _("办结期限"), sort="due_on")
STATE_FILTER = Choice("state", _("状态"), choices=Case.State.choices)
RECEIVED_FILTER = DateRange("submitted_at", _("收件日期"))
SEARCH = Search("q", _("编号 / 申请人 / 事项"), fields=("number", "applicant_name", "item__name"))

INBOX = register(
    "inbox",
    title=_("待办件"),
    url="govservices:inbox",
    rows=lambda user: selectors.inbox(user=user),
    listing=Listing(
        columns=[
            Column("light", _("亮灯"), sort="light", value=lambda c: c.get_light_display()),
            NUMBER,
            ITEM,
            APPLICANT,
            STATE,
            RECEIVED,
            DEADLINE,
            Column("department", _("承办部门"), sort="department__name", value=lambda c: str(c.department)),
        ],
        filters=[
            SEARCH,
            Choice("light", _("亮灯"), choices=Case.Light.choices),
            STATE_FILTER,
            RECEIVED_FILTER,
            Choice("department", _("承办部门"), choices=_departments, field="department_id"),
            Search("handler", _("经办人"), fields=("events__actor_name",), through_many=True),
        ],
        default_sort="due_on",
        page_size=25,
    ),
)

CASES = register(
    "cases",
    title=_("办件"),
    url="govservices:cases",
    rows=lambda user: selectors.case_list(user=user),
    listing=Listing(
        columns=[NUMBER, ITEM, APPLICANT, STATE, RECEIVED, DEADLINE],
        filters=[SEARCH, STATE_FILTER, RECEIVED_FILTER],
        default_sort="-submitted_at",
        page_size=20,
    ),
)
