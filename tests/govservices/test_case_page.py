"""The case page offers only the actions that make sense now, grouped by what they do and named for
what they are, and every deadline reads as a date and working days left or overdue (issue 10)."""

import datetime as dt

import pytest

from gaoxin.core import calendar, clock
from gaoxin.govservices.models import Case, CaseMaterial
from gaoxin.govservices.services.countdown import countdown
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


def page_of(client, number) -> str:
    return client.get(f"/services/cases/{number}/").content.decode()


def group(page: str, legend: str) -> str:
    return page.split(f"<legend>{legend}</legend>")[1].split("</fieldset>")[0]


def form(page: str, action: str) -> str:
    return page.split(f'data-action="{action}"')[1].split("</form>")[0]


def test_the_clerk_sees_the_forms_grouped_with_what_happens_next(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    page = page_of(clerk, number)
    legends = [chunk.split("</legend>")[0] for chunk in page.split("<legend>")[1:]]
    assert legends == ["推进办理", "要求补充", "终止"]
    advance, request, stop = (group(page, g) for g in legends)
    assert 'data-action="accept"' in advance and "开始计算办理期限" in form(page, "accept")
    assert "补正：请申请人补齐或更正材料" in request and "一次性告知" in form(page, "request_correction")
    assert 'data-action="reject"' in stop and "btn danger" in form(page, "reject")
    # nothing is missing: accepting is plain acceptance, no 容缺 deadline to ask for
    assert 'name="supply_due"' not in page


def test_with_a_non_key_material_missing_accepting_is_offered_as_deferral(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
    page = page_of(clerk, number)
    request = group(page, "要求补充")
    assert "推进办理" not in page
    assert "容缺受理：先受理，材料后补" in request and 'name="supply_due"' in form(page, "accept")
    assert page.count('data-action="accept"') == 1


def test_the_applicant_is_offered_to_supply_only_what_is_asked(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
    page = page_of(ent, number)
    assert 'data-action="supply"' not in page  # nothing asked yet
    assert "受理后开始计算" in page  # no deadline yet: said so, not a blank
    assert 'data-action="withdraw"' in page and "撤回后办件终止" in page
    assert act(clerk, number, "accept").status_code == 200
    page = page_of(ent, number)
    supply = form(page, "supply")
    assert "补交容缺材料" in supply and '<option value="2">' in supply and '<option value="1">' not in supply


def test_no_supply_form_on_an_issued_case_with_an_optional_material_missing(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    assert act(clerk, number, "accept").status_code == 200
    case = Case.objects.get(number=number)
    case.materials.filter(spec__order=2).update(status=CaseMaterial.Status.MISSING)
    Case.objects.filter(pk=case.pk).update(state=Case.State.ISSUED)
    page = page_of(ent, number)
    assert 'data-action="supply"' not in page and 'id="actions"' not in page
    r = ent.post(f"/services/cases/{number}/act/supply/", {"material": "2", "file": pdf()})
    assert r.status_code == 302
    assert case.materials.get(spec__order=2).status == "missing"


def test_in_correction_the_applicant_uploads_and_resubmits_under_plain_names(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    assert act(clerk, number, "request_correction", problems={"2": "缺比例尺"}).status_code == 200
    page = page_of(ent, number)
    assert "上传补正材料" in form(page, "supply") and "补正完毕，重新提交" in form(page, "resubmit")
    assert "补交容缺材料" not in page


def test_the_legal_deadline_reads_as_a_date_and_working_days_left_then_overdue(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    with clock.frozen(MONDAY):
        number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
        assert act(clerk, number, "accept").status_code == 200
        case = Case.objects.get(number=number)
        legal = case.legal_due_on
        assert legal == calendar.add_workdays(MONDAY, 20).deadline
        cell = page_of(ent, number).split('id="legal-due"')[1].split("</div>")[0]
        assert legal.isoformat() in cell and "还剩 20 个工作日" in cell
        clock.travel(legal + dt.timedelta(days=7))
        cell = page_of(ent, number).split('id="legal-due"')[1].split("</div>")[0]
        n = countdown(legal, clock.today()).workdays
        assert n > 0 and f"已超期 {n} 个工作日" in cell


def test_a_deferral_deadline_reads_as_a_date_and_working_days_left(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    with clock.frozen(MONDAY):
        number = submit(ent, "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
        assert act(clerk, number, "accept", supply_due="2026-03-06").status_code == 200
        row = page_of(ent, number).split(
            f'id="material-{Case.objects.get(number=number).materials.get(spec__order=2).pk}"'
        )[1]
        row = row.split("</li>")[0]
        assert "2026-03-06" in row and "还剩 4 个工作日" in row
