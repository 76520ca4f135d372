"""The position book page and the correction wizard, through Django's test client (errors inline)."""

from django.test import Client

from approvals.models import ApprovalRequest
from book import services


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_book_page_shows_positions_totals_and_an_as_of_view(people, open_position):
    position = open_position()
    services.position_close(actor=people["pam"], position_id=position.pk, exit_price=71450)
    page = _client(people["audrey"]).get("/book/positions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="position-{position.pk}" data-status="CLOSED"' in html and "9,000.00 INR" in html
    future = _client(people["audrey"]).get("/book/positions/", {"as_of": "2999-01-01T00:00"})
    assert "not written yet" in future.content.decode()
    past = _client(people["audrey"]).get("/book/positions/", {"as_of": "2000-01-01T00:00"})
    assert "No positions at that moment" in past.content.decode()


def test_pages_need_a_login_and_a_role(people):
    assert Client().get("/book/positions/").status_code == 302
    assert _client(people["nobody"]).get("/book/positions/").status_code == 403
    assert _client(people["alice"]).get("/book/corrections/new/").status_code == 403


def test_the_wizard_finds_previews_and_submits(people, open_position):
    position = open_position()
    pm = _client(people["pam"])
    found = pm.get("/book/corrections/new/", {"q": "gold_mini"})
    assert f'href="?q={position.pk}"' in found.content.decode()
    url = f"/book/corrections/new/?q={position.pk}"
    body = {
        "instrument": "GOLD_MINI",
        "direction": "SHORT",
        "size": "2",
        "entry_price": "71000",
        "stop_price": "71500",
        "reason": "broker says short",
    }
    preview = pm.post(url, {**body, "step": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="preview"' in html and "realized P&amp;L 0.00" in html
    assert not ApprovalRequest.objects.exists()
    submitted = pm.post(url, {**body, "step": "submit"})
    approval = ApprovalRequest.objects.get()
    assert submitted.status_code == 302 and submitted["Location"] == f"/approvals/{approval.pk}/"


def test_the_wizard_shows_errors_inline_and_writes_nothing(people, open_position):
    position = open_position()
    pm = _client(people["pam"])
    url = f"/book/corrections/new/?q={position.pk}"
    bad = pm.post(
        url,
        {
            "instrument": "GOLD_MINI",
            "direction": "SHORT",
            "size": "-2",
            "entry_price": "71000",
            "reason": "x",
            "step": "submit",
        },
    )
    assert bad.status_code == 400 and 'id="error-size"' in bad.content.decode()
    same = pm.post(
        url,
        {
            "instrument": "GOLD_MINI",
            "direction": "LONG",
            "size": "2",
            "entry_price": "71000",
            "stop_price": "70500",
            "reason": "x",
            "step": "submit",
        },
    )
    assert same.status_code == 400 and "nothing to correct" in same.content.decode()
    assert "No position 999" in pm.get("/book/corrections/new/", {"q": "999"}).content.decode()
    assert not ApprovalRequest.objects.exists()


def test_the_queue_and_a_decision_through_the_page(people, open_position):
    position = open_position()
    request = services.correction_propose(
        actor=people["pam"],
        position_id=position.pk,
        reason="short",
        correct={"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000},
    )
    approver = _client(people["alice"])
    queue = approver.get("/approvals/").content.decode()
    assert f'id="request-{request.pk}"' in queue and "Correct position" in queue
    own = _client(people["pam"]).get(f"/approvals/{request.pk}/").content.decode()
    assert 'id="approve"' not in own and "a second person must decide" in own
    reject_bare = approver.post(f"/approvals/{request.pk}/", {"verdict": "reject", "comment": ""})
    assert reject_bare.status_code == 400 and "comment" in reject_bare.content.decode()
    approver.post(f"/approvals/{request.pk}/", {"verdict": "approve", "comment": "ok"})
    request.refresh_from_db()
    assert request.status == "executed"
