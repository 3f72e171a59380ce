from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

import gaoxin.core.converters  # noqa: F401  registers <id:…>
from gaoxin.api import api
from gaoxin.core import metrics as core_metrics
from gaoxin.core import ops as core_ops
from gaoxin.core import views as core_views

from . import views

admin.site.site_header = admin.site.site_title = "gaoxin 系统管理"
admin.site.index_title = "基础数据维护"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_ops.readyz, name="readyz"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("accounts/", include("gaoxin.accounts.urls")),
    path("enterprises/", include("gaoxin.enterprises.urls")),
    path("services/", include("gaoxin.govservices.urls")),
    path("verify/<str:token>/", include(("gaoxin.govservices.public_urls", "verify"))),
    path("policies/", include("gaoxin.policies.urls")),
    path("investment/", include("gaoxin.investment.urls")),
    path("talent/", include("gaoxin.talent.urls")),
    path("innovation/", include("gaoxin.innovation.urls")),
    path("economy/", include("gaoxin.economy.urls")),
    path("calendar/", core_views.calendar_admin, name="calendar"),
    path("tasks/<id:run_id>/", core_views.task_run_page, name="task_run"),
    path("audit/", core_views.audit_log, name="audit"),
    path("workflows/", core_views.workflow_diagrams, name="workflows"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "gaoxin.core.errorpages.bad_request"
handler403 = "gaoxin.core.errorpages.permission_denied"
handler404 = "gaoxin.core.errorpages.page_not_found"
handler500 = "gaoxin.core.errorpages.server_error"
