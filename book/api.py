"""REST API of book: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
