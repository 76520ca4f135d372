"""Approvals fixtures: a harmless registered action whose executor writes an audit event."""

import pytest

from approvals import registry
from approvals.actions import ApprovalsAction
from approvals.services import approval_request_create
from audit.services import event_record
from core.errors import Invalid


class HarmlessAction(registry.Approvable):
    name = "approvals.test_action"
    label = "Test action"

    def execute(self, request, *, actor):
        if request.payload.get("explode"):
            raise Invalid("the executor refused")
        event_record(actor=actor, action=ApprovalsAction.REQUEST_EXECUTED, subject_type="test", subject_id=request.pk)
        return {"done": request.pk}

    def describe(self, payload):
        return {"summary": f"do {payload.get('n')}"}


@pytest.fixture
def action():
    registry.register(HarmlessAction)
    yield HarmlessAction.name
    registry.ACTIONS.pop(HarmlessAction.name, None)


@pytest.fixture
def pending(people, action):
    def _make(who="pam", **payload):
        return approval_request_create(actor=people[who], action=action, payload=payload, reason="because")

    return _make
