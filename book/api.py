"""REST API of the book under /api/v1/pms/ (seed 004's paths and bodies, exactly)."""

from django.http import HttpResponse
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.csv import CSVRenderer
from core.filters import MomentFilter
from core.idempotency import idempotent
from core.roles import ALL_ROLES, OPS, PM, PRICE_FEED, role_required

from . import selectors, services
from . import serializers as s
from .models import Instrument, PositionStatus
from .recovery import recovery_snapshot_json
from .values import moment

BookRead = role_required(PM, read=ALL_ROLES)
MAX_CSV_ROWS = 100_000


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _pending(request_) -> Response:
    body = {"approval_id": request_.pk, "status": request_.status, "action": request_.action}
    return Response(body, status=status.HTTP_202_ACCEPTED)


class InstrumentList(generics.ListAPIView):
    permission_classes = [role_required(PM, OPS, read=(*ALL_ROLES, PRICE_FEED))]
    serializer_class = s.InstrumentSerializer
    queryset = Instrument.objects.all()
    filterset_fields = ["symbol", "currency"]

    @extend_schema(request=s.InstrumentIn, responses={201: s.InstrumentSerializer})
    @idempotent
    def post(self, request):
        instrument = services.instrument_create(actor=request.user, **_valid(s.InstrumentIn, request))
        return Response(s.InstrumentSerializer(instrument).data, status=status.HTTP_201_CREATED)


class PositionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PositionStatus.choices, method="noop")
    instrument = filters.CharFilter(method="noop", help_text="Instrument symbol.")
    as_of = MomentFilter(method="noop", help_text="Rebuild the book as it was at this moment.")

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        as_of = data.get("as_of")
        if as_of is not None:
            as_of = moment("as_of", as_of)
        return selectors.positions(
            status=data.get("status") or None, instrument=data.get("instrument") or None, as_of=as_of
        )


class PositionList(generics.ListAPIView):
    """Positions newest first; `as_of` shows each with its status and marks at that moment."""

    permission_classes = [BookRead]
    serializer_class = s.PositionSerializer
    filterset_class = PositionFilter
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def get_queryset(self):
        return selectors.positions()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        as_of = bool(request.query_params.get("as_of"))  # `?as_of=` (empty) is the book as it is now
        if request.accepted_renderer.format == "csv":
            rows = list(queryset[:MAX_CSV_ROWS])
            rows = selectors.apply_as_of(rows) if as_of else rows
            return Response(self.get_serializer(rows, many=True).data)
        page = self.paginate_queryset(queryset)
        page = selectors.apply_as_of(page) if as_of else page
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PositionDetail(generics.RetrieveAPIView):
    permission_classes = [BookRead]
    serializer_class = s.PositionSerializer
    queryset = selectors.positions()


class PositionOpen(APIView):
    permission_classes = [role_required(PM)]

    @extend_schema(request=s.PositionOpenIn, responses={201: s.PositionSerializer})
    @idempotent
    def post(self, request):
        position = services.position_open(actor=request.user, **_valid(s.PositionOpenIn, request))
        return Response(s.PositionSerializer(position).data, status=status.HTTP_201_CREATED)


class PositionClose(APIView):
    permission_classes = [role_required(PM)]

    @extend_schema(request=s.PositionCloseIn, responses={200: s.PositionSerializer})
    @idempotent
    def post(self, request, pk: int):
        position = services.position_close(actor=request.user, position_id=pk, **_valid(s.PositionCloseIn, request))
        return Response(s.PositionSerializer(position).data)


class Prices(APIView):
    """A price feed's prices are market prices at once (201); a person's are manual prices (202)."""

    permission_classes = [role_required(PRICE_FEED, PM, OPS)]

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="PricesOrPrice", serializers=[s.PricesIn, s.PriceIn], resource_type_field_name=None
        ),
        responses={
            201: OpenApiResponse(s.PriceSerializer(many=True), "Posted by a price feed: recorded as market prices"),
            202: OpenApiResponse(
                s.PendingApproval, "Posted by a person: a manual price, recorded once a second person approves"
            ),
        },
        description="Price feeds (role `Price feed`) post market prices. A price a person posts is a manual "
        "price: it needs `reason` and `source`, and takes effect (a mark-to-market run uses it) only after "
        "another person approves it (action `book.manual_price`); the requester can never approve it.",
    )
    @idempotent
    def post(self, request):
        many = isinstance(request.data, dict) and "prices" in request.data
        data = _valid(s.PricesIn, request) if many else _valid(s.PriceIn, request)
        items = [dict(item) for item in data["prices"]] if many else [data]
        reason = data.get("reason", "")
        for item in items:
            item.pop("reason", None)
        result = services.prices_record(actor=request.user, prices=items, reason=reason)
        if not isinstance(result, list):
            return _pending(result)
        return Response(s.PriceSerializer(result, many=True).data, status=status.HTTP_201_CREATED)


class Mtm(APIView):
    permission_classes = [role_required(PM)]

    @extend_schema(
        request=s.MtmIn,
        responses={
            200: OpenApiResponse(s.MtmRunSerializer, "The kept run, with every price it used and its origin"),
            202: OpenApiResponse(s.PendingApproval, "Override awaiting approval"),
        },
        description="`{}` marks every open position at its instrument's latest price: a price feed's, or a "
        "manual price once approved (a posted manual price waiting for approval is not used). `prices` in the "
        "answer lists each price used: `price_id`, `source`, `manual` (false: feed) and `approval_id`. "
        "`manual_prices` is an override: it needs `reason` and `source` and a second person's approval (202).",
    )
    @idempotent
    def post(self, request):
        data = _valid(s.MtmIn, request)
        result = services.mtm_run(
            actor=request.user,
            manual_prices=data.get("manual_prices"),
            reason=data.get("reason", ""),
            source=data.get("source", ""),
        )
        if hasattr(result, "approver_roles"):
            return _pending(result)
        return Response(s.MtmRunSerializer(result).data)


class Corrections(APIView):
    permission_classes = [role_required(PM)]

    @extend_schema(request=s.CorrectionIn, responses={202: s.PendingApproval})
    @idempotent
    def post(self, request):
        data = _valid(s.CorrectionIn, request)
        approval = services.correction_propose(
            actor=request.user, position_id=data["position_id"], reason=data["reason"], correct=dict(data["correct"])
        )
        return _pending(approval)


class CloseAll(APIView):
    permission_classes = [role_required(PM)]

    @extend_schema(
        request=s.CloseAllIn,
        responses={202: s.PendingApproval},
        description="Seed 003's emergency control: asks a second person (action `book.close_all`) to close "
        "every open position at its latest price. 409 when nothing is open, an instrument has no price, or "
        "such a request is already waiting.",
    )
    @idempotent
    def post(self, request):
        approval = services.close_all_propose(actor=request.user, reason=_valid(s.CloseAllIn, request)["reason"])
        return _pending(approval)


class State(APIView):
    """The recovery snapshot a trading process loads on restart (seed 002)."""

    permission_classes = [BookRead]

    @extend_schema(responses=s.RecoverySerializer)
    def get(self, request):
        return HttpResponse(recovery_snapshot_json(), content_type="application/json")


urlpatterns = [
    path("pms/book/instruments", InstrumentList.as_view(), name="book-instruments"),
    path("pms/book/positions", PositionList.as_view(), name="book-positions"),
    path("pms/book/positions/open", PositionOpen.as_view(), name="book-position-open"),
    path("pms/book/positions/close-all", CloseAll.as_view(), name="book-positions-close-all"),
    path("pms/book/positions/<int:pk>", PositionDetail.as_view(), name="book-position"),
    path("pms/book/positions/<int:pk>/close", PositionClose.as_view(), name="book-position-close"),
    path("pms/book/prices", Prices.as_view(), name="book-prices"),
    path("pms/book/mtm", Mtm.as_view(), name="book-mtm"),
    path("pms/book/corrections", Corrections.as_view(), name="book-corrections"),
    path("pms/book/state", State.as_view(), name="book-state"),
]
