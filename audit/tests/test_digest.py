"""Digests: chain heads published outside the database prove a later rewrite, even a recomputed one."""

import http.server
import json
import threading

import pytest
from django.core.management import CommandError, call_command

from audit.canonical import dumps, link_hash
from audit.models import Event
from audit.services import event_record
from audit.tasks import digest_publish as digest_task


@pytest.fixture
def digest_file(settings, tmp_path):
    settings.AUDIT_DIGEST_FILE = str(tmp_path / "backups" / "audit-digests.jsonl")
    settings.DIGEST_WEBHOOK_URL = ""
    return tmp_path / "backups" / "audit-digests.jsonl"


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_beat_task_appends_heads_and_is_audited(trail, digest_file):
    digest_task.delay()
    digest_task.delay()
    first, second = lines(digest_file)
    heads = {h["chain"]: h for h in first["heads"]}
    assert heads["audittest"] == {
        "table": "audit_event",
        "chain": "audittest",
        "head_seq": 6,
        "head_hash": trail[7].hash,
    }
    assert first["published_at"].endswith("Z")
    event = Event.objects.filter(action="audit.digest.published").order_by("id").first()
    assert event.actor == "system:beat" and event.payload["heads"] == first["heads"]
    # The second digest includes the first publication's own event in the audit chain.
    assert {h["chain"]: h for h in second["heads"]}["audit"]["head_hash"] == event.hash


def test_publish_digest_command(trail, digest_file, capsys):
    call_command("publish_digest")
    out = capsys.readouterr().out
    assert f"audit_event [audittest]: head seq 6 {trail[7].hash}" in out
    assert len(lines(digest_file)) == 1
    assert Event.objects.filter(action="audit.digest.published", actor="system:publish_digest").exists()


@pytest.mark.django_db(transaction=True)
def test_the_webhook_receives_the_digest(people, settings, digest_file):
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.DIGEST_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/digest"
    event_record(actor=people["audrey"], action="audit.chains.verified")
    digest_task.delay()
    server.server_close()
    assert received == lines(digest_file)


def test_a_webhook_that_is_down_does_not_stop_publication(trail, settings, digest_file):
    settings.DIGEST_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    settings.AUDIT_DIGEST_WEBHOOK_TIMEOUT = 0.5
    digest_task.delay()
    assert len(lines(digest_file)) == 1


def test_against_passes_on_untouched_history(trail, digest_file, capsys):
    call_command("publish_digest")
    event_record(actor=None, action="audittest.thing.created", payload={})
    call_command("publish_digest")
    call_command("verify_chains", against=str(digest_file))
    out = capsys.readouterr().out
    assert "OK     audit_event [audittest]: 2 published heads hold; latest seq 7" in out
    assert "REWRITTEN" not in out


def _rewrite_and_recompute(superuser_sql, event: Event) -> None:
    """What a superuser covering their tracks does: change a row, recompute every hash after it."""
    rows = list(Event.objects.filter(chain=event.chain, seq__gte=event.seq).order_by("seq"))
    rows[0].actor = "mallory"
    prev = rows[0].prev_hash
    with superuser_sql.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_event DROP CONSTRAINT audit_event_chain_prev")
        for row in rows:
            row.prev_hash = prev
            row.hash = link_hash(prev, dumps(row.canonical_content()))
            cursor.execute(
                "UPDATE audit_event SET actor = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [row.actor, row.prev_hash, row.hash, row.pk],
            )
            prev = row.hash
        cursor.execute("ALTER TABLE audit_event ADD CONSTRAINT audit_event_chain_prev UNIQUE (chain, prev_hash)")


@pytest.mark.postgres
def test_against_catches_a_rewrite_with_every_hash_recomputed(trail, digest_file, capsys, superuser_sql):
    call_command("publish_digest")  # heads: audittest at seq 6
    for n in range(3):
        event_record(actor=None, action="audittest.thing.created", payload={"n": n})
    call_command("publish_digest")  # audittest at seq 9
    _rewrite_and_recompute(superuser_sql, trail[2])  # audittest seq 3

    call_command("verify_chains")  # the chain alone verifies: the rewrite is invisible without digests
    assert "BROKEN" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_chains", against=str(digest_file))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "REWRITTEN audit_event [audittest]: head seq 6" in out
    assert f"found {Event.objects.get(chain='audittest', seq=6).hash}" in out
    assert "history rewritten after seq 0 and at or before seq 6" in out
    assert "OK     audit_event [audittestother]" in out


def test_against_names_a_bad_digest_line(trail, digest_file):
    call_command("publish_digest")
    with digest_file.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(CommandError, match="line 2: not a digest"):
        call_command("verify_chains", against=str(digest_file))


def test_against_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("verify_chains", against=str(tmp_path / "nope.jsonl"))
