"""Signed digests: whoever can write to the digest folder cannot forge a digest that verifies."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, ManagementUtility, call_command

from audit import signing
from audit.canonical import dumps
from audit.digest import SIGNED_PREFIX


@pytest.fixture
def digest_file(settings, tmp_path):
    settings.AUDIT_DIGEST_FILE = str(tmp_path / "backups" / "audit-digests.jsonl")
    settings.DIGEST_WEBHOOK_URL = ""
    return tmp_path / "backups" / "audit-digests.jsonl"


@pytest.fixture
def public_key(capsys) -> str:
    """The public key exactly as `manage.py signing_key` prints it."""
    capsys.readouterr()
    call_command("signing_key")
    return capsys.readouterr().out.strip()


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path, digests: list[dict]) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in digests))


def _verify(digest_file, public_key):
    return call_command("verify_chains", against=str(digest_file), public_key=public_key)


def test_a_published_digest_is_signed_over_its_documented_bytes(trail, digest_file, public_key):
    call_command("publish_digest")
    (line,) = _lines(digest_file)
    message = SIGNED_PREFIX + dumps({"published_at": line["published_at"], "heads": line["heads"]})
    public = signing.public_key_from_text(public_key)
    public.verify(base64.b64decode(line["signature"]), message)  # raises if it does not verify
    assert line["key_id"] == signing.key_id(public) and len(line["key_id"]) == 16


def test_signed_digests_verify_against_the_public_key(trail, digest_file, public_key, capsys):
    call_command("publish_digest")
    call_command("publish_digest")
    _verify(digest_file, public_key)
    out = capsys.readouterr().out
    assert "SIGNED 2 digests verify under public key" in out
    assert "OK     audit_event [audittest]: 2 published heads hold" in out


def _forge_head(digest: dict) -> dict:
    heads = [dict(h, head_hash="0" * 64) if h["chain"] == "audittest" else h for h in digest["heads"]]
    return dict(digest, heads=heads)


def _sign_with_another_key(digest: dict) -> dict:
    other = Ed25519PrivateKey.generate()
    unsigned = {"published_at": digest["published_at"], "heads": _forge_head(digest)["heads"]}
    message = SIGNED_PREFIX + dumps(unsigned)
    return {
        **unsigned,
        "key_id": digest["key_id"],  # claims to be ours
        "signature": base64.b64encode(other.sign(message)).decode(),
    }


@pytest.mark.parametrize(
    ("forge", "refusal"),
    [
        (_forge_head, "line 2 .*signature does not verify.*forged or edited digest refused"),
        (lambda d: {k: v for k, v in d.items() if k not in ("signature", "key_id")}, "line 2 .*unsigned digest"),
        (_sign_with_another_key, "line 2 .*signature does not verify"),
        (lambda d: dict(d, signature="bm90IGEgc2lnbmF0dXJl"), "line 2 .*signature does not verify"),
    ],
    ids=["edited head", "unsigned", "signed by another key", "garbage signature"],
)
def test_a_forged_digest_is_refused(trail, digest_file, public_key, forge, refusal):
    call_command("publish_digest")
    call_command("publish_digest")
    first, second = _lines(digest_file)
    _write(digest_file, [first, forge(second)])
    with pytest.raises(CommandError, match=refusal):
        _verify(digest_file, public_key)


def test_the_command_line_exits_1_on_a_forged_digest(trail, digest_file, public_key, capsys):
    call_command("publish_digest")
    _write(digest_file, [_forge_head(_lines(digest_file)[0])])
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(
            ["manage.py", "verify_chains", "--against", str(digest_file), "--public-key", public_key]
        ).execute()
    assert exit_info.value.code == 1
    assert "forged or edited digest refused" in capsys.readouterr().err


def test_digests_signed_by_another_installation_are_refused(trail, digest_file, settings, tmp_path):
    call_command("publish_digest")
    other = tmp_path / "other.key"
    signing.write_private_key(other, Ed25519PrivateKey.generate())
    other_public = signing.public_key_text(signing.private_key_from_bytes(other.read_bytes(), "other").public_key())
    with pytest.raises(CommandError, match=r"line 1 .*signature does not verify"):
        _verify(digest_file, other_public)


def test_a_raw_seed_key_file_and_a_pem_public_key_file_work(trail, digest_file, settings, tmp_path, capsys):
    seed = tmp_path / "seed.key"
    seed.write_bytes(bytes(range(32)))
    settings.DIGEST_SIGNING_KEY_FILE = str(seed)
    call_command("publish_digest")
    public = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
    pem = tmp_path / "public.pem"
    pem.write_bytes(
        public.public_bytes(signing.serialization.Encoding.PEM, signing.serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    _verify(digest_file, str(pem))
    assert "SIGNED 1 digests verify" in capsys.readouterr().out


def test_a_bad_public_key_or_key_file_is_a_clear_error(trail, digest_file, settings, tmp_path):
    call_command("publish_digest")
    with pytest.raises(CommandError, match="not an Ed25519 public key"):
        _verify(digest_file, "not-base64!")
    settings.DIGEST_SIGNING_KEY_FILE = str(tmp_path / "missing.key")
    with pytest.raises(CommandError, match=r"missing\.key"):
        call_command("signing_key")


def test_generate_writes_a_private_key_once(tmp_path, capsys):
    path = tmp_path / "keys" / "digest.key"
    call_command("signing_key", generate=str(path))
    printed = capsys.readouterr().out.strip()
    key = signing.private_key_from_bytes(path.read_bytes(), str(path))
    assert signing.public_key_text(key.public_key()) == printed
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("signing_key", generate=str(path))


def test_checks_warn_without_a_configured_key_and_refuse_an_unreadable_one(settings, tmp_path):
    from audit.checks import production_roles_check, signing_key_check

    assert signing_key_check() == [] and "audit.W001" not in [m.id for m in production_roles_check()]
    settings.DIGEST_SIGNING_KEY_FILE = ""
    assert "audit.W001" in [m.id for m in production_roles_check()]
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    settings.DIGEST_SIGNING_KEY_FILE = str(bad)
    (error,) = signing_key_check()
    assert error.id == "audit.E001" and "bad.key" in error.msg
