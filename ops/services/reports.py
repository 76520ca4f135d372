"""The daily health report (seed 001 Runbook 3), one per day: a rerun of the task keeps the first."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import event_record
from desk.day import today

from .. import reports
from ..actions import OpsAction
from ..models import HealthReport


def health_report_create(*, actor, now=None) -> HealthReport:
    now = now or timezone.now()
    day = today(now)  # the desk's date (BOOK_TIMEZONE)
    existing = HealthReport.objects.filter(date=day).first()
    if existing is not None:
        return existing
    checks = reports.daily_checks(now)
    try:
        with transaction.atomic():
            report = HealthReport.objects.create(
                date=day,
                passed=all(c.ok for c in checks),
                checks=reports.as_rows(checks),
                text=reports.render(day, checks),
                created_at=now,
            )
            event_record(
                actor=actor,
                action=OpsAction.HEALTH_REPORT_CREATED,
                subject_type="ops.health_report",
                subject_id=report.pk,
                payload={"date": day.isoformat(), "passed": report.passed},
            )
    except IntegrityError:  # a concurrent run made today's report first
        return HealthReport.objects.get(date=day)
    return report
