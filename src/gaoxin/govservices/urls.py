from django.urls import path

from . import views, views_bundles, views_hall, views_kiosk, views_ratings

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
    path("ratings/", views_ratings.ratings_view, name="ratings"),
    path("ratings/new/", views_ratings.rating_submit_view, name="rate"),
    path(
        "ratings/rectifications/<int:pk>/<str:action>/", views_ratings.rectification_act_view, name="rectify"
    ),
    path("supervision/", views_ratings.supervision_view, name="supervision"),
    path("supervision/<int:pk>/resolve/", views_ratings.card_resolve_view, name="card_resolve"),
    path("bundles/", views_bundles.bundle_list_view, name="bundles"),
    path("bundles/<str:bundle_code>/", views_bundles.bundle_view, name="bundle"),
    path("bundle-cases/<str:bundle_number>/", views_bundles.bundle_case_view, name="bundle_case"),
    path(
        "bundle-cases/<str:bundle_number>/act/<str:action>/",
        views_bundles.bundle_case_action_view,
        name="bundle_act",
    ),
    path("projects/<str:track_number>/", views_bundles.track_view, name="track"),
    path("hall/", views_hall.hall_view, name="hall"),
    path("hall/manage/", views_hall.hall_manage_view, name="hall_manage"),
    path("hall/do/<str:action>/", views_hall.hall_post_view, name="hall_post"),
    path("hall/tickets/<int:ticket_id>/act/<str:action>/", views_hall.ticket_act_view, name="ticket_act"),
    path("hall/<str:hall_code>/screen/", views_hall.screen_view, name="hall_screen"),
    path("hall/<str:hall_code>/screen.json", views_hall.screen_json, name="hall_screen_json"),
    path("hall/<str:hall_code>/statistics/", views_hall.wait_stats_view, name="hall_stats"),
    path("kiosk/", views_kiosk.kiosk_home_view, name="kiosk"),
    path("kiosk/login/", views_kiosk.kiosk_login_view, name="kiosk_login"),
    path("kiosk/logout/", views_kiosk.kiosk_logout_view, name="kiosk_logout"),
    path("kiosk/items/<str:code>/", views_kiosk.kiosk_apply_view, name="kiosk_apply"),
    path("kiosk/cases/<str:number>/", views_kiosk.kiosk_case_view, name="kiosk_case"),
    path("projects/<str:track_number>/act/<str:action>/", views_bundles.track_action_view, name="track_act"),
]
