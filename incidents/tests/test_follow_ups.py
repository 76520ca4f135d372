"""Follow-up actions: owned, due, done or dropped; the overdue ones reminded by mail through a real SMTP server."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from incidents import selectors, tasks
from incidents.models import FollowUp

URL = "/api/v1/incidents/{}/follow-ups"


def _add(api, incident, who="ivy", **body):
    data = {"description": "Add a disk alert at 80%", "owner": "oscar", "due_on": "2026-12-31", **body}
    return api[who].post(URL.format(incident.pk), data, format="json")


def test_a_follow_up_has_an_owner_a_due_date_and_a_status(api, incident):
    created = _add(api, incident)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["owner"], body["due_on"], body["status"], body["overdue"]) == ("oscar", "2026-12-31", "open", False)
    assert api["audrey"].get(URL.format(incident.pk)).json()["results"][0]["id"] == body["id"]
    done = api["oscar"].post(f"{URL.format(incident.pk)}/{body['id']}", {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["closed_at"]
    again = api["oscar"].post(f"{URL.format(incident.pk)}/{body['id']}", {"status": "done"}, format="json")
    assert again.status_code == 409 and "already done" in again.json()["detail"]
    kinds = list(incident.events.filter(kind="follow_up").values_list("data__status", flat=True))
    assert kinds == ["open", "done"]
    actions = set(Event.objects.filter(subject_id=str(incident.pk)).values_list("action", flat=True))
    assert {"incidents.follow_up.created", "incidents.follow_up.status_changed"} <= actions


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": "ghost"}, "owner"),
        ({"due_on": "someday"}, "due_on"),
        ({"description": ""}, "description"),
        ({"status": "open"}, "status"),
    ],
)
def test_bad_follow_ups_are_refused_and_change_nothing(api, incident, body, field):
    refused = _add(api, incident, **body)
    assert refused.status_code == 400
    assert field in refused.json()["fields"]
    assert not FollowUp.objects.exists()


def test_who_may_add_and_settle_follow_ups(api, incident):
    assert _add(api, incident, who="pam").status_code == 403
    assert _add(api, incident, who="audrey").status_code == 403
    follow_up = _add(api, incident).json()
    url = f"{URL.format(incident.pk)}/{follow_up['id']}"
    assert api["audrey"].post(url, {"status": "wont_do"}, format="json").status_code == 403
    assert api["ivy"].post(url, {"status": "later"}, format="json").status_code == 400
    assert api["ivy"].post(f"{URL.format(incident.pk)}/999999", {"status": "done"}, format="json").status_code == 404
    assert FollowUp.objects.get().status == "open"


def test_overdue_follow_ups_are_reminded_once_a_day_by_mail_and_on_the_timeline(
    api, incident, smtp, people, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    overdue = _add(api, incident, due_on=yesterday.isoformat()).json()
    _add(api, incident, description="Not due yet", due_on=(yesterday + dt.timedelta(days=30)).isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_overdue_follow_ups.delay().get() == 1
        assert tasks.remind_overdue_follow_ups.delay().get() == 0  # once a day
    [mail] = smtp.messages
    assert mail["To"] == people["oscar"].email
    assert f"incident #{incident.pk}" in mail["Subject"] and "Add a disk alert" in mail["Subject"]
    reminder = incident.events.get(kind="follow_up", data__reminder=True)
    assert reminder.text.startswith("Reminder to oscar: follow-up overdue since")
    assert Event.objects.filter(action="incidents.follow_up.reminded").count() == 1
    api["oscar"].post(f"{URL.format(incident.pk)}/{overdue['id']}", {"status": "done"}, format="json")
    assert not selectors.overdue_follow_ups().exists()  # done: no more reminders


def test_the_incidents_page_lists_overdue_follow_ups(client, incident, people):
    from incidents.services import follow_up_create

    follow_up_create(
        actor=people["ivy"],
        incident=incident,
        description="Rotate the WAL archive key",
        owner="oscar",
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    client.force_login(people["audrey"])
    html = client.get("/incidents/").content.decode()
    assert 'id="overdue-follow-ups"' in html and "Rotate the WAL archive key" in html
