"""A person on `make run`: a demo login, the dashboard, and an audit event found in the trail."""

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.sqlite]


def _demo_logins(settings, tmp_path) -> dict[str, str]:
    settings.DEMO_PASSWORDS_FILE = tmp_path / "demo_passwords"
    settings.BACKUP_DIR = tmp_path / "backups"  # the demo takes a real backup
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    logins = {}
    for line in out.getvalue().splitlines()[1:]:
        username, _, password = line.split()[-3:]
        logins[username] = password
    return logins


def test_the_auditor_logs_in_sees_the_dashboard_and_finds_an_event(transactional_db, settings, tmp_path, login):
    from django.contrib.auth import get_user_model

    logins = _demo_logins(settings, tmp_path)
    auditor = get_user_model().objects.get(username="auditor")
    page = login(auditor, logins["auditor"])
    assert page.locator("#site-name").inner_text() == "PMS Ops"
    assert page.locator("#panel-book").is_visible()
    assert "open position" in page.locator("#panel-book").inner_text()
    page.locator("#panel-chains h2 a").click()
    page.wait_for_url("**/admin/audit/event/**")
    row = page.locator("#result_list tbody tr", has_text="book.position.opened").first
    assert row.is_visible()
    row.locator("th a, td a").first.click()
    page.wait_for_url("**/change/")
    assert "book.position.opened" in page.content()
    assert page.locator(".field-verified img[alt='True']").count() == 1
    assert page.locator("input[type=submit][name=_save]").count() == 0
