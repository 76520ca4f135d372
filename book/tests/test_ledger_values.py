"""Every decimal a ledger entry can hold reads back from its column as exactly what was hashed.

Signed zeros, exponent forms, more places than the column keeps, and (on SQLite) more than the
15 significant digits its NUMERIC columns keep: the chain hashes the value the column returns.
"""

from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import chain
from book.models import LedgerEntry


def _column_values(max_digits: int, places: int):
    # One integer digit short of the column: on SQLite a value that rounds up to 10**(max_digits - places)
    # through its 15 significant digits no longer fits the column's precision.
    bound = Decimal(10) ** (max_digits - places - 1)
    return st.one_of(
        st.none(),
        st.decimals(min_value=-bound, max_value=bound, places=places),
        st.decimals(min_value=-bound, max_value=bound, allow_nan=False, allow_infinity=False),
        st.sampled_from([Decimal("-0"), Decimal("-0.00"), Decimal("-0E+3"), Decimal("1E+2"), Decimal("-0.0000001")]),
    )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(price=_column_values(20, 6), unrealized=_column_values(24, 2), realized=_column_values(24, 2))
def test_a_ledger_entry_read_back_hashes_to_what_was_stored(open_position, price, unrealized, realized):
    position = open_position()
    entry = chain.append(
        LedgerEntry,
        kind="mark",
        position=position,
        recorded_at=timezone.now(),
        actor="system:property",
        status="OPEN",
        price=price,
        unrealized_pnl=unrealized,
        realized_pnl=realized,
        related={"mtm_run": 1},
    )
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert (stored.price, stored.unrealized_pnl, stored.realized_pnl) == (
        entry.price,
        entry.unrealized_pnl,
        entry.realized_pnl,
    )
    assert stored.canonical_bytes() == entry.canonical_bytes()
    assert stored.compute_hash() == stored.hash == entry.hash
    assert chain.verify_chain(LedgerEntry, "book").ok
