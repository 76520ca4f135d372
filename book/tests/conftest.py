"""Book test helpers (the instruments and `open_position` fixtures live in the root conftest)."""

from decimal import Decimal


def D(value) -> Decimal:
    return Decimal(str(value))
