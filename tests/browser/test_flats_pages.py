"""The talent flats' pages in Chromium, for the talent office and for a talent (the demo citizen, who
applied herself): the flats, the applications, one application with its actions or lease, the 限价房
page and the public waiting list load in the layout, fit a desktop and a phone, pass axe-core, and read
in English when English is chosen."""

import pytest

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.talent.models import FlatApplication
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    accessibility_violations,
    chinese_labels,
    layout_problems,
    login,
    shot,
    switch_language,
    tables_outside_wrap,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    generator.build(seed=11, count=150, log=lambda m: None)


def _pages(username: str) -> list[str]:
    mine = FlatApplication.objects.filter(talent__name="覃小梅").first() if username == "citizen" else None
    app = mine or FlatApplication.objects.filter(state="moved_in").order_by("pk").first()
    queued = FlatApplication.objects.filter(state="queued").order_by("pk").first()
    pages = [
        "/talent/flats/applications/",
        f"/talent/flats/applications/{app.pk}/",
        "/talent/flats/purchases/",
    ]
    if username == "policy":
        pages += [
            "/talent/flats/",
            f"/talent/flats/applications/{queued.pk}/",
            "/talent/flats/purchases/?all=1",
        ]
    return [*pages, "/talent/flats/waiting-list/"]


@pytest.mark.parametrize("username", ["policy", "citizen"])
def test_the_flats_pages_are_tidy_accessible_and_english(page, zone, username):
    page.set_viewport_size(DESKTOP)
    login(page, username, DEMO_PASSWORD)
    hrefs = _pages(username)
    found: list[str] = []
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        for i, href in enumerate(hrefs):
            response = page.goto(page.base + href)
            assert response.status < 400, f"{href}: {response.status}"
            page.wait_for_load_state("networkidle")
            found += [f"{href} {label}: {p}" for p in layout_problems(page)]
            found += [f"{href} {label}: {v}" for v in accessibility_violations(page)]
            if tables_outside_wrap(page):
                found.append(f"{href} {label}: table outside .table-wrap")
            shot(page, f"flats-{username}-{label}-{i}")
    page.set_viewport_size(DESKTOP)
    switch_language(page, "en")
    for href in hrefs:
        page.goto(page.base + href)
        found += [f"{href} untranslated {text}" for text in chinese_labels(page)]
    assert not found, "\n".join(found)
