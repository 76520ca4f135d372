"""Reconciliation test helpers: a statement posted as the broker's CSV body, by a named person."""

import pytest
from django.utils import timezone

STATEMENTS = "/api/v1/pms/recon/statements"
BREAKS = "/api/v1/pms/recon/breaks"
HEADER = "instrument,direction,quantity,average_price\n"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def post_statement(api):
    """post_statement(b"...", who="pam", as_of=...) posts a CSV body, as of now unless told."""

    def _post(content: bytes, *, who: str = "pam", as_of=None, **params):
        moment = (as_of or timezone.now()).isoformat()
        query = "&".join(f"{k}={v}" for k, v in {"as_of": moment.replace("+", "%2B"), **params}.items())
        return api[who].post(f"{STATEMENTS}?{query}", content, content_type="text/csv")

    return _post
