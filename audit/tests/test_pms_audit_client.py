"""The `pms-audit` client, run as its own process against a live server, trusts only the signing key:
each way of altering history is caught by the command that should catch it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rest_framework.authtoken.models import Token

from audit import services
from audit.models import Event
from audit.signing import public_key_text, signing_key

CLIENT = Path(__file__).resolve().parents[2] / "client"


@pytest.fixture
def pms_audit(live_server, tmp_path):
    """pms_audit(*args) -> CompletedProcess of `python -m pms_audit --state … args` (no Django on its path)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pms_audit", "--state", str(tmp_path / "state"), *args]
        return subprocess.run(command, cwd=CLIENT, env=env, capture_output=True, text=True, timeout=120)

    return run


@pytest.fixture
def kept(transactional_db, pms_audit, live_server, trail, people):
    """A published checkpoint of every chain, fetched, checked and kept by the client."""
    services.checkpoints_publish(actor="system:tests")
    token, _ = Token.objects.get_or_create(user=people["audrey"])
    result = pms_audit(
        "checkpoint", "--url", live_server.url, "--token", token.key,
        "--public-key", public_key_text(signing_key().public_key()),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "audit_event/audittest: checkpoint 6 verified and kept" in result.stdout
    return [e for e in trail if e.chain == "audittest"]


def fails(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("FAILED: ") and all(word in result.stderr for word in words), result.stderr


def test_the_client_imports_no_django():
    code = "import sys, pms_audit.cli; sys.exit(any(m.startswith('django') for m in sys.modules))"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    assert subprocess.run([sys.executable, "-c", code], cwd=CLIENT, env=env, timeout=60).returncode == 0


def test_an_untouched_trail_proves_verifies_and_grows_consistently(kept, pms_audit, people):
    result = pms_audit("prove", str(kept[2].pk))
    assert (
        result.returncode == 0
        and f"event {kept[2].pk}: audit_event/audittest seq 3 is in checkpoint 6" in result.stdout
    )
    result = pms_audit("verify", "--chain", "audittest")
    assert result.returncode == 0, result.stderr
    assert "audit_event/audittest: 6 rows verified; the first 6 match the kept checkpoint" in result.stdout
    services.event_record(actor=people["pam"], action="audittest.thing.created", subject_id="11")
    services.checkpoints_publish(actor="system:tests")
    result = pms_audit("consistency")
    assert result.returncode == 0, result.stderr
    assert "audit_event/audittest: checkpoint 7 verified and kept" in result.stdout


def test_an_event_after_the_kept_checkpoint_needs_a_newer_one(kept, pms_audit, people):
    late = services.event_record(actor=people["pam"], action="audittest.thing.created", subject_id="12")
    fails(pms_audit("prove", str(late.pk)), "after the kept checkpoint of 6 leaves", "pms-audit consistency")


def test_a_wrong_public_key_is_refused(kept, pms_audit, people, live_server):
    token = Token.objects.get(user=people["audrey"]).key
    other = public_key_text(Ed25519PrivateKey.generate().public_key())
    result = pms_audit("checkpoint", "--url", live_server.url, "--token", token, "--public-key", other)
    fails(result, "checkpoint refused", "no signature by the given public key")


def _rewrite(superuser_sql, event: Event, payload: str, rehash: bool) -> None:
    superuser_sql("UPDATE audit_event SET payload = %s::jsonb WHERE id = %s", [payload, event.pk])
    if rehash:
        forged = Event.objects.get(pk=event.pk).compute_hash()
        superuser_sql("UPDATE audit_event SET hash = %s WHERE id = %s", [forged, event.pk])


@pytest.mark.postgres
def test_a_superusers_rewrite_is_caught_by_prove_and_verify(kept, pms_audit, superuser_sql):
    _rewrite(superuser_sql, kept[1], '{"reason": "nothing happened"}', rehash=False)
    fails(pms_audit("prove", str(kept[1].pk)), f"event {kept[1].pk}", "seq 2", "rewritten")
    fails(pms_audit("verify", "--chain", "audittest"), "audit_event/audittest seq 2", "content hashes to")
    assert pms_audit("prove", str(kept[0].pk)).returncode == 0  # the rows before it still prove


@pytest.mark.postgres
def test_a_rehashed_forgery_is_caught_by_prove_and_verify(kept, pms_audit, superuser_sql):
    last = kept[-1]
    _rewrite(superuser_sql, last, '{"reason": "forged"}', rehash=True)
    fails(pms_audit("prove", str(last.pk)), f"event {last.pk}", "is not in the kept checkpoint 6")
    fails(pms_audit("verify", "--chain", "audittest"), "do not have the kept checkpoint's root", "rewritten")


@pytest.mark.postgres
def test_a_deleted_tail_is_caught_by_verify_and_consistency(kept, pms_audit, superuser_sql):
    superuser_sql("DELETE FROM audit_event WHERE id IN (%s, %s)", [kept[-1].pk, kept[-2].pk])
    fails(pms_audit("verify", "--chain", "audittest"), "export has 4 rows, the kept checkpoint 6", "deleted")
    superuser_sql("DELETE FROM audit_merklenode WHERE chain = 'audittest'")
    services.checkpoints_publish(actor="system:tests")  # the server now signs a tree of 4
    fails(pms_audit("consistency"), "audit_event/audittest", "shrank from 6 to 4")


@pytest.mark.postgres
def test_a_forked_checkpoint_is_caught_by_consistency(kept, pms_audit, superuser_sql, people):
    _rewrite(superuser_sql, kept[-1], '{"reason": "forged"}', rehash=True)
    superuser_sql("DELETE FROM audit_merklenode WHERE chain = 'audittest'")  # rebuilt over the forgery
    services.event_record(actor=people["pam"], action="audittest.thing.created", subject_id="13")
    services.checkpoints_publish(actor="system:tests")  # signed with the real key: a fork, not a forgery
    fails(pms_audit("consistency"), "checkpoint 7 does not extend the kept checkpoint 6")


def test_no_checkpoint_yet_or_no_state_cannot_be_checked(transactional_db, pms_audit, live_server, people):
    fails_to_run = pms_audit("prove", "1")
    assert fails_to_run.returncode == 2 and "no state in" in fails_to_run.stderr
    token, _ = Token.objects.get_or_create(user=people["audrey"])
    key = public_key_text(signing_key().public_key())
    result = pms_audit("checkpoint", "--url", live_server.url, "--token", token.key, "--public-key", key)
    assert result.returncode == 2 and "published no checkpoint yet" in result.stderr
