"""Workflow pages of journal (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "journal"
urlpatterns = [
    path("journal/", views.timeline, name="timeline"),
    path("journal/add", views.entry_add, name="add"),
    path("journal/preview", views.preview, name="preview"),
    path("journal/links", views.link_search, name="link-search"),
    path("journal/<int:pk>/", views.entry_detail, name="entry"),
]
