"""The timeline cannot be rewritten: not by the ORM, not by raw SQL; a tampered row breaks the chain."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError
from incidents.models import RunbookVersion, TimelineEvent
from incidents.services import incident_event_add


def test_orm_refuses_edits_and_deletes(incident, people):
    event = incident_event_add(actor=people["ivy"], incident=incident, kind="note", text="typo")
    event.text = "fixed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        RunbookVersion.objects.update(escalate_if="never")


@pytest.mark.parametrize(
    "sql", ["UPDATE incidents_timelineevent SET text = 'x'", "DELETE FROM incidents_timelineevent"]
)
def test_the_database_refuses_raw_sql(incident, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert TimelineEvent.objects.filter(incident=incident).count() == 2  # declared, paged
