"""The kill switch: one person halts at once; resuming needs a second person's approval."""

import pytest
from django.core.cache import cache

from approvals.models import ApprovalRequest
from approvals.services import approval_approve
from audit.models import Event
from book.guards import open_guards
from core.errors import Conflict
from journal.models import JournalEntry
from ops import cache as ops_cache
from ops import guards
from ops.models import TradingChange

HALT, RESUME, ENABLED = "/api/v1/ops/trading/halt", "/api/v1/ops/trading/resume", "/api/v1/ops/trading-enabled"


@pytest.fixture
def halt(django_capture_on_commit_callbacks):
    """POST the halt as a real request would commit it (on_commit callbacks run)."""

    def _halt(api, who="oscar", reason="Broker feed sending duplicate fills", **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return api[who].post(HALT, {"reason": reason}, format="json", **headers)

    return _halt


def test_trading_is_enabled_until_someone_halts_it(api):
    body = api["audrey"].get(ENABLED).json()
    assert body == {"trading_enabled": True, "since": None, "reason": ""}


@pytest.mark.parametrize("who", ["oscar", "pam"])
def test_ops_or_a_pm_halts_with_a_reason_audited_and_journaled(halt, api, who, people):
    response = halt(api, who)
    assert response.status_code == 201, response.content
    assert response.json()["enabled"] is False
    event = Event.objects.get(action="ops.trading.halted")
    assert (event.actor, event.payload["reason"]) == (who, "Broker feed sending duplicate fills")
    entry = JournalEntry.objects.get()
    assert (entry.author, entry.entry_type) == (people[who], "decision")
    assert entry.content == "Trading halted: Broker feed sending duplicate fills"


def test_trading_enabled_says_false_at_once_after_a_halt(halt, api):
    assert api["audrey"].get(ENABLED).json()["trading_enabled"] is True  # cached now
    halt(api)
    body = api["audrey"].get(ENABLED).json()
    assert body["trading_enabled"] is False
    assert body["reason"] == "Broker feed sending duplicate fills"
    assert body["since"] == TradingChange.objects.get().changed_at.isoformat()


def test_trading_enabled_is_cached_hit_after_miss(halt, api):
    first = api["audrey"].get(ENABLED)
    second = api["audrey"].get(ENABLED)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.json() == second.json()
    halt(api)
    assert cache.get(ops_cache.TRADING_KEY) is None
    assert api["audrey"].get(ENABLED)["X-Cache"] == "MISS"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x", "force": True}])
def test_halting_without_a_reason_is_400_and_changes_nothing(api, body):
    response = api["oscar"].post(HALT, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"]
    assert not TradingChange.objects.exists()
    assert not Event.objects.filter(action="ops.trading.halted").exists()


def test_halting_a_halted_book_is_a_conflict(halt, api):
    halt(api)
    response = halt(api, reason="again")
    assert response.status_code == 409
    assert response.json()["error"] == "trading_halted"
    assert TradingChange.objects.count() == 1


def test_a_retried_halt_with_an_idempotency_key_replays(halt, api):
    first = halt(api, HTTP_IDEMPOTENCY_KEY="halt-1")
    again = halt(api, HTTP_IDEMPOTENCY_KEY="halt-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert TradingChange.objects.count() == 1


def test_approvers_auditors_and_commanders_may_not_halt(halt, api):
    for who in ("alice", "audrey", "ivy", "nobody"):
        assert halt(api, who).status_code == 403
    assert halt(api, None).status_code == 401
    assert not TradingChange.objects.exists()


def test_resume_needs_a_second_person(halt, api, people, django_capture_on_commit_callbacks):
    halt(api)
    response = api["oscar"].post(RESUME, {"reason": "Feed fixed, fills reconciled"}, format="json")
    assert response.status_code == 202, response.content
    approval = ApprovalRequest.objects.get(pk=response.json()["approval_id"])
    assert approval.action == "ops.trading_resume"
    assert api["audrey"].get(ENABLED).json()["trading_enabled"] is False  # not yet
    with pytest.raises(Exception, match=r"(?i)own"):
        approval_approve(actor=people["oscar"], request_id=approval.pk)
    with django_capture_on_commit_callbacks(execute=True):
        approval_approve(actor=people["alice"], request_id=approval.pk)
    approval.refresh_from_db()
    assert approval.status == "executed", approval.failure_reason
    body = api["audrey"].get(ENABLED).json()
    assert body == {
        "trading_enabled": True,
        "since": TradingChange.objects.order_by("-seq").first().changed_at.isoformat(),
        "reason": "Feed fixed, fills reconciled",
    }
    resumed = Event.objects.get(action="ops.trading.resumed")
    assert (resumed.actor, resumed.payload["approval_id"]) == ("alice", approval.pk)


def test_resuming_when_not_halted_or_twice_is_a_conflict(halt, api):
    assert api["oscar"].post(RESUME, {"reason": "why not"}, format="json").status_code == 409
    halt(api)
    assert api["oscar"].post(RESUME, {"reason": "fixed"}, format="json").status_code == 202
    second = api["pam"].post(RESUME, {"reason": "fixed too"}, format="json")
    assert second.status_code == 409
    assert second.json()["error"] == "resume_pending"


def test_resuming_without_a_reason_is_400(halt, api):
    halt(api)
    assert api["oscar"].post(RESUME, {}, format="json").status_code == 400
    assert not ApprovalRequest.objects.exists()


def test_the_book_guard_refuses_opens_while_halted(halt, api):
    assert guards.refuse_when_halted in open_guards()
    guards.refuse_when_halted()  # enabled: passes
    halt(api)
    with pytest.raises(Conflict, match="Trading is halted"):
        guards.refuse_when_halted()


def test_the_switch_history_is_a_verified_chain(halt, api, people):
    from audit.chain import verify_chain

    halt(api)
    report = verify_chain(TradingChange, "trading")
    assert (report.ok, report.rows) == (True, 1)
    history = api["audrey"].get("/api/v1/ops/trading/history").json()["results"]
    assert [h["enabled"] for h in history] == [False]


def test_a_halt_goes_on_the_timeline_of_the_open_incident(halt, api, people):
    from incidents.services import incident_declare

    incident = incident_declare(actor=people["ivy"], title="Duplicate fills", severity="P1")
    halt(api)
    texts = list(incident.events.filter(kind="action").values_list("text", flat=True))
    assert texts == ["Trading halted by oscar: Broker feed sending duplicate fills"]


def test_a_polling_client_costs_no_query_once_warm(api, django_assert_num_queries):
    client = api["audrey"]
    client.get(ENABLED)
    with django_assert_num_queries(0):
        response = client.get(ENABLED)
    assert (response.status_code, response["X-Cache"]) == (200, "HIT")


def test_a_deleted_token_stops_working_at_once(api, people):
    from rest_framework.authtoken.models import Token

    client = api["audrey"]
    assert [client.get(ENABLED)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]  # the token is cached
    Token.objects.filter(user=people["audrey"]).delete()
    response = client.get(ENABLED)
    assert response.status_code == 401 and response.json()["error"] == "authentication_failed"
