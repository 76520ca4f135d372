"""Approvals fixtures: a harmless registered action whose executor writes an audit event."""

import pytest

from approvals import registry
from approvals.services import approval_request_create
from audit.services import event_record
from core.errors import Invalid

ACTION = "approvals.test_action"


def _execute(request, *, actor):
    if request.payload.get("explode"):
        raise Invalid("the executor refused")
    event_record(actor=actor, action="approvals.request.executed", subject_type="test", subject_id=request.pk)
    return {"done": request.pk}


@pytest.fixture
def action():
    registry.register(ACTION, _execute, label="Test action", describe=lambda p: {"summary": f"do {p.get('n')}"})
    yield ACTION
    registry.ACTIONS.pop(ACTION, None)


@pytest.fixture
def pending(people, action):
    def _make(who="pam", **payload):
        return approval_request_create(actor=people[who], action=action, payload=payload, reason="because")

    return _make
