"""A real beat tick puts a probe on a real worker, whose result lands in the database."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django_celery_beat.models import PeriodicTask

from ops import probes
from ops.models import ProbeResult, Status


def _beat(tmp_path):
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="pms_ops.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        OPS_PROBE_INTERVAL_SECONDS="2",
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pms_ops",
        "beat",
        "--loglevel",
        "WARNING",
        "--pidfile",
        str(tmp_path / "beat.pid"),
        "--max-interval",
        "1",
    ]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


@pytest.mark.postgres
@pytest.mark.worker
def test_beat_schedules_probes_that_a_worker_runs(celery_worker_process, tmp_path):
    beat = _beat(tmp_path)
    try:
        deadline = time.monotonic() + 45
        while not ProbeResult.objects.filter(probe="database").exists():
            assert beat.poll() is None, "celery beat exited"
            assert time.monotonic() < deadline, "no probe result arrived from beat + worker"
            time.sleep(0.5)
    finally:
        beat.terminate()
        try:
            beat.wait(timeout=15)
        except subprocess.TimeoutExpired:  # SIGTERM mid-publish can hang beat (docs/ops.md): as systemd would
            beat.kill()
            beat.wait(timeout=15)
    result = ProbeResult.objects.filter(probe="database").first()
    assert result.status == Status.OK
    # the database scheduler synced the settings' entries, so Ops can edit them in the admin
    entry = PeriodicTask.objects.get(name="ops.probe.database")
    assert (entry.task, entry.args) == ("ops.probe_run", '["database"]')


@pytest.mark.postgres
@pytest.mark.worker
def test_the_celery_probe_gets_an_answer_from_a_real_worker(celery_worker_process):
    outcome, latency = probes.execute("celery")
    assert (outcome.status, outcome.message) == (Status.OK, "worker answered 'pong'")
    assert latency < 5000
