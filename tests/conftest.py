"""Shared test set-up: settings for tests, user factories, a real Chromium, and the no-skip rule."""

import os

os.environ.setdefault("GAOXIN_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from tests.factories import (  # noqa: E402
    DEFAULT_PASSWORD,
    citizen_user,
    department,
    enterprise_user,
    staff_user,
)

__all__ = ["DEFAULT_PASSWORD"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test's database starts over; so does the process's working-day cache."""
    from gaoxin.core import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _fresh_django_cache():
    """Rate-limit counters live in Django's cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dept(db):
    return department("approval", "行政审批局")


@pytest.fixture
def admin_user(db, dept):
    return staff_user("admin", dept, ["system_admin"])


@pytest.fixture
def clerk(db, dept):
    return staff_user("clerk", dept, ["window_clerk"])


@pytest.fixture
def leader(db, dept):
    return staff_user("leader", dept, ["leader"])


@pytest.fixture
def ent_user(db):
    return enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")


@pytest.fixture
def citizen(db):
    return citizen_user("citizen", "11010519491231002X")


def pytest_sessionfinish(session, exitstatus):
    """With GAOXIN_REQUIRE_BROWSER=1 (CI), a skipped test fails the run: nothing may be skipped silently."""
    if os.environ.get("GAOXIN_REQUIRE_BROWSER") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(
                f"{skipped} 个测试被跳过，而 CI 要求全部运行（GAOXIN_REQUIRE_BROWSER=1）", red=True
            )
