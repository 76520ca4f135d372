"""Statements dropped into the watched directory are reconciled by beat; refused ones are set aside with the reason."""

import json
import os
import time

from django.test import override_settings

from recon import tasks
from recon.models import Run, Statement

from .conftest import HEADER, csv_of


def test_beat_reconciles_good_files_and_sets_aside_bad_ones(tmp_path, open_position):
    open_position()
    (tmp_path / "a_good.csv").write_bytes(csv_of("GOLD_MINI,LONG,2,71000"))
    (tmp_path / "b_bad.csv").write_bytes(HEADER.encode() + b"GOLD_MINI,LONG,-2,71000\n")
    (tmp_path / "notes.txt").write_text("not a statement")
    # The statement is as of its file's mtime, which the kernel stamps from a clock a few ms coarse: it
    # could read earlier than the position opened just before, which would then be a true break.
    now = time.time_ns()
    os.utime(tmp_path / "a_good.csv", ns=(now, now))
    with override_settings(RECON_INBOX_DIR=str(tmp_path)):
        outcome = tasks.inbox_sweep()
    assert outcome == {"done": ["a_good.csv"], "rejected": ["b_bad.csv"]}
    statement = Statement.objects.get()
    assert (statement.source, statement.filename, statement.received_by) == ("watched", "a_good.csv", "system:recon")
    assert Run.objects.get().breaks_found == 0
    assert (tmp_path / "done" / "a_good.csv").exists() and (tmp_path / "rejected" / "b_bad.csv").exists()
    reason = json.loads((tmp_path / "rejected" / "b_bad.txt").read_text())
    assert "line 2.quantity" in reason["fields"]
    assert (tmp_path / "notes.txt").exists()
    with override_settings(RECON_INBOX_DIR=str(tmp_path)):
        assert tasks.inbox_sweep() == {"done": [], "rejected": []}  # nothing is read twice


def test_an_oversized_file_is_refused_unread(tmp_path, gold):
    (tmp_path / "huge.csv").write_bytes(csv_of(*["GOLD_MINI,LONG,2,71000"] * 10))
    with override_settings(RECON_INBOX_DIR=str(tmp_path), RECON_STATEMENT_MAX_BYTES=50):
        assert tasks.inbox_sweep() == {"done": [], "rejected": ["huge.csv"]}
    assert Statement.objects.count() == 0


def test_a_missing_directory_is_nothing_to_do(tmp_path, db):
    with override_settings(RECON_INBOX_DIR=str(tmp_path / "absent")):
        assert tasks.inbox_sweep() == {"done": [], "rejected": []}
