from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("p/<id:pk>/", views.policy_view, name="policy"),
    path("clauses/<id:pk>/", views.clause_view, name="clause"),
    path("clauses/<id:pk>/rule/", views.rule_editor_view, name="rule_editor"),
    path("clauses/<id:pk>/batch/", views.clause_batch_view, name="clause_batch"),
    path("clauses/<id:pk>/state/", views.clause_state_view, name="clause_state"),
    path("clauses/<id:pk>/notify/", views.clause_notify_view, name="clause_notify"),
    path("clauses/<id:pk>/service-item/", views.clause_service_item_view, name="clause_service_item"),
    path("rules/preview/", views.rule_preview_view, name="rule_preview"),
    path("rules/builder/", views.rule_builder_view, name="rule_builder"),
    path("awards/", views.awards_view, name="awards"),
    path("awards/<id:pk>/", views.award_view, name="award"),
    path("payments/", views.payments_view, name="payments"),
    path("payments/<id:pk>/", views.payment_view, name="payment"),
    path("payments/<id:pk>/file/", views.payment_file_view, name="payment_file"),
    path("funds/", views.funds_view, name="funds"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("mine/", views.mine_view, name="mine"),
    path("relief/", views.relief_view, name="relief"),
    path("loans/", views.loans_view, name="loans"),
]
