"""Workflow pages of the book (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "book"

urlpatterns = [
    path("book/positions/", views.positions_page, name="positions"),
    path("book/corrections/new/", views.correction_wizard, name="correction-wizard"),
]
