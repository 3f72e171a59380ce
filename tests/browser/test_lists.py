"""A window clerk works the inbox as a list: sorts it by clicking a column header (and back), narrows it
to cases received from a date, and downloads exactly those rows as Excel; tidy and accessible on a
desktop and on a phone."""

import datetime as dt
import io

import pytest
from django.db.models import F
from openpyxl import load_workbook

from gaoxin.accounts.models import User
from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.govservices import selectors
from gaoxin.govservices.models import Case
from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    generator.build(seed=11, count=150, log=lambda m: None)


def _numbers(page) -> list[str]:
    return [t.strip() for t in page.locator("#rows tbody tr td:nth-child(2)").all_inner_texts()]


def test_clerk_sorts_filters_and_exports_the_inbox(page, zone, tmp_path):
    from django.utils import timezone

    inbox = list(selectors.inbox(user=User.objects.get(username="clerk")))
    assert len(inbox) >= 4, "the demo clerk should have cases waiting"
    # Half of the waiting cases arrived a week ago (the demo's intake is all of today).
    early = [c.pk for c in inbox[::2]]
    Case.objects.filter(pk__in=early).update(submitted_at=F("submitted_at") - dt.timedelta(days=7))
    since = timezone.localdate() - dt.timedelta(days=3)
    expected = len(inbox) - len(early)

    page.set_viewport_size(DESKTOP)
    login(page, "clerk", DEMO_PASSWORD)
    page.goto(page.base + "/services/inbox/")
    header = page.locator("th", has_text="办件编号")
    with page.expect_navigation():
        header.locator("a").click()
    assert page.locator("th", has_text="办件编号").get_attribute("aria-sort") == "ascending"
    numbers = _numbers(page)
    assert numbers == sorted(numbers) and len(numbers) > 1
    with page.expect_navigation():
        page.locator("th", has_text="办件编号").locator("a").click()
    assert page.locator("th", has_text="办件编号").get_attribute("aria-sort") == "descending"
    assert _numbers(page) == sorted(numbers, reverse=True)[: len(_numbers(page))]

    page.fill("#f-submitted_at-from", since.isoformat())
    with page.expect_response(lambda r: "submitted_at_from" in r.url):
        page.locator("form.list-filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert f"共 {expected} 条" in page.locator(".list-count").inner_text()
    assert "submitted_at_from=" + since.isoformat() in page.url
    shot(page, "lists-inbox-desktop")
    problems = layout_problems(page) + accessibility_violations(page)

    with page.expect_download() as download:
        page.locator("#rows .list-export").click()
    path = tmp_path / "inbox.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][1] == "办件编号" and len(rows) - 1 == expected

    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("networkidle")
    shot(page, "lists-inbox-phone")
    problems += layout_problems(page) + accessibility_violations(page)
    assert not problems, "\n".join(problems)
