"""A desk with something on every workflow page, for the product-wide browser walks."""

import pytest


@pytest.fixture
def desk(people, open_position) -> dict:
    """A position with a correction waiting for four eyes, another without, prices (one held) and an MTM run, a
    manual price waiting for approval, a declared incident with its runbook (trading halted, a starred note, an
    overdue follow-up), a journal entry, a trading halt and a broker statement with a break: every page has a row,
    a moment and its actions to show."""
    from django.utils import timezone

    from book import services as book
    from incidents import services as incidents
    from journal.services import journal_entry_add
    from ops.services.trading import trading_halt
    from recon.services import statement_reconcile

    position = open_position()
    other = open_position(size=1, entry_price="70800.5", stop_price=None)
    approval = book.correction_propose(
        actor=people["pam"],
        position_id=position.pk,
        reason="Broker statement: the trade was a short.",
        correct={"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000},
    )
    for price in ("71000", "80000"):  # the second is held: an open price exception
        book.prices_record(actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": price, "source": "MCX"}])
    book.mtm_run(actor=people["pam"])
    book.prices_record(
        actor=people["oscar"],
        prices=[{"instrument": "GOLD_MINI", "price": "71100", "source": "Bloomberg"}],
        reason="MCX spiked",
    )
    incident = incidents.incident_declare(
        actor=people["ivy"],
        title="Database unavailable",
        severity="P2",
        runbook="db-unavailable",
        impact={"trading_halted": True},
    )
    note = incidents.incident_event_add(actor=people["ivy"], incident=incident, kind="note", text="Disk **full**")
    incidents.event_star(actor=people["ivy"], incident=incident, event_id=note.pk)
    incidents.follow_up_create(
        actor=people["ivy"], incident=incident, description="Disk alert", owner="oscar", due_on="2026-01-02"
    )
    entry = journal_entry_add(author=people["pam"], entry_type="decision", content="Held **GOLD_MINI** overnight.")
    trading_halt(actor=people["oscar"], reason="Broker link down")
    statement = b"instrument,direction,quantity,average_price\nGOLD_MINI,LONG,3,71000\nBANK_NIFTY,SHORT,1,48000\n"
    run = statement_reconcile(actor=people["oscar"], content=statement, as_of=timezone.now())
    return {
        "position": position,
        "other": other,
        "approval": approval,
        "incident": incident,
        "entry": entry,
        "break": run.breaks.order_by("pk").first(),
    }
