"""With the database down the API answers 503 in the one error shape with Retry-After (never a 500),
and writes nothing: a trading process polling trading-enabled knows to retry, not to page a developer."""

import pytest
from django.db import connection

from ops.models import TradingChange

from .conftest import _free_port

ENABLED, HALT = "/api/v1/ops/trading-enabled", "/api/v1/ops/trading/halt"


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response.json() == {
        "error": "database_unavailable",
        "detail": "The database is not answering; retry in a moment.",
        "fields": {},
    }
    assert int(response["Retry-After"]) > 0


def test_trading_enabled_with_the_database_down_is_503(api, database_down):
    client = api["audrey"]
    with database_down():
        assert_unavailable(client.get(ENABLED))


def test_a_halt_with_the_database_down_is_503_and_writes_nothing(api, database_down):
    client = api["oscar"]
    with database_down():
        assert_unavailable(client.post(HALT, {"reason": "feed broken"}, format="json"))
    assert not TradingChange.objects.exists()


@pytest.mark.postgres
def test_trading_enabled_with_postgresql_unreachable_is_503(api, transactional_db):
    """A real refused connection: the server's port closed, not a mock."""
    client = api["audrey"]
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _free_port()
    try:
        response = client.get(ENABLED)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    assert_unavailable(response)
