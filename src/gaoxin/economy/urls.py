from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("", views.cockpit_view, name="cockpit"),
    path("indicators/", views.catalogue_view, name="catalogue"),
    path("indicators/excel/", views.catalogue_excel_view, name="catalogue_excel"),
    path("indicators/<str:code>/", views.indicator_view, name="indicator"),
    path("reviews/<int:year>/", views.review_view, name="review"),
    path("reviews/<int:year>/narrative/", views.review_narrative_view, name="review_narrative"),
    path("reviews/<int:year>/generate/", views.review_generate_view, name="review_generate"),
    path("evaluation/", views.evaluation_view, name="evaluation"),
    path("business-environment/", views.business_view, name="business"),
]
