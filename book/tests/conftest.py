"""Book fixtures: the seed 000 instruments and a helper to open positions through the service."""

from decimal import Decimal

import pytest

from book import services


@pytest.fixture
def gold(people):
    return services.instrument_create(
        actor=people["oscar"],
        symbol="GOLD_MINI",
        name="Gold mini",
        currency="INR",
        point_value="10",
        margin_per_lot="105000",
    )


@pytest.fixture
def nifty(people):
    return services.instrument_create(
        actor=people["oscar"],
        symbol="BANK_NIFTY",
        name="Bank Nifty",
        currency="INR",
        point_value="15",
        margin_per_lot="270000",
    )


@pytest.fixture
def open_position(people, gold, nifty):
    """open_position(size=..., ...) opens one as pam; defaults are seed 004's GOLD_MINI long."""

    def _open(**overrides):
        facts = {
            "instrument": "GOLD_MINI",
            "direction": "LONG",
            "size": 2,
            "entry_price": 71000,
            "stop_price": 70500,
            **overrides,
        }
        return services.position_open(actor=people["pam"], **facts)

    return _open


def D(value) -> Decimal:
    return Decimal(str(value))
