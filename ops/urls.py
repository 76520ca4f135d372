"""Workflow pages of ops (mounted at the site root), the public status page and the Prometheus endpoint."""

from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("metrics", views.MetricsView.as_view(), name="metrics"),
    path("status/", views.status_page, name="status"),
    path("status.json", views.status_json, name="status-json"),
    path("ops/", views.dashboard_page, name="dashboard"),
    path("ops/panel", views.dashboard_panel, name="dashboard-panel"),
    path("ops/trading/halt", views.trading_halt, name="trading-halt"),
    path("ops/trading/resume", views.trading_resume, name="trading-resume"),
]
