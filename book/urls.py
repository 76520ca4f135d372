"""Workflow pages of the book, and seed 000's `/health` (mounted at the site root)."""

from django.urls import path

from . import views
from .health import Health

app_name = "book"

urlpatterns = [
    path("health", Health.as_view(), name="health"),
    path("book/positions/", views.positions_page, name="positions"),
    path("book/corrections/new/", views.correction_wizard, name="correction-wizard"),
]
