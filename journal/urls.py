"""Workflow pages of journal (mounted at the site root)."""

urlpatterns = []
