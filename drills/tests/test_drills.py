"""The short version of every drill (`python -m drills --short`), run once in its own process; each
drill's figures are then checked by its own test. Nothing the drills started may outlive them."""

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from drills.__main__ import NAMES

pytestmark = [pytest.mark.drill, pytest.mark.postgres]
BASE_DIR = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 600  # seconds: far above what the short drills take (about three minutes), never hangs CI


def _leftovers(marker: str) -> list[str]:
    """Processes carrying this run's marker in their environment, or this run's cluster in their command line."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if f"PMS_DRILL_RUN={marker}".encode() in environ or f"pms-drill-pg-{marker[:12]}-" in cmdline:
            found.append(f"{proc.name}: {cmdline[:120]}")
    return found


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    results = tmp_path_factory.mktemp("drill-results")
    marker = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    env["PMS_DRILL_RUN"] = marker
    process = subprocess.Popen(
        [sys.executable, "-m", "drills", "--short", "--results", str(results)],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:  # timed out: the whole session goes
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    print(output[-5000:])
    return {
        "results": {
            name: json.loads((results / f"{name}.json").read_text())
            for name in NAMES
            if (results / f"{name}.json").exists()
        },
        "leftovers": _leftovers(marker),
    }


@pytest.mark.parametrize("name", NAMES)
def test_the_short_drill_passes(figures, name):
    result = figures["results"].get(name)
    assert result is not None, f"{name} saved no figures"
    assert result["short"] is True
    assert result["failures"] == [], result["failures"]
    assert result["passed"] is True


def test_nothing_the_drills_started_is_left_running(figures):
    assert figures["leftovers"] == []
