"""The audit trail in the admin: browsable with filters, chain status shown, never changeable."""

import pytest
from django.test import Client

from audit.models import Event
from audit.services import chains_verify_incremental
from conftest import make_user

LIST = "/admin/audit/event/"


@pytest.fixture
def auditor(people):
    client = Client()
    client.force_login(people["audrey"])
    return client


@pytest.fixture
def root(db):
    client = Client()
    client.force_login(make_user("root", is_superuser=True))
    return client


def test_the_changelist_shows_events_and_chain_status(auditor, trail):
    chains_verify_incremental()
    page = auditor.get(LIST).content.decode()
    assert 'id="chain-status"' in page
    assert "audit_event [audittest]" in page and "seq 6" in page and trail[7].hash[:14] in page
    assert "audittest.thing.closed" in page and "system:probes" in page


def test_an_unverified_chain_says_so(auditor, trail):
    assert "not yet verified" in auditor.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"actor": "audrey"}, [2, 5], [0, 1, 3]),
        ({"chain": "audittestother"}, [3, 6], [0, 2]),
        ({"action": "audittest.thing.closed"}, [1, 5, 7], [0, 2, 3]),
        ({"subject_type": "thing", "subject_id": "3"}, [4, 5], [0, 3]),
        (
            {"occurred_at__gte": "2026-11-03 00:00:00+00:00", "occurred_at__lt": "2026-11-04 00:00:00+00:00"},
            [5, 6],
            [0, 7],
        ),
    ],
)
def test_filters(auditor, trail, query, shown, hidden):
    response = auditor.get(LIST, query)
    assert response.status_code == 200
    listed = {event.pk for event in response.context["cl"].result_list}
    assert {trail[i].pk for i in shown} <= listed
    assert not {trail[i].pk for i in hidden} & listed


def test_the_actor_filter_is_a_typed_input_keeping_other_filters(auditor, trail):
    page = auditor.get(LIST, {"chain": "audittest", "actor": "pam"}).content.decode()
    assert 'name="actor" value="pam"' in page
    assert '<input type="hidden" name="chain" value="audittest">' in page


def test_no_full_count(auditor, trail):
    assert auditor.get(LIST).context["cl"].show_full_result_count is False


def test_the_event_page_is_read_only_with_its_proof(root, trail):
    page = root.get(f"{LIST}{trail[0].pk}/change/").content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page
    assert "canonical content (hashed)" in page.lower() and "Zürich €" in page


def test_save_delete_and_bulk_delete_are_refused(root, trail):
    before = list(Event.objects.order_by("id").values_list("id", "hash", "actor"))
    assert root.post(f"{LIST}{trail[0].pk}/change/", {"actor": "mallory"}).status_code == 403
    assert root.post(f"{LIST}{trail[0].pk}/delete/", {"post": "yes"}).status_code == 403
    assert root.get(f"{LIST}add/").status_code == 403
    changelist = root.get(LIST)
    assert "delete_selected" not in changelist.content.decode()
    response = root.post(LIST, {"action": "delete_selected", "_selected_action": [trail[0].pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert list(Event.objects.order_by("id").values_list("id", "hash", "actor")) == before


def test_a_pm_cannot_browse_the_trail(people, trail):
    client = Client()
    client.force_login(people["pam"])
    assert client.get(LIST).status_code == 403
