"""The harness itself: a real worker answers, a real browser logs in."""

import pytest

from pms_ops.celery import ping


@pytest.mark.postgres
@pytest.mark.worker
def test_a_task_runs_on_a_real_worker_through_redis(celery_worker_process):
    assert ping.delay().get(timeout=20) == "pong"


@pytest.mark.browser
def test_a_person_logs_in_through_the_admin_form(people, login):
    page = login(people["pam"])
    assert "PMS Ops" in page.title() or "Site administration" in page.content()
