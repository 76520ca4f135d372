"""Workflow pages of approvals (mounted at the site root): the queue and one request."""

from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.queue, name="queue"),
    path("approvals/<int:pk>/", views.detail, name="detail"),
    path("approvals/<int:pk>/cancel/", views.cancel, name="cancel"),
]
