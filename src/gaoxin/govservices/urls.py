from django.urls import path

from . import views

app_name = "govservices"
urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("catalogue/excel/", views.catalogue_excel, name="catalogue_excel"),
    path("items/<str:code>/", views.guide_view, name="guide"),
    path("items/<str:code>/apply/", views.apply_view, name="apply"),
    path("cases/", views.case_list_view, name="cases"),
    path("cases/<str:number>/", views.case_view, name="case"),
    path("cases/<str:number>/check/", views.material_check_view, name="check"),
    path("cases/<str:number>/act/<str:action>/", views.case_action_view, name="act"),
    path("cases/<str:number>/materials/<int:material_id>/", views.material_download, name="material"),
    path("licences/<str:number>/pdf/", views.licence_pdf, name="licence_pdf"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("agent/", views.agent_view, name="agent"),
]
