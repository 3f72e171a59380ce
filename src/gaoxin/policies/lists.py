"""The declared staff list of the policy pillar: awards (兑现记录)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.core.listing import Choice, Column, DateRange, Listing, Search, register

from . import selectors
from .models import Award, Clause, Policy

AWARDS = register(
    "awards",
    title=_("兑现记录"),
    url="policies:awards",
    rows=lambda user: selectors.award_list(user=user),
    listing=Listing(
        columns=[
            Column(
                "enterprise",
                _("兑现对象"),
                sort="enterprise__name",
                value=lambda a: a.beneficiary,
                link=lambda a: reverse("policies:award", args=[a.pk]),
            ),
            # a person's ID number masked (the staff list and its export)
            Column("uscc", _("统一社会信用代码/身份证号"), shown=False, value=lambda a: a.beneficiary_code),
            Column("policy", _("政策"), shown=False, value=lambda a: a.clause.policy.title),
            Column("clause", _("事项"), sort="clause__title", value=lambda a: a.clause.title),
            Column("period", _("兑现年度"), sort="period"),
            Column("amount", _("金额（元）"), sort="amount"),
            Column("state", _("状态"), sort="state", value=lambda a: a.get_state_display()),
            Column("notice_to", _("公示截止"), sort="notice_to"),
            Column("created_at", _("生成时间"), sort="created_at"),
        ],
        filters=[
            Search(
                "enterprise", _("兑现对象"), fields=("enterprise__name", "enterprise__uscc", "person_name")
            ),
            Choice("state", _("状态"), choices=Award.State.choices),
            Choice(
                "policy",
                _("政策"),
                choices=lambda: [(p.pk, p.title) for p in Policy.objects.order_by("-pk")[:300]],
                field="clause__policy_id",
            ),
            Choice(
                "clause",
                _("事项"),
                choices=lambda: [(c.pk, c.title) for c in Clause.objects.order_by("-pk")[:500]],
                field="clause_id",
            ),
            DateRange("created_at", _("生成日期")),
        ],
        default_sort="clause__title",
        page_size=50,
    ),
)
