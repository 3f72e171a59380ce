"""The site's error pages: 400, 403, 404, 500, a failed CSRF check and every domain error a page did not
catch, in the site's layout (navigation, a way back) and in the user's language — never Django's bare
English page. Wired in gaoxin/urls.py (handler400 …) and settings.CSRF_FAILURE_VIEW."""

from __future__ import annotations

import logging
import re

from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .middleware import api_error

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")


def titles() -> dict[int, str]:
    return {
        400: _("请求有误"),
        403: _("无权访问"),
        404: _("页面不存在"),
        409: _("操作冲突"),
        413: _("提交的内容过大"),
        422: _("填写内容有误"),
        429: _("请求过于频繁"),
        500: _("系统出错了"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("提交的请求无法识别，请返回上一页检查后重试。"),
        403: _("您的账户没有访问此页面的权限。如需办理，请联系管理员或所在部门。"),
        404: _("您要找的页面不存在，可能已被移除或链接有误。"),
        500: _("系统暂时无法完成您的请求，已记录此错误。请稍后重试，或拨打服务热线 12345。"),
    }


def user_message(exception: BaseException | None, status: int) -> str:
    """The exception's text when it was written for users (Chinese), else the status's explanation —
    Django's own texts ("No Case matches the given query.") are for developers."""
    text = str(exception or "")
    if text and _CJK.search(text):
        return text
    return _explanations().get(status, _("请求未能完成。"))


_API_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error"}


def error_page(request, status: int, message: str, *, title: str | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):  # the API answers JSON whatever went wrong
        return api_error(status, _API_CODES.get(status, "error"), message)
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=False)
        else ""
    )
    context = {
        "status": status,
        "title": title or titles().get(status, _("请求未能完成")),
        "message": message,
        "back": back,
    }
    try:
        body = loader.render_to_string("errors/page.html", context, request=request)
    except Exception:  # the layout itself failed (a database that is down): answer without it
        logger.exception("error page rendered without the layout")
        body = (
            f'<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(context['title'])}（{status}）</title><h1>{escape(context['title'])}</h1>"
            f'<p>{escape(message)}</p><p><a href="/">返回首页</a></p></html>'
        )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return error_page(request, 400, user_message(exception, 400))


def permission_denied(request, exception=None):
    return error_page(request, 403, user_message(exception, 403))


def page_not_found(request, exception=None):
    return error_page(request, 404, user_message(exception, 404))


def server_error(request):
    return error_page(request, 500, user_message(None, 500))


def csrf_failure(request, reason: str = ""):
    return error_page(
        request,
        403,
        _("页面已过期或提交来源无法确认，为保护您的账户，本次提交未被处理。请返回上一页，刷新后重新提交。"),
        title=_("提交未能验证"),
    )
