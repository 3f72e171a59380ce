"""The size and above-scale self-check page: an enterprise or a statistician tries figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from gaoxin.core.errors import DomainError, NotFound

from .. import classification, permissions
from ..indicators import parse_values
from .common import not_found

FIELDS = ["employees", "revenue", "assets"]


@login_required
def classification_check_view(request):
    if not permissions.can_try_classification(request.user):
        raise not_found(NotFound("未找到该页面"))
    typed = {"industry": "", "employees": "", "revenue": "", "assets": ""}
    result, errors = None, {}
    if request.method == "POST":
        typed = {k: request.POST.get(k, "").strip()[:40] for k in typed}
        values, errors = parse_values(FIELDS, typed)
        for name in ("revenue", "assets"):
            if values.get(name) is not None and values[name] < 0:
                errors[name] = _("不能为负数")
        if not errors:
            try:
                result = classification.check_figures(typed["industry"], **values)
            except DomainError as exc:
                errors = dict(exc.fields) or {"industry": exc.message}
    return render(
        request,
        "enterprises/classification_check.html",
        {"typed": typed, "result": result, "errors": errors},
        status=422 if errors else 200,
    )
