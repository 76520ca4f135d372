"""A refused, missing or failed page answers in the product's look, never Django's bare pages."""

import pytest
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_the_role_may_not_open_is_a_styled_403_naming_the_roles(people):
    response = _client(people["audrey"]).get("/book/corrections/new/")
    body = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-page"' in body and "This page is not for your role" in body
    assert "This page needs one of the roles: PM." in body
    assert 'class="pms-nav"' in body  # the header and navigation stay: the user can go on


def test_an_unknown_page_is_a_styled_404(people):
    response = _client(people["pam"]).get("/book/nothing-here/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'id="error-page"' in body and "/book/nothing-here/" in body


def test_a_failed_page_is_a_styled_500_that_needs_no_database():
    from core.errors import handler500

    response = handler500(RequestFactory().get("/book/positions/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert 'id="error-page"' in body and "Something went wrong" in body and "pms.css" in body
