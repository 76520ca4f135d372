"""The position book: instruments, positions, prices, mark-to-market runs, the ledger, portfolio state.

A position's recorded facts (instrument, direction, size, entry price, opened_at) never
change and a position is never deleted: the database refuses it (`triggers.py`). Every
open, close, mark and correction appends a hash-chained `LedgerEntry` holding the
position's changing state after the event, so the book can be rebuilt at any moment.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from audit.canonical import unsigned_zero
from audit.models import AppendOnlyQuerySet, ChainedModel
from core.errors import Invalid

PRICE = {"max_digits": 20, "decimal_places": 6}
MONEY = {"max_digits": 24, "decimal_places": 2}
LOTS = {"max_digits": 16, "decimal_places": 4}
CENT = Decimal("0.01")
# Amounts at or beyond this overflow the money columns (10**22 with MONEY's 24 digits, 2 places).
MONEY_LIMIT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.005")


def money(value: Decimal, what: str, field: str) -> Decimal:
    """To the cent, 0.00 never -0.00; an amount the money columns cannot hold is a 400, not a database error."""
    if abs(value) >= MONEY_LIMIT:
        raise Invalid(
            f"{what} would be {value:.3E}, beyond what the book can record (under 1E+22).",
            fields={field: ["The resulting amount is too large."]},
        )
    return unsigned_zero(value.quantize(CENT))


class Direction(models.TextChoices):
    LONG = "LONG", "Long"
    SHORT = "SHORT", "Short"


class PositionStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    CLOSED = "CLOSED", "Closed"


class Instrument(models.Model):
    symbol = models.CharField(max_length=40, unique=True, help_text="The key clients use, e.g. GOLD_MINI.")
    name = models.CharField(max_length=200)
    asset_class = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3)
    point_value = models.DecimalField(max_digits=20, decimal_places=6, help_text="Money per point per lot.")
    margin_per_lot = models.DecimalField(**MONEY)
    price_tolerance_pct = models.DecimalField(
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="How far (%) a price may move from the previous one, or differ from another feed's, before it "
        "is held; empty: BOOK_PRICE_TOLERANCE_PCT.",
    )

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.CheckConstraint(condition=Q(point_value__gt=0), name="book_instrument_point_value_positive"),
            models.CheckConstraint(condition=Q(margin_per_lot__gte=0), name="book_instrument_margin_not_negative"),
            models.CheckConstraint(
                condition=Q(price_tolerance_pct__isnull=True) | Q(price_tolerance_pct__gt=0),
                name="book_instrument_tolerance_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol

    def tolerance_pct(self) -> Decimal:
        """The instrument's price tolerance in percent, or the book's default."""
        if self.price_tolerance_pct is not None:
            return self.price_tolerance_pct
        return Decimal(str(settings.BOOK_PRICE_TOLERANCE_PCT))

    def beyond_tolerance(self, price: Decimal, reference: Decimal) -> bool:
        """True when `price` is further than the tolerance from `reference`; exactly at it is within."""
        return abs(price - reference) * 100 > self.tolerance_pct() * reference


class PositionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PositionStatus.OPEN)

    def closed(self):
        return self.filter(status=PositionStatus.CLOSED)

    def for_instrument(self, symbol: str):
        return self.filter(instrument__symbol=symbol)


class Position(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="positions")
    direction = models.CharField(max_length=5, choices=Direction.choices)
    size = models.DecimalField(**LOTS, help_text="Lots.")
    entry_price = models.DecimalField(**PRICE)
    stop_price = models.DecimalField(**PRICE, null=True, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.CharField(max_length=150)
    status = models.CharField(max_length=6, choices=PositionStatus.choices, default=PositionStatus.OPEN)
    exit_price = models.DecimalField(**PRICE, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    realized_pnl = models.DecimalField(**MONEY, null=True, blank=True)
    current_price = models.DecimalField(**PRICE, null=True, blank=True)
    unrealized_pnl = models.DecimalField(**MONEY, null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        help_text="The incorrect position this one replaces (compensating correction).",
    )

    objects = PositionQuerySet.as_manager()
    link_kind = "position"  # journal entries link to a position as ("position", id)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="book_position_size_positive"),
            models.CheckConstraint(condition=Q(entry_price__gt=0), name="book_position_entry_positive"),
            models.CheckConstraint(
                condition=Q(stop_price__isnull=True) | Q(stop_price__gt=0), name="book_position_stop_positive"
            ),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="book_position_direction_known"),
            models.CheckConstraint(
                condition=Q(status=PositionStatus.OPEN, exit_price__isnull=True)
                | Q(
                    status=PositionStatus.CLOSED, exit_price__gt=0, closed_at__isnull=False, realized_pnl__isnull=False
                ),
                name="book_position_closed_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "id"], name="book_position_status_id"),
            models.Index(fields=["instrument", "status"], name="book_position_instr_status"),
            models.Index(fields=["opened_at", "id"], name="book_position_opened_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.direction} {self.size} {self.instrument_id} @ {self.entry_price}"

    @property
    def sign(self) -> int:
        return 1 if self.direction == Direction.LONG else -1

    def pnl_at(self, price: Decimal, point_value: Decimal | None = None) -> Decimal:
        """(price - entry) * size * point_value, negated for a short; to the cent, 0.00 never -0.00."""
        point_value = self.instrument.point_value if point_value is None else point_value
        pnl = (price - self.entry_price) * self.size * point_value * self.sign
        return money(pnl, f"The P&L of position {self.pk or '(new)'} at {price}", "price")

    def risk_amount(self) -> Decimal:
        """|entry - stop| * size * point_value, to the cent; 0 without a stop."""
        if self.stop_price is None:
            return Decimal("0.00")
        risk = abs(self.entry_price - self.stop_price) * self.size * self.instrument.point_value
        return money(risk, "The position's risk amount", "stop_price")

    def margin(self) -> Decimal:
        return money(self.size * self.instrument.margin_per_lot, "The position's margin", "size")


class PriceStatus(models.TextChoices):
    GOOD = "good", "Good: passed its checks"
    CONFIRMED = "confirmed", "Held, then confirmed by a second source"
    HELD = "held", "Held: failed a check, not used"
    STALE = "stale", "Too old to mark open positions"
    SET_ASIDE = "set_aside", "Replaced by an approved manual price"


class PriceQuerySet(AppendOnlyQuerySet):
    def held(self):
        """Prices no mark-to-market run may use (held, or set aside by a manual price)."""
        return self.exclude(pk__in=self.usable().values("pk"))

    def usable(self):
        """Prices a mark-to-market run may use: not held by an open price exception, nor set aside."""
        holding = PriceException.objects.filter(price=OuterRef("pk")).filter(
            Q(status=ExceptionStatus.OPEN, kind=ExceptionKind.CHECKS) | Q(resolution=Resolution.SUPERSEDED)
        )
        return self.filter(~Exists(holding))


class Price(ChainedModel):
    """An observed or overridden price; never edited, so the previous price always remains.

    A price feed's price is a market price; a price a person typed is `manual` and exists
    only once a second person approved it (`approval_id`).
    """

    HASH_FIELDS = ("instrument", "price", "source", "as_of", "recorded_at", "recorded_by", "manual", "approval_id")
    DEFAULT_CHAIN = "prices"

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="prices")
    price = models.DecimalField(**PRICE)
    source = models.CharField(max_length=100)
    as_of = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150, help_text="The feed, or the person who typed a manual price.")
    manual = models.BooleanField(default=False, help_text="Typed by a person and approved by another.")
    approval_id = models.BigIntegerField(null=True, blank=True, help_text="The approval of a manual price.")

    objects = PriceQuerySet.as_manager()

    class Meta(ChainedModel.Meta):
        constraints = [
            *ChainedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(price__gt=0), name="book_price_positive"),
        ]
        indexes = [models.Index(fields=["instrument", "as_of", "id"], name="book_price_latest")]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.price} ({self.source}, {self.as_of:%Y-%m-%d %H:%M})"

    @property
    def status(self) -> str:
        """held (failing its checks, not used), set aside (replaced by a manual price), stale, confirmed or good.

        Reads `exceptions.all()`: prefetch them for a list.
        """
        exceptions = list(self.exceptions.all())
        if any(e.resolution == Resolution.SUPERSEDED for e in exceptions):
            return PriceStatus.SET_ASIDE
        open_kinds = {e.kind for e in exceptions if e.status == ExceptionStatus.OPEN}
        if ExceptionKind.CHECKS in open_kinds:
            return PriceStatus.HELD
        if ExceptionKind.STALE in open_kinds:
            return PriceStatus.STALE
        if any(e.resolution == Resolution.CONFIRMED for e in exceptions):
            return PriceStatus.CONFIRMED
        return PriceStatus.GOOD


class PriceCheck(ChainedModel):
    """The checks a price passed or failed when it arrived: a fact about the price, kept like it."""

    HASH_FIELDS = ("price", "checked_at", "passed", "checks")
    DEFAULT_CHAIN = "price_checks"

    price = models.OneToOneField(Price, on_delete=models.PROTECT, related_name="checked")
    checked_at = models.DateTimeField()
    passed = models.BooleanField()
    checks = models.JSONField(
        default=list,
        help_text='Each check: {"check": "move"|"fresh"|"sources"|"manual", "ok": bool, "detail": "..."}.',
    )

    class Meta(ChainedModel.Meta):
        pass

    def __str__(self) -> str:
        return f"checks of price {self.price_id}: {'passed' if self.passed else 'held'}"


class ExceptionKind(models.TextChoices):
    CHECKS = "checks", "Failed its checks on arrival (held)"
    STALE = "stale", "Too old to mark open positions"


class ExceptionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLEARED = "cleared", "Cleared"


class Resolution(models.TextChoices):
    CONFIRMED = "confirmed", "A second source agreed: the price is used"
    SUPERSEDED = "superseded", "Replaced by a manual price (four eyes): the price is not used"
    REFRESHED = "refreshed", "A fresh price arrived"


class PriceExceptionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ExceptionStatus.OPEN)


class PriceException(models.Model):
    """A price that failed a check: held from the marks until a second source or a manual price clears it.

    Current state plus audit events (`book.price_exception.*`); the price and its checks stay as they came.
    """

    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="exceptions")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="price_exceptions")
    kind = models.CharField(max_length=10, choices=ExceptionKind.choices)
    detail = models.TextField()
    status = models.CharField(max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    cleared_by_price = models.ForeignKey(
        Price, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The price that cleared it."
    )
    approval_id = models.BigIntegerField(null=True, blank=True, help_text="The approved manual price that cleared it.")

    objects = PriceExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["price", "kind"], condition=Q(status="open"), name="book_price_exception_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolution="")
                | Q(status="cleared", cleared_at__isnull=False) & ~Q(resolution=""),
                name="book_price_exception_cleared_consistent",
            ),
        ]
        indexes = [models.Index(fields=["instrument", "status"], name="book_priceexc_instr_status")]

    def __str__(self) -> str:
        return f"price exception #{self.pk} ({self.kind}, {self.status}) on price {self.price_id}"


class MtmRun(ChainedModel):
    """One mark-to-market run, kept: who, when, the prices used, and the approval for an override."""

    HASH_FIELDS = ("ran_at", "ran_by", "prices", "positions_marked", "unrealized_pnl", "manual", "approval_id")
    DEFAULT_CHAIN = "mtm"

    ran_at = models.DateTimeField(db_index=True)
    ran_by = models.CharField(max_length=150)
    prices = models.JSONField(
        default=dict,
        help_text='The prices used: {"GOLD_MINI": {"price": "71450", "price_id": 3, "source": "MCX", "manual": false}}',
    )
    positions_marked = models.PositiveIntegerField(default=0)
    unrealized_pnl = models.DecimalField(**MONEY, default=Decimal("0"))
    manual = models.BooleanField(default=False, help_text="At least one price used was a manual price.")
    approval_id = models.BigIntegerField(null=True, blank=True)

    class Meta(ChainedModel.Meta):
        verbose_name = "MTM run"

    def __str__(self) -> str:
        return f"MTM #{self.pk} at {self.ran_at:%Y-%m-%d %H:%M} by {self.ran_by}"


class LedgerKind(models.TextChoices):
    OPEN = "open", "Open"
    CLOSE = "close", "Close"
    MARK = "mark", "Mark"
    CORRECTION = "correction", "Correction"


class LedgerEntry(ChainedModel):
    """The position's changing state right after one event; the latest entry at or before T is its state at T."""

    HASH_FIELDS = (
        "kind",
        "position",
        "recorded_at",
        "actor",
        "status",
        "price",
        "unrealized_pnl",
        "realized_pnl",
        "related",
    )
    DEFAULT_CHAIN = "book"

    kind = models.CharField(max_length=12, choices=LedgerKind.choices)
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="ledger")
    recorded_at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    status = models.CharField(max_length=6, choices=PositionStatus.choices)
    price = models.DecimalField(**PRICE, null=True, blank=True, help_text="Mark or exit price.")
    unrealized_pnl = models.DecimalField(**MONEY, null=True, blank=True)
    realized_pnl = models.DecimalField(**MONEY, null=True, blank=True)
    related = models.JSONField(default=dict, blank=True, help_text="Approval, MTM run, compensated position.")

    class Meta(ChainedModel.Meta):
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["position", "recorded_at", "id"], name="book_ledger_position_at")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.position_id} at {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class PortfolioState(models.Model):
    """The persisted portfolio state (seed 002), one row, updated with every open/close/correction/mark."""

    closed_equity = models.DecimalField(**MONEY)
    total_risk_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    margin_used = models.DecimalField(**MONEY, default=Decimal("0"))
    open_positions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="book_portfolio_state_singleton")]

    def __str__(self) -> str:
        return f"equity {self.closed_equity}, risk {self.total_risk_amount}, margin {self.margin_used}"

    @property
    def risk_pct(self) -> Decimal:
        if not self.closed_equity:
            return Decimal("0")
        return unsigned_zero((self.total_risk_amount / self.closed_equity * 100).quantize(Decimal("0.01")))


def starting_equity() -> Decimal:
    """Closed equity before any realized P&L (`BOOK_STARTING_EQUITY`)."""
    return Decimal(str(settings.BOOK_STARTING_EQUITY))
