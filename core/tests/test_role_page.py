"""Workflow pages check roles by the rule REST uses: one decorator, the same answers."""

import pytest
from django.test import Client

from conftest import PEOPLE

pytestmark = pytest.mark.urls("core.tests.urls")


def test_anonymous_is_sent_to_the_login_page(settings):
    settings.LOGIN_URL = "/login/"
    response = Client().get("/groups/page")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/groups/page"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", PEOPLE)
def test_a_page_answers_each_person_as_the_api_does(api, people, name, method):
    client = Client()
    client.force_login(people[name])
    page = getattr(client, method)("/groups/page")
    rest = getattr(api[name], method)("/groups", {"name": f"made-by-{name}"}, format="json")
    assert page.status_code in (200, 403)
    assert (page.status_code == 403) == (rest.status_code == 403), f"page {page.status_code}, API {rest.status_code}"
    if page.status_code == 200:
        assert page.content.decode() == f"{method.upper()} groups page"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", PEOPLE)
def test_links_and_buttons_are_shown_by_the_pages_own_rule(people, name, method):
    """`page_allows` (navigation, `may_open`) says yes exactly when the page would let the person in."""
    from core.roles import page_allows

    client = Client()
    client.force_login(people[name])
    answered = getattr(client, method)("/groups/page").status_code
    assert page_allows(people[name], "group-page", method.upper()) == (answered == 200)


def test_an_unknown_page_name_is_never_shown(people):
    from core.roles import page_allows

    assert page_allows(people["oscar"], "no-such:page") is False
