"""Workflow pages of ops (mounted at the site root)."""

urlpatterns = []
