"""Run in a deployment's environment (GAOXIN_* variables) as `python -m tests.ops.probe seed|facts`.

seed: migrate and build, through the services and the API, a case with an uploaded file that ends in an
issued licence, and a 免申即享 award. facts: print one JSON line with the row count of every model, the
licence's public verification, the uploaded file's checksum and the award's amount."""

import datetime as dt
import hashlib
import json
import os
import sys
from decimal import Decimal


def seed() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from gaoxin.policies.services import catalogue, money
    from tests.factories import enterprise_user, staff_user
    from tests.govservices.builders import zone
    from tests.govservices.helpers import act, client_for, pdf, submit
    from tests.policies import factories as f

    _, p, _ = zone()
    ent_user = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    answer = submit(client_for(ent_user), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()})
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]
    for who, action, extra in [
        ("clerk", "accept", {}),
        ("reviewer", "review", {"verdict": "agree"}),
        ("approver", "approve", {}),
        ("approver", "issue", {}),
    ]:
        r = act(client_for(p[who]), number, action, **extra)
        assert r.status_code < 300, r.content

    officer = staff_user("policy", p["admin"].department, ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer,
        title="研发投入奖励办法",
        issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="1号",
    )
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd-bonus",
        title="研发投入奖励",
        period=2026,
        rule="enterprise.hte && data.rd_expense(2025) >= 1000000",
        formula="data.rd_expense(2025) * 0.1",
        award_cap=Decimal("150000"),
        notice_days=5,
    )
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("10000000"))
    clause = catalogue.clause_check_and_publish(actor=officer, clause=clause)
    ent = f.enterprise("研发企业", size="small", industry=f.industry("ind1"))
    f.qualify(ent, "hte")
    f.report(ent, 2025, revenue=20_000_000, rd_expense=1_234_500)
    money.award_batch.run_now(clause_id=clause.pk, actor_id=officer.pk)
    print("SEED " + json.dumps({"case": number}))


def facts() -> None:
    from django.apps import apps

    from gaoxin.govservices.models import Licence
    from gaoxin.govservices.services import licences
    from gaoxin.policies.models import Award

    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    lic = Licence.objects.get()
    verdict = licences.verify(token=lic.token)
    case = lic.case
    uploads = [hashlib.sha256(m.file.open("rb").read()).hexdigest() for m in case.materials.all() if m.file]
    awards = sorted(str(a.amount) for a in Award.objects.all())
    print(
        "FACTS "
        + json.dumps(
            {
                "counts": counts,
                "licence": verdict["status"],
                "licence_pdf": lic.pdf.read()[:5].decode(),
                "uploads": uploads,
                "awards": awards,
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    import django

    django.setup()
    {"seed": seed, "facts": facts}[sys.argv[1]]()
