"""Workflow pages of reconciliation (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "recon"

urlpatterns = [
    path("recon/", views.home, name="home"),
    path("recon/breaks/<int:pk>/", views.break_detail, name="break"),
]
