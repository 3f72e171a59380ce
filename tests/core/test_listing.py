import io

import pytest
from openpyxl import load_workbook

from gaoxin.core import audit


def _event(actor, action, object_id, summary=None):
    return audit.record(
        actor=actor, action=action, object_type="t", object_id=object_id, summary=summary or {}
    )


@pytest.mark.django_db
class TestAuditList:
    def test_sentences_not_dicts(self, client, admin_user):
        _event(admin_user, "policy.create", "7", {"title": ["旧名", "新名"]})
        client.force_login(admin_user)
        body = client.get("/audit/").content.decode()
        assert "新建了" in body and "旧名 → 新名" in body
        assert "{&#x27;" not in body and "policy.create</" not in body

    def test_sort_both_ways_and_aria(self, client, admin_user):
        _event(admin_user, "policy.create", "1")
        _event(admin_user, "case.submit", "2")
        client.force_login(admin_user)
        page_asc = client.get("/audit/?sort=at").content.decode()
        page_desc = client.get("/audit/?sort=-at").content.decode()
        asc, desc = page_asc.split("<tbody>")[1], page_desc.split("<tbody>")[1]
        assert asc.index("新建了") < asc.index("提交了")
        assert desc.index("提交了") < desc.index("新建了")
        assert 'aria-sort="ascending"' in page_asc and 'aria-sort="descending"' in page_desc

    def test_bad_filters_are_a_chinese_400(self, client, admin_user):
        client.force_login(admin_user)
        r = client.get("/audit/?at_from=2025-13-40")
        assert r.status_code == 400 and "不是有效日期" in r.content.decode()
        r = client.get("/audit/?sort=nonsense")
        assert r.status_code == 400 and "无法按该列排序" in r.content.decode()

    def test_export_has_exactly_the_filtered_rows(self, client, admin_user):
        _event(admin_user, "policy.create", "1")
        _event(admin_user, "case.submit", "2")
        _event(admin_user, "case.submit", "3")
        client.force_login(admin_user)
        r = client.get("/audit/?action=case.submit&export=xlsx")
        assert r.status_code == 200
        rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        assert rows[0][0] == "序号"
        assert sorted(row[4] for row in rows[1:]) == ["t #2", "t #3"]

    def test_staff_without_the_audit_right_get_neither_page_nor_export(self, client, clerk):
        _event(clerk, "case.submit", "2")
        client.force_login(clerk)
        assert client.get("/audit/").status_code == 403
        r = client.get("/audit/?export=xlsx")
        assert r.status_code == 403 and not r["Content-Type"].startswith("application/vnd")
