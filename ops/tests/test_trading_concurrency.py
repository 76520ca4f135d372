"""Two people hit the kill switch at the same instant: one halt is recorded, the other is told it stands."""

import threading

import pytest
from django.db import connection

from core.errors import Conflict
from ops import services
from ops.models import TradingChange


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_halts_record_exactly_one(people):
    barrier = threading.Barrier(2)
    outcomes = []

    def halt(who):
        try:
            barrier.wait()
            services.trading_halt(actor=people[who], reason=f"stop from {who}")
            outcomes.append("halted")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=halt, args=(who,)) for who in ("oscar", "pam")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "halted"]
    assert TradingChange.objects.count() == 1
