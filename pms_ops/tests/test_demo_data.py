"""`manage.py demo_data`: one demo user per role on the embedded default, never on a real database."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from book.models import MtmRun, Price
from core import roles


def _load(settings, tmp_path) -> str:
    settings.DEMO_PASSWORDS_FILE = tmp_path / "demo_passwords"
    settings.BACKUP_DIR = tmp_path / "backups"  # the demo takes a backup (test_demo_first_impression.py)
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.mark.sqlite
def test_each_role_gets_a_demo_login_that_works(db, settings, tmp_path, client):
    out = _load(settings, tmp_path)
    for role in roles.ALL_ROLES:
        assert role in out
    username, password = out.splitlines()[1].split()[-3::2]
    user = get_user_model().objects.get(username=username)
    assert user.groups.filter(name=roles.PM).exists()
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.sqlite
def test_the_demo_prices_come_from_a_demo_price_feed(db, settings, tmp_path):
    out = _load(settings, tmp_path)
    feed = get_user_model().objects.get(username="feed")
    assert roles.PRICE_FEED in out and set(feed.groups.values_list("name", flat=True)) == {roles.PRICE_FEED}
    prices = Price.objects.all()
    assert prices.count() == 2 and {(p.recorded_by, p.manual) for p in prices} == {("feed", False)}
    run = MtmRun.objects.get()
    assert not run.manual and {p["recorded_by"] for p in run.prices.values()} == {"feed"}


@pytest.mark.sqlite
def test_a_second_run_keeps_the_data_and_the_passwords(db, settings, tmp_path):
    first = _load(settings, tmp_path)
    users = set(get_user_model().objects.values_list("pk", "password"))
    second = _load(settings, tmp_path)
    assert second == first
    assert set(get_user_model().objects.values_list("pk", "password")) == users


@pytest.mark.postgres
def test_demo_users_are_refused_on_a_real_database(db, settings, tmp_path):
    with pytest.raises(CommandError, match="embedded default"):
        _load(settings, tmp_path)
    assert not get_user_model().objects.filter(username="pm").exists()
