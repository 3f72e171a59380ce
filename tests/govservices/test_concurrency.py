"""Two officials acting on one case at the same moment: exactly one wins, the other gets 409.

On PostgreSQL two real connections race (threads, each with its own connection) and the row lock
decides. SQLite serialises write transactions at BEGIN, so there the same race is run in turn."""

import threading

import pytest
from django.db import connection, connections

from gaoxin.core.errors import Conflict
from gaoxin.govservices.models import Case, CaseEvent
from gaoxin.govservices.services.cases import case_act
from tests.govservices.helpers import client_for, pdf, submit


def _submitted(gz) -> str:
    return submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()[
        "number"
    ]


def _race(gz, number, sequential: bool) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run(user, action, payload):
        try:
            if not sequential:
                barrier.wait(timeout=10)
            case_act(actor=user, number=number, action=action, payload=payload)
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            if not sequential:
                connections.close_all()

    jobs = [(gz["p"]["clerk"], "accept", {}), (gz["p"]["clerk_housing"], "reject", {"reason": "材料不全"})]
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
def test_two_officials_at_once_one_wins(gz):
    number = _submitted(gz)
    results = _race(gz, number, sequential=connection.vendor != "postgresql")
    assert results == ["409", "ok"]
    case = Case.objects.get(number=number)
    assert case.state in ("in_review", "not_accepted")
    assert CaseEvent.objects.filter(case=case).exclude(action="submit").count() == 1
