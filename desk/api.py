"""REST of the trading day under /api/v1/desk/: today's checklists and their sign-offs (read-only)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import ALL_ROLES, role_required

from . import day as trading_day
from . import selectors


class ItemSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    text = serializers.CharField()
    signed_by = serializers.CharField(source="signoff.signed_by", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(source="signoff.signed_at", allow_null=True, default=None)


class ChecklistSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    opens = serializers.DateTimeField()
    due = serializers.DateTimeField()
    complete = serializers.BooleanField()
    missed = serializers.BooleanField()
    items = ItemSerializer(many=True)


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField()
    timezone = serializers.CharField()
    trading_day = serializers.BooleanField()
    checklists = ChecklistSerializer(many=True)


class Today(APIView):
    """Today (in BOOK_TIMEZONE): the pre-market and end-of-day checklists, each item with who signed it off."""

    permission_classes = [role_required(read=ALL_ROLES)]

    @extend_schema(responses=TodaySerializer)
    def get(self, request):
        day = trading_day.today()
        body = {
            "date": day,
            "timezone": trading_day.zone().key,
            "trading_day": trading_day.is_trading_day(day),
            "checklists": selectors.checklists(day),
        }
        return Response(TodaySerializer(body).data)


urlpatterns = [path("desk/today", Today.as_view(), name="desk-today")]
