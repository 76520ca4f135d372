"""A tiny API over auth groups, for testing the core plumbing (filters, errors) in isolation."""

from django.contrib.auth.models import Group
from django.urls import path
from rest_framework import generics, serializers

from core.roles import AUDITOR, role_required


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupList(generics.ListCreateAPIView):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    permission_classes = [role_required(read=[AUDITOR])]
    filterset_fields = {"name": ["exact"], "id": ["gte"]}


urlpatterns = [path("groups", GroupList.as_view())]
