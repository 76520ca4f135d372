"""Random sequences of the real services, on PostgreSQL and SQLite, and the record stays right (issue 11 §1).

A hypothesis state machine opens and closes LONG and SHORT positions (a close away from the market
waits for approval), records prices from two feeds (a price failing its checks is held), runs MTM
(at usable prices; a run moving P&L past the threshold waits for approval), proposes manual
overrides and corrections that a second person approves, rejects or the requester cancels, writes
and amends journal entries, runs incidents and halts and resumes trading. After every step
(`record_checks`): every chain verifies, every chained row read back hashes to what was stored,
the book equals its ledger replayed, and the book as of each earlier step is what it was.

Each example runs inside a savepoint rolled back at its end and on a clock that ticks one second a
step, so as-of moments fall between steps. HYPOTHESIS_PROFILE=long runs more and longer examples.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from approvals import services as approvals
from approvals.models import ApprovalRequest
from book import services as book
from book.models import Position, PositionStatus, Price, PriceException
from book.selectors import latest_price
from core.errors import Conflict, Forbidden
from incidents import services as incidents
from incidents.models import TRANSITIONS, Incident, Status
from journal.services import journal_entry_add
from ops import services as ops

from . import record_checks as checks

SYMBOLS = ("GOLD_MINI", "BANK_NIFTY", "CRUDE")
# Ranges that keep money within 15 significant digits: what SQLite's NUMERIC columns keep exactly.
PRICES = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("100"), places=6),
)
SIZES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4)
POINT_VALUES = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1000"), places=6)
MARGINS = st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    str.strip
)
READINGS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(-0.0),
    st.decimals(places=3, allow_nan=False, allow_infinity=False),
)


class RecordMachine(RuleBasedStateMachine):
    def __init__(self, people: dict):
        super().__init__()
        self.people = people
        self.now = timezone.now().replace(microsecond=0)
        self._clock = mock.patch.object(timezone, "now", lambda: self.now)
        self._clock.start()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.symbols: list[str] = []
        self.halted = False
        self.pending: dict[int, dict] = {}  # approval request id -> {"kind", "requester", ...}
        self.notes: list[int] = []  # newest version of each journal note pam wrote
        self.incidents: dict[int, str] = {}
        self.history: list[tuple] = []  # (first moment, book then) of each state the book was in
        self.hashed: dict[str, int] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)
        self._clock.stop()

    def _tick(self) -> None:
        self.now += dt.timedelta(seconds=1)

    def _open_ids(self) -> list[int]:
        return list(Position.objects.open().order_by("pk").values_list("pk", flat=True))

    def _price(self, data) -> Decimal:
        """Often a price the book already knows: a close or a mark at entry is where signed zeros hide."""
        known = sorted(set(Position.objects.values_list("entry_price", flat=True)))
        return data.draw(st.sampled_from(known) | PRICES if known else PRICES)

    # --- the book -------------------------------------------------------------------------

    @initialize(point_value=POINT_VALUES, margin=MARGINS)
    def first_instrument(self, point_value, margin):
        self.add_instrument(point_value, margin)

    @precondition(lambda self: len(self.symbols) < len(SYMBOLS))
    @rule(point_value=POINT_VALUES, margin=MARGINS)
    def add_instrument(self, point_value, margin):
        self._tick()
        symbol = SYMBOLS[len(self.symbols)]
        book.instrument_create(
            actor=self.people["oscar"],
            symbol=symbol,
            name=symbol,
            currency="INR",
            point_value=point_value,
            margin_per_lot=margin,
        )
        self.symbols.append(symbol)

    @precondition(lambda self: self.symbols)
    @rule(data=st.data(), direction=st.sampled_from(["LONG", "SHORT"]), size=SIZES)
    def open_position(self, data, direction, size):
        self._tick()
        entry = self._price(data)
        stop = data.draw(st.none() | PRICES.filter(lambda p: p != entry))
        facts = {"instrument": data.draw(st.sampled_from(self.symbols)), "direction": direction, "size": size}
        if self.halted:
            with pytest.raises(Conflict):
                book.position_open(actor=self.people["pam"], **facts, entry_price=entry, stop_price=stop)
            return
        position = book.position_open(actor=self.people["pam"], **facts, entry_price=entry, stop_price=stop)
        assert position.status == PositionStatus.OPEN

    def _closable(self) -> list[int]:
        waiting = {p["position"] for p in self.pending.values() if p["kind"] == "close"}
        return [pk for pk in self._open_ids() if pk not in waiting]

    @precondition(lambda self: self._closable())
    @rule(data=st.data())
    def close_position(self, data):
        """A close within tolerance of the latest usable price closes; one away from it waits for approval."""
        self._tick()
        position = Position.objects.select_related("instrument").get(pk=data.draw(st.sampled_from(self._closable())))
        exit_price = self._price(data)
        market = latest_price(position.instrument.symbol)
        closed = book.position_close(
            actor=self.people["paul"], position_id=position.pk, exit_price=exit_price, reason="Broker fill"
        )
        if market is not None and position.instrument.beyond_tolerance(exit_price, market.price):
            assert isinstance(closed, ApprovalRequest) and closed.action == "book.close_off_market"
            self.pending[closed.pk] = {"kind": "close", "requester": "paul", "position": position.pk}
            return
        closed.refresh_from_db()
        assert closed.realized_pnl == position.pnl_at(exit_price)
        assert str(closed.realized_pnl) != "-0.00"  # a short at its entry, a loss under half a cent

    @precondition(lambda self: self.symbols)
    @rule(data=st.data())
    def record_price(self, data):
        self._tick()
        symbol = data.draw(st.sampled_from(self.symbols))
        source = data.draw(st.sampled_from(["feed", "second feed"]))
        price = {"instrument": symbol, "price": self._price(data), "source": source}
        [row] = book.prices_record(actor=self.people["feed"], prices=[price])
        held = PriceException.objects.open().filter(price=row, kind="checks").exists()
        assert row.checked.passed is not held  # a price failing a check is held, with its exception

    @precondition(lambda self: self.symbols)
    @rule(data=st.data())
    def person_posts_price(self, data):
        """A price typed by a person is a manual price: nothing MTM can use until a second person approves."""
        self._tick()
        symbol = data.draw(st.sampled_from(self.symbols))
        before = Price.objects.count()
        price = {"instrument": symbol, "price": self._price(data), "source": "Broker"}
        request = book.prices_record(actor=self.people["paul"], prices=[price], reason="Feed is stale")
        assert Price.objects.count() == before
        self.pending[request.pk] = {"kind": "manual_price", "requester": "paul"}

    @rule()
    def run_mtm(self):
        """A run marks at usable prices only; one moving P&L beyond the threshold waits for approval."""
        self._tick()
        run = book.mtm_run(actor=self.people["pam"])
        if isinstance(run, ApprovalRequest):
            self.pending[run.pk] = {"kind": "mtm", "requester": "pam"}
            return
        assert run.positions_marked <= len(self._open_ids())
        used = {p["price_id"] for p in run.prices.values()}
        assert used == set(Price.objects.usable().filter(pk__in=used).values_list("pk", flat=True))

    # --- four eyes: manual prices, corrections, resuming trading ---------------------------

    @precondition(lambda self: self.symbols)
    @rule(data=st.data())
    def propose_manual_price(self, data):
        self._tick()
        symbol = data.draw(st.sampled_from(self.symbols))
        request = book.price_override_propose(
            actor=self.people["pam"], manual_prices={symbol: str(self._price(data))}, reason="Stale", source="Broker"
        )
        self.pending[request.pk] = {"kind": "override", "requester": "pam"}

    def _correctable(self) -> list[int]:
        covered = {p["position"] for p in self.pending.values() if p["kind"] == "correction"}
        return [pk for pk in self._open_ids() if pk not in covered]

    @precondition(lambda self: self._correctable())
    @rule(data=st.data(), size=SIZES)
    def propose_correction(self, data, size):
        self._tick()
        wrong = Position.objects.select_related("instrument").get(pk=data.draw(st.sampled_from(self._correctable())))
        correct = {
            "instrument": wrong.instrument.symbol,
            "direction": "LONG" if wrong.direction == "SHORT" else "SHORT",
            "size": size,
            "entry_price": wrong.entry_price,
            "stop_price": None,
        }
        request = book.correction_propose(
            actor=self.people["pam"], position_id=wrong.pk, reason="Broker statement", correct=correct
        )
        self.pending[request.pk] = {"kind": "correction", "requester": "pam", "position": wrong.pk}

    @precondition(lambda self: not self.halted)
    @rule(reason=TEXT)
    def halt_trading(self, reason):
        self._tick()
        ops.trading_halt(actor=self.people["oscar"], reason=reason)
        self.halted = True

    @precondition(lambda self: self.halted and not any(p["kind"] == "resume" for p in self.pending.values()))
    @rule(reason=TEXT)
    def request_resume(self, reason):
        self._tick()
        request = ops.trading_resume_request(actor=self.people["oscar"], reason=reason)
        self.pending[request.pk] = {"kind": "resume", "requester": "oscar"}

    def _expected_outcome(self, request: dict) -> str:
        if (
            request["kind"] in ("correction", "close")
            and not Position.objects.open().filter(pk=request["position"]).exists()
        ):
            return "failed"  # closed since the proposal: nothing is corrected or closed
        return "executed"

    @precondition(lambda self: self.pending)
    @rule(data=st.data(), verdict=st.sampled_from(["approve", "approve", "reject", "cancel", "own"]))
    def decide(self, data, verdict):
        """A second person approves or rejects, the requester cancels, or tries to approve their own."""
        self._tick()
        pk = data.draw(st.sampled_from(sorted(self.pending)))
        if verdict == "own":
            with pytest.raises(Forbidden):
                approvals.approval_approve(actor=self.people[self.pending[pk]["requester"]], request_id=pk)
            assert ApprovalRequest.objects.get(pk=pk).status == "pending"
            return
        request = self.pending.pop(pk)
        if verdict == "reject":
            decided = approvals.approval_reject(actor=self.people["arthur"], request_id=pk, comment="Not so.")
            assert decided.status == "rejected"
        elif verdict == "cancel":
            assert (
                approvals.approval_cancel(actor=self.people[request["requester"]], request_id=pk).status == "cancelled"
            )
        else:
            self._approve(pk, request)

    def _approve(self, pk: int, request: dict) -> None:
        expected = self._expected_outcome(request)
        decided = approvals.approval_approve(actor=self.people["alice"], request_id=pk, comment="Checked")
        assert decided.status == expected, decided.failure_reason
        if request["kind"] == "resume":
            self.halted = False
        if request["kind"] == "correction" and expected == "executed":
            wrong = Position.objects.get(pk=request["position"])
            assert (wrong.status, wrong.exit_price, str(wrong.realized_pnl)) == ("CLOSED", wrong.entry_price, "0.00")

    # --- the journal and incidents ------------------------------------------------------------

    @rule(data=st.data(), content=TEXT)
    def write_or_amend_note(self, data, content):
        """pam writes a note, or amends one of hers (its newest version)."""
        self._tick()
        index = data.draw(st.none() | st.integers(0, len(self.notes) - 1)) if self.notes else None
        supersedes = None if index is None else self.notes[index]
        entry = journal_entry_add(
            author=self.people["pam"], entry_type="note", content=content, tags=["prop"], supersedes=supersedes
        )
        if index is None:
            self.notes.append(entry.pk)
        else:
            self.notes[index] = entry.pk

    @rule(title=TEXT, severity=st.sampled_from(["P1", "P2", "P3", "P4"]))
    def declare_incident(self, title, severity):
        self._tick()
        incident = incidents.incident_declare(actor=self.people["ivy"], title=title, severity=severity)
        self.incidents[incident.pk] = incident.status

    def _movable(self) -> list[int]:
        return sorted(pk for pk, status in self.incidents.items() if status != Status.CLOSED)

    @precondition(lambda self: self._movable())
    @rule(data=st.data())
    def change_incident_status(self, data):
        self._tick()
        pk = data.draw(st.sampled_from(self._movable()))
        allowed = [s for s in TRANSITIONS[self.incidents[pk]] if s != Status.CLOSED]  # closing needs a post-mortem
        if not allowed:
            return
        status = data.draw(st.sampled_from(allowed))
        assert incidents.incident_status_change(actor=self.people["ivy"], incident=pk, status=status).status == status
        self.incidents[pk] = status

    @precondition(lambda self: self._movable())
    @rule(data=st.data(), text=TEXT, reading=READINGS)
    def add_timeline_note(self, data, text, reading):
        self._tick()
        incident = Incident.objects.get(pk=data.draw(st.sampled_from(self._movable())))
        event = incidents.incident_event_add(
            actor=self.people["ivy"], incident=incident, kind="note", text=text, data={"reading": reading}
        )
        assert event.hash == event.compute_hash()

    # --- after every step --------------------------------------------------------------------

    @invariant()
    def the_record_stays_right(self):
        checks.chains_verify()
        checks.rows_read_back_hash_as_stored(self.hashed)
        checks.book_equals_its_ledger_replayed()
        now = checks.book_now()
        if not self.history or self.history[-1][1] != now:  # one moment per state the book was in
            self.history.append((self.now, now))
        for moment, then in self.history:
            assert checks.book_as_of(moment) == then, f"as of {moment:%H:%M:%S}"


@pytest.mark.django_db
def test_random_sequences_of_services_keep_the_record_right(people):
    run_state_machine_as_test(
        lambda: RecordMachine(people),
        settings=settings(
            # A whole sequence of services per example: a third of the profile's examples (8 in `ci`).
            max_examples=max(1, settings.default.max_examples // 3),
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
