"""The book's audit actions: what the position book records of every change."""

from django.db import models


class BookAction(models.TextChoices):
    INSTRUMENT_CREATED = "book.instrument.created", "Instrument added"
    POSITION_OPENED = "book.position.opened", "Position opened"
    POSITION_CLOSED = "book.position.closed", "Position closed"
    PRICES_RECORDED = "book.prices.recorded", "Prices recorded"
    MTM_RAN = "book.mtm.ran", "Mark-to-market run"
    CORRECTION_EXECUTED = "book.correction.executed", "Compensating correction executed"
    PRICE_EXCEPTION_RAISED = "book.price_exception.raised", "Price held: exception raised"
    PRICE_EXCEPTION_CLEARED = "book.price_exception.cleared", "Price exception cleared"
    CLOSE_ALL_EXECUTED = "book.close_all.executed", "All positions closed (emergency control)"
