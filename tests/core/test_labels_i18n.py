"""Model labels are translated where they are declared: an English page shows English states,
choices, field names and the standard departments; Chinese stays the default."""

from django.template import Context, Template
from django.utils import translation

from gaoxin.accounts.models import Department, User
from gaoxin.accounts.roles import Role
from gaoxin.enterprises.models import Enterprise, Report
from gaoxin.govservices.models import Case
from gaoxin.policies.models import Award
from tests.factories import department, staff_user

PAGE = Template(
    "{{ case.get_state_display }} | {{ report.get_state_display }} | {{ award.get_state_display }}"
    " | {{ dept }} | {{ size }} | {{ role }}"
)


def _render():
    return PAGE.render(
        Context(
            {
                "case": Case(state=Case.State.IN_REVIEW),
                "report": Report(state=Report.State.RETURNED),
                "award": Award(state=Award.State.NOTICE),
                "dept": Department(code="approval", name="行政审批局"),
                "size": Enterprise(size=Enterprise.Size.SMALL).get_size_display(),
                "role": Role.WINDOW_CLERK.label,
            }
        )
    )


def test_states_and_departments_in_english():
    with translation.override("en"):
        assert _render() == (
            "Under review | Returned | Under public notice | Administrative Approval Bureau | Small | Window clerk"
        )
        assert str(Case._meta.verbose_name) == "Case"
        assert str(User._meta.get_field("department").verbose_name) == "Department"
        assert dict(Award.State.choices)["paid"] == "Disbursed"


def test_chinese_by_default():
    with translation.override("zh-hans"):
        assert _render() == "审查中 | 已退回 | 公示中 | 行政审批局 | 小型 | 窗口受理员"


def test_a_department_without_a_translation_shows_as_stored():
    with translation.override("en"):
        assert str(Department(code="x", name="高新区未登记部门")) == "高新区未登记部门"
        assert str(Department(code="y", name="")) == ""


def test_the_chinese_import_template_still_reads_with_english_active(db):
    import io

    from openpyxl import Workbook

    from gaoxin.core.identifiers import make_uscc
    from gaoxin.enterprises.excel import ENTERPRISE_HEADERS, enterprises_import

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    wb = Workbook()
    wb.active.append(ENTERPRISE_HEADERS)
    uscc = make_uscc("91450200", "MA000101")
    wb.active.append(
        [uscc, "柳州新联科技有限公司", "", "李强", "2015-03-01", "500", "", "", "", "C39", "私营"]
    )
    out = io.BytesIO()
    wb.save(out)
    with translation.override("en"):
        assert enterprises_import(actor=stat, content=out.getvalue()) == 1
    assert Enterprise.objects.get(uscc=uscc).ownership == Enterprise.Ownership.PRIVATE


def _all_machines():
    """Every machine of every pillar: their services modules declare them when imported."""
    import importlib
    import pkgutil

    import gaoxin
    from gaoxin.core.workflow import machines

    for mod in pkgutil.walk_packages(gaoxin.__path__, "gaoxin."):
        if ".services" in mod.name:
            importlib.import_module(mod.name)
    return list(machines())


def test_every_workflow_action_has_an_english_name():
    machines = _all_machines()
    assert {"case", "report", "award", "clause"} <= {m.name for m in machines}
    missing = []
    with translation.override("en"):
        for m in machines:
            for t in m.transitions:
                if t.title == t.label:
                    missing.append(f"{m.name}.{t.action}: {t.label}")
                if t.not_applicable and translation.gettext(str(t.not_applicable)) == str(t.not_applicable):
                    missing.append(f"{m.name}.{t.action} (not applicable): {t.not_applicable}")
    assert not missing, missing
    with translation.override("zh-hans"):
        assert all(t.title == t.label for m in machines for t in m.transitions)
