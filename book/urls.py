"""Workflow pages of the book (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "book"

urlpatterns = [
    path("book/positions/", views.positions_page, name="positions"),
    path("book/positions/open/", views.open_position, name="open"),
    path("book/positions/<int:pk>/close/", views.close_position, name="close"),
    path("book/positions/close-all/", views.close_all, name="close-all"),
    path("book/corrections/new/", views.correction_wizard, name="correction-wizard"),
]
