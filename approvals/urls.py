"""Workflow pages of approvals (mounted at the site root)."""

urlpatterns = []
