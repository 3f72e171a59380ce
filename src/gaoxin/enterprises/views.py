from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gaoxin.core.errors import NotFound

from . import selectors
from .models import Industry


@login_required
def enterprise_list_view(request):
    if not request.user.is_authenticated:
        raise DjangoPermissionDenied
    q = request.GET.get("q", "")[:60]
    industry = request.GET.get("industry", "")[:40]
    page = Paginator(selectors.enterprise_list(user=request.user, q=q, industry=industry), 30).get_page(
        request.GET.get("page")
    )
    template = "enterprises/_rows.html" if request.htmx else "enterprises/list.html"
    return render(
        request, template, {"page": page, "q": q, "industry": industry, "industries": Industry.objects.all()}
    )


@login_required
def enterprise_detail_view(request, uscc: str):
    try:
        enterprise = selectors.enterprise_get(user=request.user, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "enterprises/detail.html",
        {"e": enterprise, "qualifications": enterprise.qualifications.all()},
    )
