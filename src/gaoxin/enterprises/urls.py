from django.urls import path

from .views import classification, registry, reporting

app_name = "enterprises"
urlpatterns = [
    path("", registry.enterprise_list_view, name="list"),
    path("import/", registry.import_view, name="import"),
    path("expiring/", registry.expiring_view, name="expiring"),
    path("reports/", reporting.report_list_view, name="reports"),
    path("reports/<int:report_id>/", reporting.report_view, name="report"),
    path("statistics/", reporting.statistics_view, name="statistics"),
    path("statistics/not-reported/", reporting.not_reported_view, name="not_reported"),
    path("statistics/anomalies/", reporting.anomalies_view, name="anomalies"),
    path("classification-check/", classification.classification_check_view, name="classification_check"),
    path("<str:uscc>/", registry.enterprise_detail_view, name="detail"),
]
