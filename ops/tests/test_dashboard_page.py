"""The ops dashboard page and its forms, through Django's test client."""

import pytest
from django.urls import reverse

from ops.models import TradingChange


@pytest.fixture
def browser_client(client, people):
    def as_user(name):
        client.force_login(people[name])
        return client

    return as_user


def test_everyone_with_a_role_sees_the_dashboard(browser_client, record, heartbeat):
    record("disk", "fail", "only 2% free")
    heartbeat("morning-pack", seen_ago=500)
    page = browser_client("audrey").get(reverse("ops:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-probe="disk" data-status="fail"' in html
    assert 'data-probe="database" data-status="unknown"' in html
    assert "only 2% free" in html
    assert "morning-pack" in html and "late" in html
    assert "<svg" in html
    assert 'hx-get="/ops/panel"' in html
    assert "Halt trading now" not in html  # auditors may not halt


def test_the_panel_is_the_live_fragment(browser_client, record):
    record("database", "ok", "postgresql answered")
    html = browser_client("oscar").get(reverse("ops:dashboard-panel")).content.decode()
    assert "<html" not in html
    assert 'data-probe="database" data-status="ok"' in html


def test_no_role_is_refused_and_anonymous_is_sent_to_login(client, people):
    assert client.get(reverse("ops:dashboard")).status_code == 302
    client.force_login(people["nobody"])
    assert client.get(reverse("ops:dashboard")).status_code == 403


def test_a_pm_halts_from_the_page(browser_client):
    client = browser_client("pam")
    response = client.post(reverse("ops:trading-halt"), {"reason": "Fat-finger order storm"}, follow=True)
    assert response.status_code == 200
    assert "Trading HALTED" in response.content.decode()
    assert TradingChange.objects.get().reason == "Fat-finger order storm"


def test_halting_from_the_page_without_a_reason_says_so(browser_client):
    response = browser_client("oscar").post(reverse("ops:trading-halt"), {"reason": " "}, follow=True)
    assert "A reason is required." in response.content.decode()
    assert not TradingChange.objects.exists()


def test_an_auditor_cannot_post_the_halt_form(browser_client):
    assert browser_client("audrey").post(reverse("ops:trading-halt"), {"reason": "x"}).status_code == 403
    assert not TradingChange.objects.exists()


def test_todays_health_report_is_shown(browser_client, record):
    from ops import services

    record("database", "fail", "connection refused")
    services.health_report_create(actor="system:reports")
    html = browser_client("audrey").get(reverse("ops:dashboard")).content.decode()
    assert 'id="health-report"' in html
    assert "Runbook: Database troubleshooting" in html  # the runbook by its title, not its slug
    assert ">FAIL<" in html
