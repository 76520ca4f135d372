"""Workflow pages of audit (mounted at the site root)."""

urlpatterns = []
