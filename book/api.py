"""REST API of the book under /api/v1/pms/ (seed 004's paths and bodies, exactly)."""

from django.http import HttpResponse
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import ApprovalRequest
from core.csv import CSVRenderer
from core.filters import MomentFilter
from core.idempotency import idempotent
from core.roles import ALL_ROLES, OPS, PM, PRICE_FEED, role_required

from . import selectors, services
from . import serializers as s
from .models import Instrument, MtmRun, PositionStatus, Price, PriceException
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

    @extend_schema(
        request=s.PositionCloseIn,
        responses={
            200: s.PositionSerializer,
            202: OpenApiResponse(s.PendingApproval, "Exit price away from the market: waits for a second person"),
        },
        description="Closes at `exit_price` (200). An exit price further than the instrument's tolerance from "
        "the latest usable price needs `reason` (or `notes`) and a second person's approval (202, action "
        "`book.close_off_market`); without a reason it is a 400.",
    )
    @idempotent
    def post(self, request, pk: int):
        result = services.position_close(actor=request.user, position_id=pk, **_valid(s.PositionCloseIn, request))
        if isinstance(result, ApprovalRequest):
            return _pending(result)
        return Response(s.PositionSerializer(result).data)


class PriceFilter(filters.FilterSet):
    instrument = filters.CharFilter(field_name="instrument__symbol", help_text="Instrument symbol.")
    source = filters.CharFilter()
    manual = filters.BooleanFilter()
    status = filters.ChoiceFilter(
        choices=[("usable", "Usable by a mark-to-market run"), ("held", "Held or set aside: not used")],
        method="by_status",
    )
    since = MomentFilter(field_name="as_of", lookup_expr="gte", help_text="Observed at or after (ISO 8601).")
    until = MomentFilter(field_name="as_of", lookup_expr="lte", help_text="Observed at or before (ISO 8601).")

    class Meta:
        model = Price
        fields = ["instrument", "source", "manual", "status", "since", "until"]

    def by_status(self, queryset, name, value):
        return queryset.usable() if value == "usable" else queryset.held()


def _csv_or_page(view, request) -> Response:
    """CSV is the whole filtered range (newest first, capped); JSON is cursor pages."""
    queryset = view.filter_queryset(view.get_queryset())
    if request.accepted_renderer.format == "csv":
        return Response(view.get_serializer(queryset.order_by("-pk")[:MAX_CSV_ROWS], many=True).data)
    page = view.paginate_queryset(queryset)
    return view.get_paginated_response(view.get_serializer(page, many=True).data)


class ListAndPostSchema(AutoSchema):
    """Pages are for the GET list; a POST answering with a list answers with a plain list."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None


class Prices(generics.ListAPIView):
    """Recorded prices with their checks and status (GET); a feed's prices are market prices, checked
    before they mark the book (201); a person's are manual prices (202)."""

    permission_classes = [role_required(PRICE_FEED, PM, OPS, read=ALL_ROLES)]
    serializer_class = s.PriceListSerializer
    filterset_class = PriceFilter
    schema = ListAndPostSchema()
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def get_queryset(self):
        return selectors.prices()

    @extend_schema(summary="Prices, newest first, with their checks and status (?format=csv for a spreadsheet)")
    def get(self, request, *args, **kwargs):
        return _csv_or_page(self, request)

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
        description="Price feeds (role `Price feed`) post market prices; each is checked (move from the previous "
        "price, age, agreement with another feed) and one that fails is held with a price exception. A price a "
        "person posts is a manual price: it needs `reason` and `source`, and takes effect (a mark-to-market run "
        "uses it) only after another person approves it (action `book.manual_price`); the requester never can.",
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


class MtmFilter(filters.FilterSet):
    manual = filters.BooleanFilter(help_text="At least one price used was a manual price.")
    since = MomentFilter(field_name="ran_at", lookup_expr="gte", help_text="Ran at or after (ISO 8601).")
    until = MomentFilter(field_name="ran_at", lookup_expr="lte", help_text="Ran at or before (ISO 8601).")

    class Meta:
        model = MtmRun
        fields = ["manual", "since", "until"]


class Mtm(generics.ListAPIView):
    """Kept mark-to-market runs with the prices each used (GET); a run or an override (POST)."""

    permission_classes = [role_required(PM, read=ALL_ROLES)]
    serializer_class = s.MtmRunSerializer
    filterset_class = MtmFilter
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    queryset = MtmRun.objects.all()

    @extend_schema(summary="MTM runs, newest first, with the prices each used (?format=csv for a spreadsheet)")
    def get(self, request, *args, **kwargs):
        return _csv_or_page(self, request)

    @extend_schema(
        request=s.MtmIn,
        responses={
            200: OpenApiResponse(s.MtmRunSerializer, "The kept run, with every price it used and its origin"),
            202: OpenApiResponse(s.PendingApproval, "Override awaiting approval"),
        },
        description="`{}` marks every open position at its instrument's latest usable price: a price feed's "
        "that passed its checks (or was confirmed), or a manual price once approved; a price older than "
        "BOOK_PRICE_MAX_AGE is not used. `prices` in the answer lists each price used: `price_id`, `source`, "
        "`manual` (false: feed) and `approval_id`. A run that would move unrealized P&L by more than "
        "BOOK_MTM_PNL_THRESHOLD_PCT of closed equity waits for approval (202, action `book.mtm_run`). "
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
        if isinstance(result, ApprovalRequest):
            return _pending(result)
        return Response(s.MtmRunSerializer(result).data)


class ExceptionFilter(filters.FilterSet):
    instrument = filters.CharFilter(field_name="instrument__symbol", help_text="Instrument symbol.")

    class Meta:
        model = PriceException
        fields = ["instrument", "status", "kind"]


class PriceExceptions(generics.ListAPIView):
    """Price exceptions, newest first: held prices and what cleared them."""

    permission_classes = [role_required(read=ALL_ROLES)]
    serializer_class = s.PriceExceptionSerializer
    filterset_class = ExceptionFilter
    queryset = PriceException.objects.select_related("instrument", "price__instrument")


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
    path("pms/book/prices/exceptions", PriceExceptions.as_view(), name="book-price-exceptions"),
    path("pms/book/mtm", Mtm.as_view(), name="book-mtm"),
    path("pms/book/corrections", Corrections.as_view(), name="book-corrections"),
    path("pms/book/state", State.as_view(), name="book-state"),
]
