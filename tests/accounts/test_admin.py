"""System administrators edit departments in the admin; every edit is audited."""

import pytest
from django.test import Client

from gaoxin.accounts.models import Department
from gaoxin.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_renames_a_department_and_it_is_audited(admin_user, dept):
    admin_user.is_staff = True
    admin_user.save()
    c = Client()
    c.force_login(admin_user)
    assert c.get("/admin/accounts/department/").status_code == 200
    r = c.post(
        f"/admin/accounts/department/{dept.pk}/change/",
        {"code": dept.code, "name": "行政审批服务局", "order": 5, "active": "on"},
    )
    assert r.status_code == 302
    assert Department.objects.get(pk=dept.pk).name == "行政审批服务局"
    event = AuditEvent.objects.get(action="admin.change")
    assert event.summary["name"] == ["行政审批局", "行政审批服务局"]


def test_a_clerk_cannot_open_the_admin(clerk):
    clerk.is_staff = True  # even with Django's staff flag, the role decides
    clerk.save()
    c = Client()
    c.force_login(clerk)
    r = c.get("/admin/accounts/department/")
    assert r.status_code in (302, 403)
