from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.projects_view, name="projects"),
    path("projects.xlsx", views.projects_export_view, name="projects_export"),
    path("projects/<id:project_id>/", views.project_view, name="project"),
    path("chains/", views.chains_view, name="chains"),
    path("chains/<id:chain_id>/", views.chain_view, name="chain"),
    path("chains/<id:chain_id>/targets/", views.chain_targets_view, name="chain_targets"),
    path("carriers/", views.carriers_view, name="carriers"),
    path("trips/", views.trips_view, name="trips"),
    path("trips/<id:trip_id>/", views.trip_view, name="trip"),
    path("kpis/", views.kpis_view, name="kpis"),
    path("kpis.xlsx", views.kpis_export_view, name="kpis_export"),
]
