"""REST API of journal: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
