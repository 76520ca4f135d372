"""The trading day's page (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [path("desk/", views.today, name="today")]
