"""A tiny API and page over auth groups, for testing the core plumbing (filters, errors, roles) in isolation."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.urls import path
from rest_framework import generics

from core.idempotency import idempotent
from core.roles import AUDITOR, OPS, role_page, role_required
from core.serializers import StrictModelSerializer


class GroupSerializer(StrictModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupList(generics.ListCreateAPIView):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    permission_classes = [role_required(OPS, read=[AUDITOR])]
    filterset_fields = {"name": ["exact"], "id": ["gte"]}

    @idempotent
    def post(self, request, *args, **kwargs):
        return self.create(request, *args, **kwargs)


@role_page(OPS, read=[AUDITOR])
def group_page(request):
    return HttpResponse(f"{request.method} groups page")


# Also under /api/, where the input guard answers in the JSON error shape.
urlpatterns = [
    path("admin/", admin.site.urls),  # the product's 403 page links home
    path("groups", GroupList.as_view()),
    path("api/groups", GroupList.as_view()),
    path("groups/page", group_page, name="group-page"),
]
