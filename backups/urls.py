"""Workflow pages of ops.backups (mounted at the site root)."""

urlpatterns = []
