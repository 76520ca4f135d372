"""Workflow pages of incidents (mounted at the site root)."""

urlpatterns = []
