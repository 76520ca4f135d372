"""Liveness: answers without touching the database, for load balancers and `curl`."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer("Liveness", {"status": serializers.CharField()}),
        summary="Liveness (no database work)",
    )
    def get(self, request):
        return Response({"status": "healthy"})
