"""The admin shows entries but cannot change them; the demo rows load once."""

from django.contrib.auth import get_user_model

from journal import demo
from journal.models import JournalEntry


def test_admin_lists_and_shows_but_never_changes(client, add):
    entry = add("Admin-visible entry")
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "root-pass")
    client.force_login(admin)
    assert "Admin-visible entry" in client.get("/admin/journal/journalentry/").content.decode()
    assert client.get(f"/admin/journal/journalentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/journal/journalentry/add/").status_code == 403
    assert client.post(f"/admin/journal/journalentry/{entry.pk}/delete/").status_code == 403
    assert JournalEntry.objects.get().content == "Admin-visible entry"


def test_demo_rows_load_once_with_an_amendment(people):
    users = {"pm": people["pam"], "commander": people["ivy"], "ops": people["oscar"]}
    demo.load(users)
    demo.load(users)
    assert JournalEntry.objects.count() == 5
    assert JournalEntry.objects.filter(supersedes__isnull=False).count() == 1
