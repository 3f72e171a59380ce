from django.urls import path

from . import views

app_name = "innovation"
urlpatterns = [
    path("", views.carriers_view, name="carriers"),
    path("carriers/<id:innovation_carrier_id>/", views.carrier_view, name="carrier"),
    path("rd-centres/", views.rd_centres_view, name="rd_centres"),
    path("stations/", views.stations_view, name="stations"),
    path("experts/", views.experts_view, name="experts"),
    path("experts/<id:expert_id>/", views.expert_view, name="expert"),
    path("contracts/", views.contracts_view, name="contracts"),
    path("transfers/", views.transfers_view, name="transfers"),
]
