"""REST API of approvals: serializers, views and routes (mounted under /api/v1/)."""

urlpatterns = []
