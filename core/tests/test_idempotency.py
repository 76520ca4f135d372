"""Idempotency-Key: a retried POST gets the first answer and writes nothing twice."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from core.models import IdempotencyRecord

pytestmark = pytest.mark.urls("core.tests.urls")


def _post(client, name: str, key: str | None = "key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/groups", {"name": name}, format="json", **headers)


def test_a_replay_returns_the_first_answer_and_writes_once(api):
    first = _post(api["oscar"], "Desk A")
    again = _post(api["oscar"], "Desk A")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Group.objects.filter(name="Desk A").count() == 1


def test_the_same_key_with_another_body_is_a_422(api):
    _post(api["oscar"], "Desk A")
    response = _post(api["oscar"], "Desk B")
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert not Group.objects.filter(name="Desk B").exists()


def test_a_refused_request_keeps_its_key_free_for_the_corrected_one(api):
    refused = _post(api["oscar"], "")
    assert refused.status_code == 400
    fixed = _post(api["oscar"], "Desk C")
    assert fixed.status_code == 201
    assert Group.objects.filter(name="Desk C").count() == 1


def test_keys_belong_to_their_user(api, people):
    people["audrey"].is_superuser = True
    people["audrey"].save()
    _post(api["oscar"], "Desk A")
    other = _post(api["audrey"], "Desk D")
    assert other.status_code == 201
    assert IdempotencyRecord.objects.filter(key="key-1").count() == 2


def test_without_a_key_each_post_is_its_own(api):
    assert _post(api["oscar"], "Desk E", key=None).status_code == 201
    assert _post(api["oscar"], "Desk E", key=None).status_code == 400  # the name is unique


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_write_once(people):
    from conftest import client_for

    answers = []
    barrier = threading.Barrier(2)

    def send():
        client = client_for(people["oscar"])
        barrier.wait()
        try:
            answers.append(_post(client, "Desk F"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Group.objects.filter(name="Desk F").count() == 1
