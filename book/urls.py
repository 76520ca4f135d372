"""Workflow pages of book (mounted at the site root)."""

urlpatterns = []
