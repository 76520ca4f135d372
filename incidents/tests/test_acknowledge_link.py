"""A page's acknowledge link: no login, signed, works once, expires."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import Event
from incidents.models import Delivery
from incidents.services import incident_declare, incident_status_change

from .conftest import ack_link


@pytest.fixture
def paged(people, rota, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
    return incident, ack_link(smtp[0])


def test_the_link_acknowledges_once_as_the_person_paged(paged):
    incident, link = paged
    browser = Client(enforce_csrf_checks=True)  # no session: the signed link is the credential
    page = browser.get(link)
    assert page.status_code == 200
    assert b"Acknowledge incident #" in page.content
    incident.refresh_from_db()
    assert incident.status == "declared"  # looking (or a mail scanner following the link) changes nothing
    token = page.cookies["csrftoken"].value
    done = browser.post(link, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and b"Acknowledged." in done.content
    incident.refresh_from_db()
    assert incident.status == "acknowledged"
    change = incident.events.get(kind="status_change", data__to="acknowledged")
    assert change.author == "oscar" and "from the page's link" in change.text
    assert Event.objects.filter(action="incidents.page.link_used", actor="oscar").exists()
    again = browser.get(link)
    assert again.status_code == 409 and b"already used" in again.content
    assert browser.post(link, {"csrfmiddlewaretoken": token}).status_code == 409
    assert incident.events.filter(kind="status_change").count() == 2  # declared, acknowledged: nothing twice


def test_someone_else_was_first(paged, people):
    incident, link = paged
    incident_status_change(actor=people["ivy"], incident=incident, status="acknowledged")
    response = Client().post(link)
    assert response.status_code == 200 and b"before you" in response.content
    assert Delivery.objects.get(channel="email").link_used_at is not None
    assert Client().get(link).status_code == 409


def test_a_forged_or_tampered_link_is_refused(paged):
    incident, link = paged
    for bad in (link[:-3] + "xyz", "/incidents/acknowledge/1:abc:def", "/incidents/acknowledge/%00"):
        response = Client().post(bad)
        assert response.status_code == 400, bad
        assert b"invalid or has expired" in response.content
    incident.refresh_from_db()
    assert incident.status == "declared"


def test_an_expired_link_is_refused(paged, settings):
    incident, link = paged
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.INCIDENTS_ACK_LINK_MAX_AGE + 60)):
        response = Client().post(link)
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.status == "declared"


def test_a_notification_without_a_link_cannot_be_used(people, rota, django_capture_on_commit_callbacks):
    from incidents.outbox import acknowledge_token

    with django_capture_on_commit_callbacks(execute=True):
        incident_declare(actor=people["ivy"], title="Dashboard slow", severity="P3")
    notice = Delivery.objects.get()
    assert Client().post(f"/incidents/acknowledge/{acknowledge_token(notice)}").status_code == 400
