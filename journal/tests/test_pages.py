"""The journal pages through Django's test client: timeline, quick add, preview, picker, entry page."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from audit.models import Event
from journal.models import JournalEntry

TIMELINE, ADD = "/journal/", "/journal/add"


@pytest.fixture
def browser_as(client, people):
    def _as(name):
        client.force_login(people[name])
        return client

    return _as


def test_timeline_newest_first_grouped_by_day(browser_as, add):
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=two_days_ago):
        old = add("Recorded two days ago")
    earlier = add("Occurred yesterday, recorded today", occurred_at=timezone.now() - dt.timedelta(days=1))
    newest = add("**Bold** call on EURUSD")
    page = browser_as("audrey").get(TIMELINE).content.decode()
    assert page.index(f">#{newest.pk}<") < page.index(f">#{earlier.pk}<") < page.index(f">#{old.pk}<")
    today, before = timezone.localdate(), timezone.localdate(two_days_ago)
    headings = [f"<h2>{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}</h2>" for d in (today, before)]
    assert (
        page.index(headings[0]) < page.index(f">#{earlier.pk}<") < page.index(headings[1]) < page.index(f">#{old.pk}<")
    )
    assert "<strong>Bold</strong>" in page and "occurred" in page
    assert "Quick add" not in page  # the auditor reads only


def test_filters_and_search_box(browser_as, add, people):
    add("Redis restarted after OOM", entry_type="recovery", author=people["oscar"], tags=["redis"])
    add("Closed position 17", entry_type="correction")
    client = browser_as("pam")
    page = client.get(TIMELINE, {"entry_type": "recovery"}).content.decode()
    assert "Redis restarted" in page and "Closed position 17" not in page
    page = client.get(TIMELINE, {"q": "redis"}).content.decode()
    assert "<mark>Redis</mark>" in page and "Closed position 17" not in page
    page = client.get(TIMELINE, {"author": "oscar", "tag": "redis"}).content.decode()
    assert "Redis restarted" in page
    bad = client.get(TIMELINE, {"since": "soon"})
    assert bad.status_code == 400 and "ISO 8601" in bad.content.decode()


def test_quick_add_calls_the_service(browser_as, add):
    linked = add("Decided to halve USDBRL")
    client = browser_as("pam")
    response = client.post(
        ADD, {"entry_type": "decision", "content": "Follow-up", "tags": "usdbrl, fx", "link": [f"entry:{linked.pk}"]}
    )
    entry = JournalEntry.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/journal/{entry.pk}/"
    assert (entry.content, entry.tags, entry.links) == (
        "Follow-up",
        ["fx", "usdbrl"],
        [{"kind": "entry", "id": str(linked.pk)}],
    )
    assert Event.objects.filter(action="journal.entry.added", subject_id=str(entry.pk)).exists()


def test_quick_add_errors_show_on_the_form_and_write_nothing(browser_as):
    client = browser_as("pam")
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for data, message in [
        ({"entry_type": "note", "content": "x", "occurred_at": future}, "Cannot be in the future."),
        ({"entry_type": "note", "content": "x", "link": ["entry:4242"]}, "No journal entry with id 4242."),
        ({"entry_type": "gossip", "content": "x"}, "Select a valid choice"),
        ({"entry_type": "note", "content": ""}, "This field is required."),
    ]:
        response = client.post(ADD, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not JournalEntry.objects.exists()


def test_amend_from_the_entry_page_and_see_both_versions(browser_as, add):
    entry = add("Price was 5.9")
    client = browser_as("pam")
    page = client.get(f"/journal/{entry.pk}/").content.decode()
    assert "Record amendment" in page and "verified" in page and entry.hash in page
    response = client.post(ADD, {"entry_type": "correction", "content": "Price was 5.4", "supersedes": entry.pk})
    newer = JournalEntry.objects.latest("pk")
    assert response.status_code == 302 and newer.supersedes_id == entry.pk
    page = client.get(f"/journal/{entry.pk}/").content.decode()
    assert "Price was 5.9" in page and "Price was 5.4" in page and "newest version is" in page
    stale = client.post(ADD, {"entry_type": "note", "content": "again", "supersedes": entry.pk})
    assert stale.status_code == 400 and f"newest version is entry {newer.pk}" in stale.content.decode()
    assert JournalEntry.objects.count() == 2


def test_preview_renders_markdown_safely(browser_as):
    client = browser_as("pam")
    html = client.post("/journal/preview", {"content": "*why* <script>x</script>"}).content.decode()
    assert "<em>why</em>" in html and "<script>" not in html


def test_link_picker_finds_candidates(browser_as, add, widget_kind):
    entry = add("Halted trading at 09:12")
    client = browser_as("pam")
    html = client.get("/journal/links", {"link_kind": "entry", "link_q": str(entry.pk)}).content.decode()
    assert f'value="entry:{entry.pk}"' in html
    html = client.get("/journal/links", {"link_kind": "widget", "link_q": "two"}).content.decode()
    assert 'value="widget:2"' in html and "Widget two" in html and "widget:1" not in html


@pytest.mark.postgres
def test_entry_page_says_when_the_hash_does_not_verify(browser_as, add, superuser_sql):
    entry = add("Closed at 5.40")
    superuser_sql("UPDATE journal_journalentry SET content = 'Closed at 5.90' WHERE id = %s", [entry.pk])
    page = browser_as("audrey").get(f"/journal/{entry.pk}/").content.decode()
    assert "NOT verified" in page


@pytest.mark.parametrize(("who", "status"), [("nobody", 403), ("audrey", 403)])
def test_who_may_not_write_from_the_page(browser_as, who, status):
    assert browser_as(who).post(ADD, {"entry_type": "note", "content": "x"}).status_code == status
    assert not JournalEntry.objects.exists()


def test_nobody_cannot_read_and_anonymous_is_sent_to_login(client, browser_as):
    assert client.get(TIMELINE).status_code == 302
    assert browser_as("nobody").get(TIMELINE).status_code == 403


def test_links_are_links_and_tags_are_chips(browser_as, add, positions):
    first = add("The first call.")
    links = [("position", 17), ("entry", first.pk)]
    entry = add("Closed position 17 at entry price.", links=links, tags=["gold", "eod"])
    page = browser_as("audrey").get(TIMELINE).content.decode()
    assert '<a class="journal-link" href="/book/positions/#position-17">position 17</a>' in page
    assert f'<a class="journal-link" href="/journal/{first.pk}/">entry {first.pk}</a>' in page
    assert page.count('class="journal-tag pms-badge"') >= 2
    detail = browser_as("audrey").get(f"/journal/{entry.pk}/").content.decode()
    assert 'href="/book/positions/#position-17">position #17</a>' in detail


def test_a_search_result_shows_words_not_markdown_marks(browser_as, add):
    add("**Bold** call on `EURUSD` after the close")
    page = browser_as("audrey").get(TIMELINE, {"q": "call"}).content.decode()
    snippet = page.split('class="journal-snippet">', 1)[1].split("</div>", 1)[0]
    assert "**" not in snippet and "`" not in snippet
    assert "Bold" in snippet and "<mark>" in snippet.lower()
    assert "<strong>Bold</strong>" in snippet and "<code>EURUSD</code>" in snippet  # rendered, not stripped


def test_a_search_result_renders_links_and_never_raw_html(browser_as, add):
    add("See [the runbook](https://example.com/rb) for the **call**; <script>alert(1)</script>")
    page = browser_as("audrey").get(TIMELINE, {"q": "call"}).content.decode()
    snippet = page.split('class="journal-snippet">', 1)[1].split("</div>", 1)[0]
    assert '<a href="https://example.com/rb"' in snippet and "[the runbook]" not in snippet
    assert "<strong><mark>call</mark></strong>" in snippet.replace("<mark>Call", "<mark>call")
    assert "<script>" not in snippet
