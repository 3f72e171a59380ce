"""The public licence verification page at the site root: /verify/<token>/ (the QR code's address)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.verify_view, name="page")]
