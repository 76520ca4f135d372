"""The admin home is the dashboard: the book, what waits for me, open incidents, chains, ops."""

from audit.services import chains_verify_incremental
from book import services as book
from incidents.services import incident_declare


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_shows_the_book_and_what_waits_for_the_approver(client, people, open_position):
    position = open_position()
    book.correction_propose(
        actor=people["pam"],
        position_id=position.pk,
        reason="Size was 3 lots, not 2",
        correct={"instrument": "GOLD_MINI", "direction": "LONG", "size": 3, "entry_price": 71000},
    )
    page = _home(client, people["alice"])
    assert "<strong>1</strong> open position" in page
    assert "210,000.00 INR" in page  # margin: 2 lots at 105000
    assert "1 waiting for you" in page and "Compensating correction of a position" in page  # not book.correction
    assert "waiting for you" not in _home(client, people["pam"])  # nobody approves their own request


def test_the_home_page_shows_open_incidents_and_chain_status(client, people):
    incident_declare(actor=people["ivy"], title="Risk mismatch after restart", severity="P1")
    chains_verify_incremental()
    page = _home(client, people["audrey"])
    assert "1 open" in page and "Risk mismatch after restart" in page
    assert "incidents" in page and "✓" in page
    assert "BROKEN" not in page
    assert "Trading enabled" in page
