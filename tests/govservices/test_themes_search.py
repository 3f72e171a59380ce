"""Services found by theme (主题服务), and search that finds result names and synonyms."""

import pytest

from gaoxin.govservices import themes
from gaoxin.govservices.services.catalogue import item_draft_save, item_publish
from tests.govservices.builders import BASE, material

pytestmark = pytest.mark.django_db


def _add(gz, code, name, result_name, *, dept="approval", publish=True):
    admin = gz["p"]["admin"]
    fields = {
        **BASE,
        "code": code,
        "name": name,
        "implementing_code": code + "001",
        "department": gz["d"][dept],
        "handling": "instant",
        "legal_days": 10,
        "committed_days": 0,
        "result_name": result_name,
    }
    item_draft_save(actor=admin, fields=fields, materials=[material(1, "申请书")], stages=[])
    if publish:
        item_publish(actor=admin, code=code)


@pytest.fixture
def more(gz):
    _add(gz, "GX0000000001", "企业设立登记", "营业执照")
    _add(gz, "GX0000000002", "劳务派遣经营许可", "劳务派遣经营许可证")
    _add(gz, "GX0000000003", "建设工程规划许可", "建设工程规划许可证", dept="land")
    _add(gz, "GX0000000004", "企业注销登记", "准予注销登记通知书", publish=False)
    return gz


def names(client, **params):
    r = client.get("/services/", params)
    assert r.status_code == 200
    return [i.name for i in r.context["page"].object_list], r


def test_theme_lists_exactly_its_items(more, client):
    assert names(client, theme="kaiban")[0] == ["企业名称自主申报", "企业设立登记"]
    assert names(client, theme="jianshe")[0] == ["建筑工程施工许可", "建设工程规划许可"]
    assert names(client, theme="zhaopin")[0] == ["人力资源服务许可", "劳务派遣经营许可"]
    page = client.get("/services/").content.decode()
    for t in themes.themes():
        assert f"theme={t.slug}" in page and t.name in page


def test_search_finds_the_result_name(more, client):
    assert "企业设立登记" in names(client, q="营业执照")[0]
    assert names(client, q="规划许可证")[0] == ["建设工程规划许可"]


def test_a_synonym_finds_its_item(more, client):
    assert names(client, q="开公司")[0] == ["企业设立登记"]
    assert names(client, q="施工证")[0] == ["建筑工程施工许可"]
    assert names(client, q="招工")[0] == ["人力资源服务许可", "劳务派遣经营许可"]
    assert names(client, q="我想开公司")[0] == ["企业设立登记"]


def test_pinyin_initials_and_code_still_work(more, client):
    for q in ("shipin", "spjy", "000000000002", "食品"):
        assert names(client, q=q)[0] == ["食品经营许可"], q
    assert names(client, q="qysldj")[0] == ["企业设立登记"]


def test_theme_department_and_search_combine(more, client):
    assert names(client, theme="jianshe", department="land")[0] == ["建设工程规划许可"]
    assert names(client, theme="jianshe", department="approval")[0] == ["建筑工程施工许可"]
    assert names(client, theme="jianshe", q="施工证")[0] == ["建筑工程施工许可"]
    assert names(client, theme="jianshe", q="营业执照")[0] == []
    assert names(client, theme="kaiban", q="营业执照", department="approval")[0] == ["企业设立登记"]
    # the htmx partial keeps the theme in its pager and answers the same
    r = client.get("/services/", {"theme": "jianshe", "q": "施工证"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "建筑工程施工许可" in r.content.decode()


def test_a_bad_theme_is_an_empty_list_with_a_message(more, client):
    found, r = names(client, theme="<nope>")
    assert found == []
    page = r.content.decode()
    assert "没有“&lt;nope&gt;”这个主题" in page and "<nope>" not in page
    assert "换个说法" in page


def test_an_unpublished_item_never_appears(more, client):
    for params in ({"theme": "zhuxiao"}, {"q": "注销"}, {"q": "关公司"}, {"q": "准予注销登记通知书"}, {}):
        assert "企业注销登记" not in names(client, **params)[0], params
    assert client.get("/api/v1/service-items", {"q": "注销"}).json()["items"] == []


def test_every_synonym_term_expands_to_itself_and_its_words():
    assert themes.search_terms("营业执照") == ["营业执照", "设立登记"]
    assert themes.search_terms("食品") == ["食品"]
    assert all(t.keywords or t.codes for t in themes.themes())
