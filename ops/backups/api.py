"""REST API of ops.backups: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
