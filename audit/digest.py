"""Digests: the chain heads published outside the database, signed, and the proof against them.

A superuser can rewrite a row and recompute every hash after it, leaving a chain that
verifies on its own. A head published earlier (a file in the backup folder, a webhook
receiver) cannot be rewritten with it: if the row at a published seq no longer has the
published hash, history up to that head was changed. Each digest is signed with the Ed25519
key of `signing.py`, so that whoever can write to the digest folder cannot forge one
(the signed bytes are documented in docs/hash-chain.md).
"""

import json
import logging
import os
import urllib.request
from pathlib import Path

from django.conf import settings

from . import signing
from .canonical import dumps
from .chain import chained_models

log = logging.getLogger(__name__)


class DigestFileError(ValueError):
    """The digest file cannot be read; the message names the line."""


# Domain separation: these bytes can never be mistaken for another signed artefact of the same key.
SIGNED_PREFIX = b"pms-ops audit digest v1\n"


def signed_message(digest: dict) -> bytes:
    """What is signed: the prefix, then the canonical JSON of {"heads", "published_at"}."""
    return SIGNED_PREFIX + dumps({"published_at": digest["published_at"], "heads": digest["heads"]})


def sign(digest: dict) -> dict:
    """The digest with its "key_id" and "signature" (base64 Ed25519 over `signed_message`)."""
    return {**digest, **signing.sign(signed_message(digest))}


def digest_file() -> Path:
    return Path(settings.AUDIT_DIGEST_FILE)


def append_line(path: Path, digest: dict) -> None:
    """One JSON object per line, flushed to disk before the publication counts as done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(digest, sort_keys=True, separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def post_webhook(url: str, digest: dict) -> bool:
    """Best effort: a receiver that is down must not stop the publication to the file."""
    if not url.startswith(("https://", "http://")):
        log.warning("audit digest webhook %r ignored: not an http(s) URL", url)
        return False
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps(digest).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.AUDIT_DIGEST_WEBHOOK_TIMEOUT) as response:  # noqa: S310
            return 200 <= response.status < 300
    except OSError as exc:
        log.warning("audit digest webhook %s failed: %s", url, exc)
        return False


def _head(head: dict) -> dict:
    keys = ("table", "chain", "head_hash")
    return {"head_seq": int(head["head_seq"]), **{key: str(head[key]) for key in keys}}


def _parse(number: int, line: str) -> dict:
    try:
        digest = json.loads(line)
        parsed = {"published_at": str(digest["published_at"]), "heads": [_head(h) for h in digest["heads"]]}
        signature = {key: str(digest[key]) for key in ("key_id", "signature") if digest.get(key) is not None}
    except (ValueError, KeyError, TypeError) as exc:
        raise DigestFileError(f"line {number}: not a digest ({exc.__class__.__name__}: {exc})") from exc
    return {**parsed, **signature, "line": number}


def check_signatures(digests: list[dict], public) -> None:
    """Every digest must be signed by `public`; the first that is not is a DigestFileError naming its line."""
    expected = signing.key_id(public)
    for digest in digests:
        where = f"line {digest['line']} (published {digest['published_at']})"
        if "signature" not in digest:
            raise DigestFileError(f"{where}: unsigned digest refused")
        if not signing.verify(public, signed_message(digest), digest["signature"]):
            raise DigestFileError(
                f"{where}: signature does not verify under public key {expected} "
                f"(the line names key {digest.get('key_id', 'none')}): forged or edited digest refused"
            )


def read_digests(path: Path) -> list[dict]:
    """Every digest in the file, oldest first; blank lines are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DigestFileError(f"cannot read {path}: {exc.strerror}") from exc
    return [_parse(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _published(digests: list[dict]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """(table, chain) -> [(seq, hash, published_at)], in publication order."""
    result: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for digest in digests:
        for head in digest["heads"]:
            key = (head["table"], head["chain"])
            result.setdefault(key, []).append((int(head["head_seq"]), head["head_hash"], digest["published_at"]))
    return result


def _stored_hashes(model, chain: str, seqs: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(seqs), 1000):
        rows = model.objects.filter(chain=chain, seq__in=seqs[start : start + 1000]).values_list("seq", "hash")
        found.update(rows)
    return found


def _check_chain(model, table: str, chain: str, heads: list[tuple[int, str, str]]) -> dict:
    stored = _stored_hashes(model, chain, [seq for seq, _, _ in heads if seq > 0]) if model else {}
    result = {"table": table, "chain": chain, "digests": len(heads), "ok": True, "last_good": None, "first_bad": None}
    for seq, published_hash, published_at in sorted(heads):
        found = stored.get(seq, "missing") if seq > 0 else published_hash
        if model is None:
            found = "unknown table"
        if found == published_hash:
            result["last_good"] = {"seq": seq, "hash": published_hash, "published_at": published_at}
            continue
        result["ok"] = False
        result["first_bad"] = {"seq": seq, "expected": published_hash, "found": found, "published_at": published_at}
        return result
    return result


def check_against(digests: list[dict]) -> list[dict]:
    """Per published chain: does every published head still hold? Names the first that does not.

    The rewritten row lies after `last_good.seq` and at or before `first_bad.seq`.
    """
    models = {model._meta.db_table: model for model in chained_models()}
    return [
        _check_chain(models.get(table), table, chain, heads)
        for (table, chain), heads in sorted(_published(digests).items())
    ]
