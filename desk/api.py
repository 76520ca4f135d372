"""REST of the trading day under /api/v1/desk/: today's checklists, and signing off one of their items."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.idempotency import idempotent
from core.roles import ALL_ROLES, role_required
from core.serializers import StrictSerializer

from . import day as trading_day
from . import selectors, services
from .models import SignOff


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


class SignBodySerializer(StrictSerializer):
    checklist = serializers.ChoiceField(choices=sorted(trading_day.CHECKLISTS))
    item = serializers.IntegerField(min_value=1, max_value=100, help_text="1-based, as today's checklist lists it.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class SignOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignOff
        fields = ["id", "day", "checklist", "item", "text", "signed_by", "signed_at", "note", "seq", "hash"]


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


class SignOffCreate(APIView):
    """Sign off one item of today's checklist as the caller, as the desk page does (the same service)."""

    permission_classes = [role_required(*services.SIGNERS)]

    @extend_schema(
        request=SignBodySerializer, responses={201: SignOffSerializer}, summary="Sign off an item of today's checklist"
    )
    @idempotent
    def post(self, request):
        body = SignBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signoff = services.item_sign(actor=request.user, day=trading_day.today(), **body.validated_data)
        return Response(SignOffSerializer(signoff).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("desk/today", Today.as_view(), name="desk-today"),
    path("desk/today/signoffs", SignOffCreate.as_view(), name="desk-signoff-create"),
]
