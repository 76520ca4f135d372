"""The prices and marks page: what each role sees and may send; a bad form changes nothing."""

import pytest

from approvals.models import ApprovalRequest
from book import services
from book.models import MtmRun, Price

PAGE = "/book/prices/"


@pytest.fixture
def marked(people, open_position):
    """A good price, a held one (its exception open) and a run that used the good one."""
    open_position()
    good, held = (
        services.prices_record(actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": p, "source": "MCX"}])[
            0
        ]
        for p in ("71000", "90000")
    )
    return {"good": good, "held": held, "run": services.mtm_run(actor=people["pam"])}


def _page(client, user, path=PAGE):
    client.force_login(user)
    return client.get(path)


def test_every_role_reads_prices_checks_exceptions_and_runs(client, people, marked):
    page = _page(client, people["audrey"]).content.decode()
    assert f'id="price-{marked["held"].pk}" data-status="held"' in page
    assert f'id="price-{marked["good"].pk}" data-status="good"' in page
    assert "Moved +26.7606% from 71000.000000" in page  # the failed check, in words
    assert f'id="run-{marked["run"].pk}"' in page and f"price #{marked['good'].pk}" in page
    assert 'id="manual-price"' not in page and 'id="run-mtm"' not in page  # the auditor may send nothing
    assert "Clear with a manual price" not in page


@pytest.mark.parametrize(
    ("who", "manual", "marks"), [("pam", True, True), ("oscar", True, False), ("alice", False, False)]
)
def test_forms_are_shown_by_role(client, people, marked, who, manual, marks):
    page = _page(client, people[who]).content.decode()
    assert ('id="manual-price"' in page) is manual and ("Clear with a manual price" in page) is manual
    assert ('id="price-override"' in page) is marks and ('id="run-mtm"' in page) is marks


def test_the_filter_shows_held_prices_and_refuses_nonsense(client, people, marked):
    held = _page(client, people["audrey"], f"{PAGE}?status=held").content.decode()
    assert f'id="price-{marked["held"].pk}"' in held and f'id="price-{marked["good"].pk}"' not in held
    bad = _page(client, people["audrey"], f"{PAGE}?status=maybe").content.decode()
    assert "Select a valid choice" in bad and "No prices." in bad


def test_a_manual_price_from_the_page_goes_to_four_eyes(client, people, marked):
    client.force_login(people["oscar"])
    body = {"manual-instrument": "GOLD_MINI", "manual-price": "71200", "manual-source": "Bloomberg"}
    refused = client.post("/book/prices/manual/", {**body, "manual-reason": " "})
    assert refused.status_code == 400 and 'id="error-manual-reason"' in refused.content.decode()
    assert not ApprovalRequest.objects.filter(action="book.manual_price").exists()
    sent = client.post("/book/prices/manual/", {**body, "manual-reason": "Feed spiked"})
    request = ApprovalRequest.objects.get(action="book.manual_price")
    assert sent.status_code == 302 and sent.url == f"/approvals/{request.pk}/"
    assert request.requested_by == people["oscar"] and Price.objects.count() == 2  # nothing recorded yet


def test_a_price_feed_typing_in_the_browser_is_still_a_manual_price(client, people, marked):
    people["feed"].groups.add(*people["pam"].groups.all())  # a person who is also a feed account
    client.force_login(people["feed"])
    body = {"manual-instrument": "GOLD_MINI", "manual-price": "71200", "manual-source": "x", "manual-reason": "y"}
    assert client.post("/book/prices/manual/", body).status_code == 302
    assert Price.objects.count() == 2 and ApprovalRequest.objects.filter(action="book.manual_price").exists()


def test_an_override_and_a_run_from_the_page(client, people, marked):
    client.force_login(people["pam"])
    body = {"override-instrument": "GOLD_MINI", "override-price": "-1", "override-source": "B", "override-reason": "r"}
    refused = client.post("/book/prices/override/", body)
    assert refused.status_code == 400 and 'id="error-override-price"' in refused.content.decode()
    sent = client.post("/book/prices/override/", {**body, "override-price": "71450"})
    assert sent.status_code == 302 and ApprovalRequest.objects.get(action="book.price_override")
    ran = client.post("/book/mtm/run/")
    assert ran.status_code == 302 and MtmRun.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "path"),
    [("oscar", "/book/prices/override/"), ("oscar", "/book/mtm/run/"), ("alice", "/book/prices/manual/")],
)
def test_a_role_without_the_action_is_refused(client, people, marked, who, path):
    client.force_login(people[who])
    assert client.post(path, {}).status_code == 403
    assert not ApprovalRequest.objects.exists() and MtmRun.objects.count() == 1


def test_the_forms_only_take_posts(client, people):
    client.force_login(people["pam"])
    assert client.get("/book/mtm/run/").status_code == 405
