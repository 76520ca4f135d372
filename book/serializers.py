"""Shapes of the book's REST API: requests (documented; the services validate) and responses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import PositiveDecimalField, StrictSerializer

from .models import Direction, Instrument, MtmRun, Position, Price, PriceException, PriceStatus

NUMBER = serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=True)


class InstrumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = [
            "id",
            "symbol",
            "name",
            "asset_class",
            "currency",
            "point_value",
            "margin_per_lot",
            "price_tolerance_pct",
        ]


class InstrumentIn(StrictSerializer):
    symbol = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    asset_class = serializers.CharField(max_length=40, required=False, allow_blank=True)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217 code, e.g. INR.")
    point_value = PositiveDecimalField(max_digits=20, decimal_places=6)
    margin_per_lot = PositiveDecimalField(max_digits=24, decimal_places=2)
    price_tolerance_pct = PositiveDecimalField(
        max_digits=7,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text="How far (%) a price may move before it is held; default BOOK_PRICE_TOLERANCE_PCT.",
    )


class PositionSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.symbol")
    currency = serializers.CharField(source="instrument.currency")
    corrects_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "instrument",
            "currency",
            "direction",
            "size",
            "entry_price",
            "stop_price",
            "opened_at",
            "opened_by",
            "status",
            "exit_price",
            "closed_at",
            "realized_pnl",
            "current_price",
            "unrealized_pnl",
            "marked_at",
            "notes",
            "corrects_id",
        ]


class PositionOpenIn(StrictSerializer):
    instrument = serializers.CharField(help_text="Instrument symbol, e.g. GOLD_MINI.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    size = PositiveDecimalField(max_digits=16, decimal_places=4)
    entry_price = PositiveDecimalField(max_digits=20, decimal_places=6)
    stop_price = PositiveDecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class PositionCloseIn(StrictSerializer):
    exit_price = PositiveDecimalField(max_digits=20, decimal_places=6)
    notes = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Needed when the exit price is beyond the instrument's tolerance from the latest usable price "
        "(else `notes` is taken): the close then waits for a second person.",
    )


REASON_HELP = "Required when a person posts: why this price, not the feed's (the approver reads it)."


class PriceFields(StrictSerializer):
    instrument = serializers.CharField()
    price = PositiveDecimalField(max_digits=20, decimal_places=6)
    source = serializers.CharField(max_length=100)
    as_of = serializers.DateTimeField(required=False, help_text="When the price was observed; default now.")


class PriceIn(PriceFields):
    reason = serializers.CharField(required=False, allow_blank=True, help_text=REASON_HELP)


class PricesIn(StrictSerializer):
    prices = serializers.ListField(
        child=PriceFields(), min_length=1, help_text="Or send one price object as the whole body."
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text=REASON_HELP)


class PriceSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.symbol")

    class Meta:
        model = Price
        fields = [
            "id",
            "instrument",
            "price",
            "source",
            "as_of",
            "recorded_at",
            "recorded_by",
            "manual",
            "approval_id",
        ]


class PriceCheckResult(serializers.Serializer):
    check = serializers.ChoiceField(choices=["move", "fresh", "sources", "manual"])
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class PriceListSerializer(PriceSerializer):
    """A recorded price with the checks it met on arrival and what became of it."""

    status = serializers.ChoiceField(choices=PriceStatus.choices, read_only=True)
    checks = serializers.SerializerMethodField()

    class Meta(PriceSerializer.Meta):
        fields = [*PriceSerializer.Meta.fields, "status", "checks"]

    @extend_schema_field(PriceCheckResult(many=True))
    def get_checks(self, price: Price) -> list[dict]:
        """Empty for a price recorded before checks existed."""
        checked = getattr(price, "checked", None)
        return PriceCheckResult(checked.checks if checked else [], many=True).data


class PriceExceptionSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.symbol")
    price = PriceSerializer()

    class Meta:
        model = PriceException
        fields = [
            "id",
            "instrument",
            "kind",
            "detail",
            "status",
            "raised_at",
            "cleared_at",
            "cleared_by",
            "resolution",
            "cleared_by_price_id",
            "approval_id",
            "price",
        ]


class MtmIn(StrictSerializer):
    manual_prices = serializers.DictField(
        child=PositiveDecimalField(max_digits=20, decimal_places=6),
        required=False,
        help_text="Symbol → price. An override: needs reason and source, and four-eyes approval (202).",
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True, help_text="Bloomberg, broker, exchange…")


class PriceUsed(serializers.Serializer):
    """One price a run used, and where it came from."""

    price = NUMBER
    price_id = serializers.IntegerField(help_text="The id of the recorded price (admin: Prices).")
    source = serializers.CharField()
    manual = serializers.BooleanField(
        default=False, help_text="false: from a price feed; true: typed by a person and approved by another."
    )
    approval_id = serializers.IntegerField(allow_null=True, default=None, help_text="The approval of a manual price.")
    recorded_by = serializers.CharField(default="", help_text="The feed, or the person who typed it.")
    as_of = serializers.DateTimeField(allow_null=True, default=None)


class MtmRunSerializer(serializers.ModelSerializer):
    prices = serializers.DictField(
        child=PriceUsed(), help_text="Instrument symbol → the price the run used and where it came from."
    )
    manual = serializers.BooleanField(help_text="At least one price used was a manual price.")

    class Meta:
        model = MtmRun
        fields = ["id", "ran_at", "ran_by", "prices", "positions_marked", "unrealized_pnl", "manual", "approval_id"]


class CorrectIn(StrictSerializer):
    instrument = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    size = PositiveDecimalField(max_digits=16, decimal_places=4)
    entry_price = PositiveDecimalField(max_digits=20, decimal_places=6)
    stop_price = PositiveDecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)


class CorrectionIn(StrictSerializer):
    position_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()
    correct = CorrectIn()


class CloseAllIn(StrictSerializer):
    reason = serializers.CharField(help_text="Why the whole book must be closed now.")


class PendingApproval(serializers.Serializer):
    approval_id = serializers.IntegerField()
    status = serializers.CharField()
    action = serializers.CharField()
    preview = serializers.DictField(required=False)


class StateSerializer(serializers.Serializer):
    open_positions = serializers.IntegerField()
    closed_equity = serializers.DecimalField(max_digits=24, decimal_places=2)
    total_risk_amount = serializers.DecimalField(max_digits=24, decimal_places=2)
    margin_used = serializers.DecimalField(max_digits=24, decimal_places=2)
    risk_pct = serializers.DecimalField(max_digits=12, decimal_places=2)
    updated_at = serializers.DateTimeField(allow_null=True)


class RecoverySerializer(serializers.Serializer):
    positions = serializers.ListField(child=serializers.DictField())
    portfolio_state = StateSerializer()
    build_ms = serializers.FloatField(help_text="How long building the snapshot took.")
