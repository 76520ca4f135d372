"""Workflow pages of backups (mounted at the site root)."""

urlpatterns = []
