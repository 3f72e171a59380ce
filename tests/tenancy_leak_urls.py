"""A URL map with deliberately unscoped routes, for the tenancy sweep to prove it catches them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from ninja import NinjaAPI

from gaoxin.api import auth
from gaoxin.govservices.models import Case
from gaoxin.urls import urlpatterns as real_urlpatterns

leak_api = NinjaAPI(urls_namespace="leak", auth=auth, docs_url=None)


@leak_api.get("/leak/cases/{number}")
def leak_case(request, number: str):
    return {"applicant": get_object_or_404(Case, number=number).applicant_name}


@leak_api.get("/leak/open", auth=None)
def leak_open(request):
    return {}


@login_required
def leak_case_page(request, number: str):
    return HttpResponse(get_object_or_404(Case, number=number).applicant_name)


@login_required
def leak_list_page(request):
    return HttpResponse(" ".join(Case.objects.values_list("number", flat=True)))


@login_required
def mystery_page(request, whatever: str):
    return HttpResponse("")


urlpatterns = [
    path("api/v1/", leak_api.urls),
    path("leak/<str:number>/", leak_case_page),
    path("leak-list/", leak_list_page),
    path("mystery/<str:whatever>/", mystery_page),
    *real_urlpatterns,
]
