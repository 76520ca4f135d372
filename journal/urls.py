"""Workflow pages of journal (mounted at the site root)."""

app_name = "journal"
urlpatterns = []
