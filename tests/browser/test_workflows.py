"""The workflow page draws every state machine from its table, in Chromium, at desktop and phone widths."""

import pytest

from gaoxin.core import workflow
from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_every_machine_is_drawn(page, zone, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "clerk", DEMO_PASSWORD)
    page.goto(page.base + "/workflows/")
    page.wait_for_load_state("networkidle")
    for machine in workflow.machines():
        chart = page.locator(f'.workflow-chart[data-machine="{machine.name}"] canvas')
        chart.first.wait_for()
        box = chart.first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, machine.name
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    shot(page, f"workflows-{width}")
