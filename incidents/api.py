"""REST API of incidents: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
