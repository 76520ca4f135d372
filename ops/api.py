"""REST API of ops: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
