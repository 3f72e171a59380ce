"""Property-based fuzzing of every API operation from its own OpenAPI schema: no input gives a 500,
and every answer matches the documented shape."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gaoxin.accounts import services
from tests.factories import department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db):
    # Calls go straight to the WSGI handler; like Django's test client, keep the test transaction's
    # connection open across requests instead of closing it at the end of each one.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Who calls: an officer holding every staff role of the zone, and a verified enterprise's legal
# representative.
def bearer(caller: str) -> dict:
    """A token for the caller, made once per test (examples share the test's transaction)."""
    from gaoxin.accounts.models import User

    user = User.objects.filter(username=f"fuzz-{caller}").first()
    if user is None and caller == "officer":
        from gaoxin.accounts.roles import Role

        user = staff_user(f"fuzz-{caller}", department("approval", "行政审批局"), list(Role.values))
    elif user is None:
        user = enterprise_user(f"fuzz-{caller}", "91450200MA5N00007X", "柳州示例科技有限公司")
    _, key = services.token_issue(user=user)
    return {"Authorization": f"Bearer {key}"}


schema = schemathesis.pytest.from_fixture("api_schema")
checks.load_all_checks()
# --checks all, minus the stateful ones that need a sequence of calls (use_after_free,
# ensure_resource_availability, object_level_authorization: tests/test_tenancy_sweep.py covers access)
# and positive_data_acceptance: a body can match its JSON Schema and still break a rule the schema
# cannot say (a clause's rule must evaluate to 是/否, a deadline's start lies in the calendar's
# years, 失效日期 not before 生效日期); those get a 422 with the reason, which the other checks hold
# to the documented shape.
LEFT_OUT = {
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
    "positive_data_acceptance",
}
ALL_CHECKS = [checks.CHECKS.get_one(n) for n in checks.CHECKS.get_all_names() if n not in LEFT_OUT]


# derandomize: CI must give the same answer every run; explore more locally with
# GAOXIN_FUZZ_EXAMPLES=500 and a random seed (GAOXIN_FUZZ_RANDOM=1).
FUZZ = settings(
    max_examples=int(os.environ.get("GAOXIN_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=os.environ.get("GAOXIN_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_with_all_checks(case, caller: str) -> None:
    # Every check schemathesis has (the CLI's --checks all): no 5xx, documented status codes,
    # content types and headers, bodies matching their schemas, bad input refused, good input taken.
    response = case.call_and_validate(headers=bearer(caller), checks=ALL_CHECKS)
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        body = response.json()
        assert {"code", "message"} <= set(body), body


@schema.parametrize()
@FUZZ
def test_officer_fuzzing_meets_the_schema(case):
    call_with_all_checks(case, "officer")


@schema.parametrize()
@FUZZ
def test_enterprise_fuzzing_meets_the_schema(case):
    call_with_all_checks(case, "enterprise")


# The operations that once read request.body / request.FILES by hand are fuzzed through their typed
# bodies now, in each media type they accept.
TYPED = {
    ("POST", "/api/v1/cases"): {"application/json", "multipart/form-data"},
    ("POST", "/api/v1/cases/{number}/actions/{action}"): {"application/json", "multipart/form-data"},
    ("POST", "/api/v1/service-catalogue/import"): {"multipart/form-data"},
}


def test_the_fuzzer_reaches_every_body_in_every_media_type(api_schema):
    bodies = {}
    for result in api_schema.get_all_operations():
        op = result.ok()
        bodies[(op.method.upper(), op.path)] = {b.media_type for b in op.body}
    for key, media_types in TYPED.items():
        assert bodies[key] == media_types, key
    from tests.api.test_contract import NO_BODY

    bodiless = {(m.upper(), "/api/v1" + p) for m, p in NO_BODY}
    writes = {k for k in bodies if k[0] in ("POST", "PUT", "PATCH")}
    assert {k for k in writes if not bodies[k]} == bodiless
