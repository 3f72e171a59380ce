"""Migrate a fresh database and fill it with what the scale-out test drives over HTTP.

Run as `python -m tests.deploy.seed` with the deployment's GAOXIN_* variables; prints one JSON line."""

import datetime as dt
import json
import os
import sys
from decimal import Decimal

SUBMITTERS = 6  # enterprise accounts that submit cases
# Enterprises the 免申即享 batch must find (GAOXIN_SEED_ELIGIBLE: the crash test needs a batch of
# several chunks, long enough to be killed in the middle)
ELIGIBLE = int(os.environ.get("GAOXIN_SEED_ELIGIBLE", "25"))
INELIGIBLE = 5


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, interactive=False)
    _hash_the_test_password_once()

    from gaoxin.policies.services import catalogue
    from tests.factories import department, enterprise_user, staff_user
    from tests.govservices.builders import zone
    from tests.policies import factories as f

    _, people, _ = zone()
    submitters = []
    for n in range(SUBMITTERS):
        ent = f.enterprise(f"提交企业{n}")
        submitters.append(enterprise_user(f"ent{n}", ent.uscc, ent.name).username)

    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer,
        title="关于支持企业研发投入的若干措施",
        issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="高新管〔2026〕1号",
    )
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd-bonus",
        title="研发投入奖励",
        period=2026,
        rule="enterprise.hte && data.rd_expense(2025) >= 1000000 && growth.revenue_yoy(2025) >= 0.1",
        formula="data.rd_expense(2025) * 0.1",
        award_cap=Decimal("150000"),
        notice_days=5,
    )
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("10000000"))
    clause = catalogue.clause_check_and_publish(actor=officer, clause=clause)
    industry = f.industry("ind1")
    with transaction.atomic():
        _research_firms(f, industry)

    print(
        "SEED "
        + json.dumps(
            {
                "submitters": submitters,
                "clerk": people["clerk"].username,
                "officer": officer.username,
                "clause": clause.pk,
                "eligible": ELIGIBLE,
            }
        )
    )


def _research_firms(f, industry) -> None:
    for n in range(ELIGIBLE + INELIGIBLE):
        ent = f.enterprise(f"研发企业{n}", size="small", industry=industry)
        f.qualify(ent, "hte")
        rd = 2_000_000 if n < ELIGIBLE else 500_000  # the last ones spend too little on R&D
        f.report(ent, 2025, revenue=20_000_000, rd_expense=rd)
        f.report(ent, 2024, revenue=15_000_000, rd_expense=1_000_000)


def _hash_the_test_password_once() -> None:
    """Every account shares the test password: one real Argon2 hash (a third of a second each) for all."""
    from django.contrib.auth import base_user, models
    from django.contrib.auth.hashers import make_password

    from tests.factories import DEFAULT_PASSWORD

    hashed = make_password(DEFAULT_PASSWORD)
    for module in (base_user, models):  # set_password() and UserManager.create_user()
        module.make_password = lambda raw, *a, **kw: hashed if raw == DEFAULT_PASSWORD else make_password(raw)


if __name__ == "__main__":
    sys.exit(main())
