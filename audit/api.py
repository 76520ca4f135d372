"""REST API of audit: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
