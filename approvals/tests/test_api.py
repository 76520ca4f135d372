"""The approvals REST API: the queue, one request, approve / reject / cancel, and who may do what."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from approvals.models import ApprovalDecision, ApprovalRequest
from approvals.tasks import approvals_expire_task
from audit.models import Event


def test_the_queue_lists_and_filters(api, pending):
    first, second = pending(n=1), pending(who="paul", n=2)
    api["alice"].post(f"/api/v1/approvals/{first.pk}/approve", {}, format="json")
    listing = api["audrey"].get("/api/v1/approvals/").json()["results"]
    assert [r["id"] for r in listing] == [second.pk, first.pk]
    waiting = api["audrey"].get("/api/v1/approvals/", {"status": "pending"}).json()["results"]
    assert [r["id"] for r in waiting] == [second.pk]
    assert api["audrey"].get("/api/v1/approvals/", {"action": "nope"}).json()["results"] == []
    bad = api["audrey"].get("/api/v1/approvals/", {"status": "maybe"})
    assert bad.status_code == 400 and "status" in bad.json()["fields"]
    assert api[None].get("/api/v1/approvals/").status_code == 401
    assert api["nobody"].get("/api/v1/approvals/").status_code == 403


def test_one_request_shows_its_preview_and_decisions(api, pending):
    request = pending(n=7)
    api["alice"].post(f"/api/v1/approvals/{request.pk}/approve", {"comment": "fine"}, format="json")
    body = api["audrey"].get(f"/api/v1/approvals/{request.pk}").json()
    assert body["preview"] == {"summary": "do 7"} and body["label"] == "Test action"
    assert body["status"] == "executed" and body["result"] == {"done": request.pk}
    assert body["decisions"][0]["decided_by"] == "alice" and body["decisions"][0]["comment"] == "fine"
    assert api["audrey"].get("/api/v1/approvals/999999").status_code == 404


def test_approvers_are_told(pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending(n=1)
    assert sorted(mail.outbox[0].to) == ["alice@example.com", "arthur@example.com"]
    assert mail.outbox[0].subject.startswith("[PMS Ops] Approval needed: Test action #")  # its name, not its key


def test_deciding_a_decided_request_is_a_409(api, pending):
    request = pending()
    assert api["alice"].post(f"/api/v1/approvals/{request.pk}/approve", {}, format="json").status_code == 200
    again = api["arthur"].post(f"/api/v1/approvals/{request.pk}/approve", {}, format="json")
    assert again.status_code == 409 and "already executed" in again.json()["detail"]
    assert (
        api["arthur"].post(f"/api/v1/approvals/{request.pk}/reject", {"comment": "no"}, format="json").status_code
        == 409
    )
    assert ApprovalDecision.objects.count() == 1


def test_reject_needs_a_comment_and_executes_nothing(api, pending):
    request = pending()
    bare = api["alice"].post(f"/api/v1/approvals/{request.pk}/reject", {}, format="json")
    assert bare.status_code == 400 and "comment" in bare.json()["fields"]
    done = api["alice"].post(f"/api/v1/approvals/{request.pk}/reject", {"comment": "wrong size"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert not Event.objects.filter(action="approvals.request.executed").exists()


def test_only_the_requester_cancels(api, pending):
    request = pending()
    assert api["paul"].post(f"/api/v1/approvals/{request.pk}/cancel", {}, format="json").status_code == 403
    response = api["pam"].post(f"/api/v1/approvals/{request.pk}/cancel", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api["pam"].post(f"/api/v1/approvals/{request.pk}/cancel", {}, format="json").status_code == 409


def test_an_expired_request_cannot_be_decided_and_the_beat_task_expires_it(api, pending):
    request = pending()
    ApprovalRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = api["alice"].post(f"/api/v1/approvals/{request.pk}/approve", {}, format="json")
    assert response.status_code == 409 and "expired" in response.json()["detail"]
    assert approvals_expire_task.delay().get() == 1
    assert approvals_expire_task.delay().get() == 0  # delivered twice: expired once
    assert ApprovalRequest.objects.get(pk=request.pk).status == "expired"
    assert Event.objects.filter(action="approvals.request.expired", subject_id=str(request.pk)).count() == 1


def test_a_failing_executor_marks_the_request_failed(api, pending):
    request = pending(explode=True)
    response = api["alice"].post(f"/api/v1/approvals/{request.pk}/approve", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "failed" and response.json()["failure_reason"] == "the executor refused"


def test_a_replayed_approve_answers_the_same(api, pending):
    request = pending()
    url = f"/api/v1/approvals/{request.pk}/approve"
    first = api["alice"].post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api["alice"].post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert ApprovalDecision.objects.count() == 1
