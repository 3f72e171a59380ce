from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("", views.cockpit_view, name="cockpit"),
    path("indicators/", views.catalogue_view, name="catalogue"),
]
