"""In Chromium, an approver deciding a resume of trading sees the halt it lifts and the incidents still open."""

import pytest

from incidents import services as incidents
from ops.services.trading import trading_halt, trading_resume_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "size", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_resume_request_shows_who_halted_when_and_the_open_incidents(people, login, size):
    incident = incidents.incident_declare(actor=people["ivy"], title="Broker link down", severity="P1")
    trading_halt(actor=people["oscar"], reason="Broker link down")
    request = trading_resume_request(actor=people["oscar"], reason="Broker confirms the link is back.")

    approver = login(people["alice"], timezone_id="Asia/Kolkata")
    approver.set_viewport_size(size)
    approver.goto("/approvals/?status=pending")
    assert approver.inner_text(".pms-filters a[aria-current=page]") == "Pending"
    approver.click(f"#request-{request.pk} a")
    halt = approver.inner_text("#halt")
    assert "by oscar" in halt and "Reason: Broker link down" in halt and "IST" in halt
    assert approver.inner_text("#halted-for").strip() in {"0\xa0minutes", "1\xa0minute"}
    assert "Requested by oscar" in approver.inner_text("#asked") and "waiting" in approver.inner_text("#waited")
    approver.click(f"#touched-incidents a[href='/incidents/{incident.pk}/']")
    approver.wait_for_url(f"**/incidents/{incident.pk}/")
    approver.go_back()
    approver.click("#approve")
    approver.wait_for_selector("#result")
    assert approver.inner_text("#approval-status") == "executed"
    assert "decided after" in approver.inner_text("#waited")
