"""`GET /health`: seed 000's shape exactly, no auth — `{"status", "positions", "risk_pct"}`."""

from django.db import DatabaseError
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import HealthSerializer


class Health(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, summary="Book health (seed 000)")
    def get(self, request):
        try:
            state = selectors.portfolio_state()
        except DatabaseError:
            return Response(
                {"status": "unhealthy", "positions": 0, "risk_pct": 0.0, "error": "DB_UNAVAILABLE"}, status=503
            )
        return Response(
            {"status": "healthy", "positions": state["open_positions"], "risk_pct": round(float(state["risk_pct"]), 1)}
        )
