"""The reconciliation pages: upload in the browser's form, breaks, a break's two ways out; each by role."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from recon.models import Break, Statement

from .conftest import HEADER, csv_of


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, content: bytes, as_of=None):
    # The form has whole seconds: a second ahead covers a position opened a moment ago (5 s are allowed).
    as_of = as_of or timezone.localtime(timezone.now() + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    return client.post("/recon/", {"file": SimpleUploadedFile("st.csv", content), "as_of": as_of})


def test_a_pm_uploads_a_statement_and_sees_its_breaks(people, open_position):
    open_position()
    pam = _client(people["pam"])
    response = _upload(pam, csv_of("GOLD_MINI,LONG,3,71000"))
    assert response.status_code == 302
    page = pam.get(response["Location"]).content.decode()
    brk = Break.objects.get()
    assert f'id="break-{brk.pk}"' in page and "Quantity differs" in page
    detail = pam.get(f"/recon/breaks/{brk.pk}/").content.decode()
    assert 'id="correct-from-break"' in detail and "origin=recon.break%3A" in detail and "size=3" in detail
    assert Statement.objects.get().source == "upload"


def test_a_bad_upload_is_a_form_error_naming_the_line(people, gold):
    pam = _client(people["pam"])
    response = _upload(pam, HEADER.encode() + b"GOLD_MINI,LONG,2,71000\nGOLD_MINI,LONG,2,71000\n")
    assert response.status_code == 400
    assert "line 3.instrument" in response.content.decode() and "Duplicate row" in response.content.decode()
    assert Statement.objects.count() == 0


@override_settings(RECON_STATEMENT_MAX_BYTES=10)
def test_an_oversized_upload_is_refused(people, gold):
    response = _upload(_client(people["pam"]), csv_of("GOLD_MINI,LONG,2,71000"))
    assert response.status_code == 400 and "limit is 10" in response.content.decode()
    assert Statement.objects.count() == 0


def test_the_correction_wizard_opens_prefilled_from_the_break(people, open_position):
    position = open_position()
    pam = _client(people["pam"])
    _upload(pam, csv_of("GOLD_MINI,SHORT,2,71000"))
    brk = Break.objects.get()
    wizard = pam.get(f"/book/corrections/new/?q={position.pk}&direction=SHORT&size=2&origin=recon.break:{brk.pk}")
    html = wizard.content.decode()
    assert '<option value="SHORT" selected>' in html
    assert f'name="origin" value="recon.break:{brk.pk}"' in html


def test_roles(people, open_position):
    open_position()
    _upload(_client(people["pam"]), csv_of("GOLD_MINI,LONG,3,71000"))
    brk = Break.objects.get()
    auditor = _client(people["audrey"])
    assert auditor.get("/recon/").status_code == 200
    assert 'id="statement-form"' not in auditor.get("/recon/").content.decode()
    assert _upload(auditor, csv_of("GOLD_MINI,LONG,2,71000")).status_code == 403
    assert auditor.post(f"/recon/breaks/{brk.pk}/", {"explanation": "x"}).status_code == 403
    assert 'id="explanation-form"' not in auditor.get(f"/recon/breaks/{brk.pk}/").content.decode()
    assert _client(people["nobody"]).get("/recon/").status_code == 403
    assert Client().get("/recon/").status_code == 302


def test_an_explanation_from_the_page_goes_to_the_approvals_queue(people, open_position):
    open_position()
    oscar = _client(people["oscar"])
    _upload(oscar, csv_of("GOLD_MINI,LONG,3,71000"))
    brk = Break.objects.get()
    response = oscar.post(f"/recon/breaks/{brk.pk}/", {"explanation": "Broker booked a late fill"})
    assert response.status_code == 302 and "/approvals/" in response["Location"]
    assert brk.events.filter(kind="explained").exists()
