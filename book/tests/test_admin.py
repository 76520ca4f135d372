"""Admin: prices uploaded as CSV through the service; positions read-only; approval policy edited, audited."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from approvals import services as approvals_services
from approvals.models import ApprovalPolicy, ApprovalRequest
from audit.models import Event
from book.models import Price


def _admin(people, name="oscar") -> Client:
    client = Client()
    client.force_login(people[name])
    return client


def test_a_price_csv_uploaded_by_a_person_waits_for_a_second_person(people, gold, nifty):
    csv = b"instrument,price,source,as_of\nGOLD_MINI,71250,MCX close,2026-01-05T15:30:00Z\nBANK_NIFTY,48100,NSE,\n"
    upload = {"file": SimpleUploadedFile("p.csv", csv), "reason": "Feed down since 15:00; MCX close by phone."}
    response = _admin(people).post("/admin/book/price/upload/", upload)
    assert response.status_code == 302
    request = ApprovalRequest.objects.get(action="book.manual_price", requested_by=people["oscar"])
    assert [p["instrument"] for p in request.payload["prices"]] == ["GOLD_MINI", "BANK_NIFTY"]
    assert not Price.objects.exists()
    approvals_services.approval_approve(actor=people["alice"], request_id=request.pk)
    assert (
        sorted(Price.objects.values_list("manual", "approval_id", "recorded_by")) == [(True, request.pk, "oscar")] * 2
    )
    assert Event.objects.filter(action="book.prices.recorded", actor="alice").exists()


def test_a_price_csv_from_a_person_needs_a_reason(people, gold):
    csv = b"instrument,price,source\nGOLD_MINI,71250,MCX\n"
    response = _admin(people).post("/admin/book/price/upload/", {"file": SimpleUploadedFile("p.csv", csv)})
    assert response.status_code == 200 and "give the reason" in response.content.decode()
    assert not ApprovalRequest.objects.exists() and not Price.objects.exists()


def test_a_bad_csv_row_records_nothing_and_says_why(people, gold):
    csv = b"instrument,price,source\nGOLD_MINI,71250,MCX\nSILVER,10,x\n"
    response = _admin(people).post("/admin/book/price/upload/", {"file": SimpleUploadedFile("p.csv", csv)})
    assert response.status_code == 200 and "Unknown instrument" in response.content.decode()
    wrong_header = _admin(people).post(
        "/admin/book/price/upload/", {"file": SimpleUploadedFile("p.csv", b"a,b\n1,2\n")}
    )
    assert "header must contain" in wrong_header.content.decode()
    assert not Price.objects.exists()


def test_positions_cannot_be_changed_in_the_admin(people, open_position):
    position = open_position()
    people["oscar"].is_superuser = True
    people["oscar"].save()
    page = _admin(people).get(f"/admin/book/position/{position.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert _admin(people).post(f"/admin/book/position/{position.pk}/delete/").status_code == 403


def test_the_policy_is_edited_through_the_service(people):
    people["oscar"].is_superuser = True
    people["oscar"].save()
    body = {"action": "book.correction", "required_approvals": 2, "approver_roles": '["Approver"]', "expiry_hours": 8}
    response = _admin(people).post("/admin/approvals/approvalpolicy/add/", body)
    assert response.status_code == 302, response.content.decode()[:500]
    assert ApprovalPolicy.for_action("book.correction").required_approvals == 2
    assert Event.objects.filter(action="approvals.policy.changed").exists()
