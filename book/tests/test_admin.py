"""Admin: prices uploaded as CSV through the service; positions read-only; approval policy edited, audited."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from approvals.models import ApprovalPolicy
from audit.models import Event
from book.models import Price


def _admin(people, name="oscar") -> Client:
    client = Client()
    client.force_login(people[name])
    return client


def test_a_price_csv_is_recorded_whole(people, gold, nifty):
    csv = b"instrument,price,source,as_of\nGOLD_MINI,71250,MCX close,2026-01-05T15:30:00Z\nBANK_NIFTY,48100,NSE,\n"
    response = _admin(people).post("/admin/book/price/upload/", {"file": SimpleUploadedFile("p.csv", csv)})
    assert response.status_code == 302
    assert Price.objects.count() == 2
    assert Event.objects.filter(action="book.prices.recorded", actor="oscar").exists()


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
