"""What one submission costs the database, pinned so it cannot grow silently: a bounded number of
statements, the case number written by the INSERT itself, the stages and their opinions in one
INSERT each, and the published version's materials and stages read once per process — yet a newly
published version is used by the very next submission."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.core import clock
from gaoxin.govservices.models import Case, CaseStage, StageOpinion
from gaoxin.govservices.services.catalogue import item_draft_save, item_publish
from gaoxin.govservices.services.submission import case_submit
from tests.govservices.builders import BASE, material

JOINT = "000000000003"  # 建筑工程施工许可: two stages, the second a joint review by three departments

# At a window: the idempotency check, the item (with the next case id), the applicant's account, the
# submission checks of other pillars, the clerk's seat (the hall and window the case is taken at), then one INSERT each for the case, its materials, its stages,
# their opinions, the timeline event, the audit event and the idempotency key. Transaction control
# (BEGIN/COMMIT, savepoints in a test) is not counted.
MAX_QUERIES = 12


def _submit(gz, key):
    return case_submit(
        actor=gz["p"]["clerk"],
        applicant="ent",
        item_code=JOINT,
        data={"project": "厂房"},
        idempotency_key=key,
    )


def _statements(queries, verb, table):
    return [q["sql"] for q in queries if re.match(rf'\s*{verb}\b.*"{table}"', q["sql"], re.S)]


@pytest.mark.django_db
def test_one_submission_runs_a_bounded_number_of_statements(gz):
    _submit(gz, "warm")  # the process reads the published version's materials and stages once
    with CaptureQueriesContext(connection) as ctx:
        case, created = _submit(gz, "measured")
    queries = [q for q in ctx.captured_queries if not re.match(r"\s*(RELEASE )?SAVEPOINT\b", q["sql"])]
    assert created
    assert len(queries) <= MAX_QUERIES, "\n".join(q["sql"][:160] for q in queries)
    # The number is in the INSERT: no UPDATE of the case after it.
    assert _statements(queries, "UPDATE", "govservices_case") == []
    (insert,) = _statements(queries, "INSERT", "govservices_case")
    assert case.number in insert
    assert case.number == f"GX{clock.today():%Y%m%d}{case.pk:07d}"
    # Both stages in one INSERT, the four opinions (one, then three joint) in another.
    assert len(_statements(queries, "INSERT", "govservices_casestage")) == 1
    assert len(_statements(queries, "INSERT", "govservices_stageopinion")) == 1
    stages = list(CaseStage.objects.filter(case=case).order_by("order").values_list("order", "name"))
    assert stages == [(1, "初审"), (2, "联合审查")]
    opinions = StageOpinion.objects.filter(stage__case=case).order_by("stage__order", "department__order")
    assert [(o.stage.order, o.department.code) for o in opinions] == [
        (1, "approval"),
        (2, "housing"),
        (2, "land"),
        (2, "ecology"),
    ]
    # The materials and stage specs were not read again.
    assert _statements(queries, "SELECT", "govservices_materialspec") == []
    assert _statements(queries, "SELECT", "govservices_stagespec") == []


@pytest.mark.django_db
def test_an_idempotent_replay_reads_one_row_and_writes_nothing(gz):
    first, _ = _submit(gz, "same")
    with CaptureQueriesContext(connection) as ctx:
        again, created = _submit(gz, "same")
    assert (again.pk, created) == (first.pk, False)
    assert len(ctx.captured_queries) == 1
    assert Case.objects.filter(applicant=gz["p"]["ent"]).count() == 1


@pytest.mark.django_db
def test_a_newly_published_version_is_used_by_the_next_submission(gz):
    before, _ = _submit(gz, "v1")
    d = gz["d"]
    item_draft_save(
        actor=gz["p"]["admin"],
        fields={
            **BASE,
            "code": JOINT,
            "name": "建筑工程施工许可",
            "implementing_code": JOINT + "001",
            "department": d["approval"],
            "handling": "promised",
            "legal_days": 20,
            "committed_days": 10,
            "result_name": "建筑工程施工许可证",
        },
        materials=[material(1, "申请书"), material(2, "施工图审查合格书")],
        stages=[{"order": 1, "name": "联合审查", "role": "reviewer", "days": 5, "departments": [d["land"]]}],
    )
    item_publish(actor=gz["p"]["admin"], code=JOINT)
    after, _ = _submit(gz, "v2")
    assert after.version_id != before.version_id
    assert sorted(after.materials.values_list("spec__name", flat=True)) == ["施工图审查合格书", "申请书"]
    assert list(after.stages.values_list("name", flat=True)) == ["联合审查"]
    assert list(
        StageOpinion.objects.filter(stage__case=after).values_list("department__code", flat=True)
    ) == ["land"]
    # The earlier case keeps the version it was submitted under.
    assert sorted(before.materials.values_list("spec__name", flat=True)) == ["申请书"]
    assert before.stages.count() == 2
