from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password"),
    path("totp/", views.totp_view, name="totp"),
    path("operators/", views.operators_view, name="operators"),
    path("register/", views.register_view, name="register"),
    path("claims/", views.claims_view, name="claims"),
    path("display/", views.display_mode_view, name="display"),
]
