"""Workflow pages of incidents (mounted at the site root)."""

app_name = "incidents"
urlpatterns = []
