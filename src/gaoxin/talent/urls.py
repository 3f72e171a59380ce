from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("", views.talents_view, name="talents"),
    path("talents/<id:talent_id>/", views.talent_view, name="talent"),
    path("tiers/", views.tiers_view, name="tiers"),
]

# ---- 人才公寓 and 限价房 (views_flats.py) ----------------------------------------------------------

from . import views_flats  # noqa: E402

urlpatterns += [
    path("flats/", views_flats.flats_view, name="flats"),
    path("flats/waiting-list/", views_flats.waiting_list_view, name="waiting_list"),
    path("flats/applications/", views_flats.flat_applications_view, name="flat_applications"),
    path(
        "flats/applications/<id:application_id>/",
        views_flats.flat_application_view,
        name="flat_application",
    ),
    path("flats/purchases/", views_flats.purchases_view, name="purchases"),
    path("flats/purchases/<id:purchase_id>/", views_flats.purchase_view, name="purchase"),
]
