"""An approver decides with context: what will happen, what it touches, who asked, how long it has waited."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from approvals.models import ApprovalRequest
from book import services as book
from incidents import services as incidents
from ops.services.trading import trading_halt, trading_resume_request


def _page(user, request: ApprovalRequest) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/approvals/{request.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_correction_shows_the_diff_the_pnl_the_position_and_the_wait(people, open_position):
    position = open_position()
    request = book.correction_propose(
        actor=people["pam"],
        position_id=position.pk,
        reason="Broker says short.",
        correct={"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000},
    )
    ApprovalRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    html = _page(people["alice"], request)
    assert 'id="diff"' in html and "P&amp;L effect" in html
    assert f'href="/book/positions/#position-{position.pk}"' in html and "realized P&amp;L 0.00" in html
    assert "Requested by <strong>pam</strong>" in html
    assert "waiting 2\xa0hours" in html


def test_the_resume_request_shows_the_halt_and_the_open_incidents(people):
    incident = incidents.incident_declare(actor=people["ivy"], title="Broker link down", severity="P1")
    trading_halt(actor=people["oscar"], reason="Broker link down")
    request = trading_resume_request(actor=people["oscar"], reason="Broker back.")
    html = _page(people["alice"], request)
    assert 'id="halt"' in html and "by <strong>oscar</strong>" in html and 'id="halted-for"' in html
    assert "Reason: Broker link down" in html
    assert f'href="/incidents/{incident.pk}/"' in html and "P1 #" in html
    assert "no longer the standing halt" not in html


def test_the_queue_marks_the_filter_in_use(people):
    client = Client()
    client.force_login(people["audrey"])
    html = client.get("/approvals/", {"status": "executed"}).content.decode()
    assert 'href="?status=executed" aria-current="page"' in html
    assert 'href="?status=pending" aria-current' not in html
