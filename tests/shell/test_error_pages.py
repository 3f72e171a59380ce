"""Every error a person can meet on a page is answered inside the site's layout, in their language, with
a way back: 400, 403, 404, 500, a failed CSRF check, and each domain error a view did not catch."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path, reverse

import gaoxin.urls
from gaoxin.core import errorpages
from gaoxin.core.errors import ERROR_CLASSES, NotAuthenticated, status_of
from gaoxin.core.middleware import page_error_response
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = pytest.mark.django_db

LAYOUT = ('<header class="topbar">', 'class="footer"')


def assert_site_page(response, status: int, *phrases: str):
    body = response.content.decode()
    assert response.status_code == status
    for mark in LAYOUT:
        assert mark in body, f"{status} 页面没有站点布局"
    assert "返回首页" in body
    for phrase in phrases:
        assert phrase in body, phrase
    for english in ("Not Found", "Forbidden", "Server Error", "CSRF verification failed", "Bad Request"):
        assert english not in body, english


@pytest.fixture
def clerk_client():
    staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    c = Client()
    assert c.login(username="clerk", password=DEFAULT_PASSWORD)
    return c


def test_unknown_page_is_a_chinese_404_with_the_menu(clerk_client):
    response = clerk_client.get("/no-such-page/", HTTP_REFERER="http://testserver/services/")
    assert_site_page(response, 404, "页面不存在", 'class="mainnav"', "返回上一页")
    assert 'href="http://testserver/services/"' in response.content.decode()


def test_a_foreign_referer_is_not_offered_as_the_way_back(clerk_client):
    response = clerk_client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")
    assert_site_page(response, 404)
    assert "evil.example" not in response.content.decode()


def test_object_not_found_does_not_show_the_developer_text(clerk_client):
    response = clerk_client.get("/services/cases/999999/")
    assert response.status_code == 404
    assert "matches the given query" not in response.content.decode()
    assert_site_page(response, 404)


def test_anonymous_404_offers_a_login_link():
    response = Client().get("/no-such-page/")
    assert_site_page(response, 404, "登录")


def test_english_mode_error_page_is_english(clerk_client):
    clerk_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = clerk_client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and "Home page" in body
    assert "页面不存在" not in body


def test_csrf_failure_is_a_chinese_page_in_the_layout():
    staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    c = Client(enforce_csrf_checks=True)
    c.login(username="clerk", password=DEFAULT_PASSWORD)
    response = c.post(reverse("accounts:password"), {"old_password": "x"})
    assert_site_page(response, 403, "提交未能验证", "刷新后重新提交")


def _anonymous_request(path="/x/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_permission_denied_keeps_a_chinese_reason_and_replaces_an_english_one():
    request = _anonymous_request()
    kept = errorpages.permission_denied(request, PermissionDenied("动态口令仅对工作人员开放"))
    assert_site_page(kept, 403, "动态口令仅对工作人员开放", "登录")
    replaced = errorpages.permission_denied(request, PermissionDenied("Permission denied"))
    assert "Permission denied" not in replaced.content.decode()
    assert_site_page(replaced, 403, "没有访问此页面的权限")


def test_server_error_page_and_its_fallback_without_a_layout(monkeypatch):
    request = _anonymous_request()
    assert_site_page(errorpages.server_error(request), 500, "系统出错了", "12345")

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(errorpages.loader, "render_to_string", broken)
    fallback = errorpages.server_error(request)
    assert fallback.status_code == 500
    assert "系统出错了" in fallback.content.decode() and "返回首页" in fallback.content.decode()


def test_unhandled_exception_in_a_view_gives_the_500_page(clerk_client, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    client.cookies = clerk_client.cookies

    def boom(request):
        raise RuntimeError("secret-internal-detail")

    urlconf = type("U", (), {"urlpatterns": [path("boom/", boom)] + gaoxin.urls.urlpatterns})
    for name in ("handler400", "handler403", "handler404", "handler500"):
        setattr(urlconf, name, getattr(gaoxin.urls, name))
    settings.ROOT_URLCONF = urlconf
    response = client.get("/boom/")
    assert_site_page(response, 500, "系统出错了")
    assert "secret-internal-detail" not in response.content.decode()


@pytest.mark.parametrize("error_class", sorted(ERROR_CLASSES, key=lambda c: c.__name__))
def test_every_domain_error_class_answers_a_page_in_the_layout(error_class):
    request = _anonymous_request("/somewhere/")
    exc = error_class("测试说明：请检查后重试")
    response = page_error_response(request, exc)
    if error_class is NotAuthenticated:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert_site_page(response, status_of(exc), "测试说明：请检查后重试")


def test_api_paths_keep_json_errors():
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
