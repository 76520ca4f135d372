"""`pms-audit`: check PMS Ops' audit trail from the outside, trusting only a signed checkpoint.

    pms-audit checkpoint --url URL --token TOKEN --public-key KEY   fetch, check and keep checkpoints
    pms-audit consistency                                          the new checkpoints extend the kept ones
    pms-audit prove EVENT_ID                                       one event is in its kept checkpoint
    pms-audit verify --chain CHAIN [--workers N]                   recompute a whole chain and its root

Exit status: 0 verified, 1 verification failed (the message names what), 2 could not check
(usage, network, server error). State (the server's URL, token and public key, and one kept
checkpoint per chain) lives in --state (default $PMS_AUDIT_STATE or ~/.pms-audit).
"""

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import keys, merkle, note, verify
from .verify import event_hash

GENESIS = "0" * 64
EVENT_TABLE = "audit_event"


class Failed(Exception):
    """Verification failed: exit 1 with this message."""


class CannotCheck(Exception):
    """The check could not run: exit 2 with this message."""


class State:
    """The state folder: config.json (0600: it holds the token) and checkpoints/<chain>.note."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def config(self) -> dict:
        try:
            return json.loads((self.path / "config.json").read_text())
        except OSError as exc:
            raise CannotCheck(
                f"no state in {self.path}: run `pms-audit checkpoint --url … --token … --public-key …`"
            ) from exc

    def save_config(self, config: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / "config.json"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(config, handle)

    def _file(self, log: str) -> Path:
        return self.path / "checkpoints" / (urllib.parse.quote(log, safe="") + ".note")

    def kept(self, log: str) -> str | None:
        path = self._file(log)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def keep(self, log: str, text: str) -> None:
        path = self._file(log)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def logs(self) -> list[str]:
        folder = self.path / "checkpoints"
        return sorted(urllib.parse.unquote(p.stem) for p in folder.glob("*.note")) if folder.exists() else []


class Server:
    def __init__(self, url: str, token: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise CannotCheck(f"--url {url!r}: not an http(s) URL")
        self.url, self.token = url.rstrip("/"), token

    def open(self, path: str, **params):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        headers = {"Authorization": f"Token {self.token}"}
        request = urllib.request.Request(self.url + path + query, headers=headers)  # noqa: S310 (scheme checked)
        try:
            return urllib.request.urlopen(request, timeout=60)  # noqa: S310 (the auditor's own URL)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise CannotCheck(f"GET {path}{query}: HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise CannotCheck(f"cannot reach {self.url}: {exc}") from exc

    def get(self, path: str, **params) -> dict:
        with self.open(path, **params) as response:
            return json.load(response)


def public_key(text: str) -> Ed25519PublicKey:
    try:
        return keys.public_key_from_text(text)
    except ValueError as exc:
        raise CannotCheck(f"--public-key: {exc}") from exc


def opened(log: str, text: str, key: Ed25519PublicKey, what: str) -> note.Checkpoint:
    """A checkpoint whose signature verifies and whose origin names this chain."""
    try:
        checkpoint = note.open_checkpoint(text, key)
    except note.NoteError as exc:
        raise Failed(f"{log}: {what} checkpoint refused: {exc}") from exc
    if not checkpoint.origin.endswith("/" + log):
        raise Failed(f"{log}: {what} checkpoint is for {checkpoint.origin!r}, another log")
    return checkpoint


def check_extends(server: Server, log: str, old: note.Checkpoint, new: note.Checkpoint) -> None:
    """The new checkpoint's tree contains the old one's (RFC 9162 consistency)."""
    if new.size < old.size:
        raise Failed(f"{log}: the tree shrank from {old.size} to {new.size} leaves: history was deleted")
    proof: list[bytes] = []
    if 0 < old.size < new.size:
        body = server.get("/api/v1/audit/proofs/consistency", chain=log, first=old.size, second=new.size)
        proof = [base64.b64decode(h) for h in body["consistency_path"]]
    try:
        merkle.verify_consistency(old.size, new.size, proof, old.root, new.root)
    except merkle.ProofError as exc:
        raise Failed(f"{log}: checkpoint {new.size} does not extend the kept checkpoint {old.size}: {exc}") from exc


def connect(state: State) -> tuple[Server, Ed25519PublicKey]:
    config = state.config()
    return Server(config["url"], config["token"]), public_key(config["public_key"])


def latest(server: Server, chain: str | None) -> dict[str, str]:
    body = server.get("/api/v1/audit/checkpoints/latest", **({"chain": chain} if chain else {}))
    return {item["chain"]: item["note"] for item in body["checkpoints"]}


def cmd_checkpoint(args, state: State) -> list[str]:
    state.save_config({"url": args.url, "token": args.token, "public_key": args.public_key})
    server, key = connect(state)
    return refresh(server, key, state, args.chain, require_kept=False)


def cmd_consistency(args, state: State) -> list[str]:
    server, key = connect(state)
    if not state.logs():
        raise CannotCheck("no kept checkpoint: run `pms-audit checkpoint` first")
    return refresh(server, key, state, args.chain, require_kept=True)


def refresh(server: Server, key, state: State, chain: str | None, *, require_kept: bool) -> list[str]:
    """Fetch the latest checkpoints; each must be signed and extend the kept one; then keep it."""
    fetched, lines = latest(server, chain), []
    if not fetched:
        raise CannotCheck("the server has published no checkpoint yet (Ops: manage.py publish_checkpoint)")
    for log in state.logs() if require_kept else []:
        if log not in fetched and (chain is None or chain == log):
            raise Failed(f"{log}: the server no longer publishes a checkpoint of this chain")
    for log, text in sorted(fetched.items()):
        new = opened(log, text, key, "fetched")
        kept_text = state.kept(log)
        if kept_text is None and require_kept:
            continue
        if kept_text is not None:
            check_extends(server, log, opened(log, kept_text, key, "kept"), new)
        state.keep(log, text)
        lines.append(f"{log}: checkpoint {new.size} verified and kept")
    return lines


def kept_checkpoint(state: State, key, log: str) -> note.Checkpoint:
    text = state.kept(log)
    if text is None:
        raise CannotCheck(f"{log}: no kept checkpoint: run `pms-audit checkpoint` first")
    return opened(log, text, key, "kept")


def cmd_prove(args, state: State) -> list[str]:
    server, key = connect(state)
    event = server.get(f"/api/v1/audit/events/{args.event_id}")
    log = f"{EVENT_TABLE}/{event['chain']}"
    recomputed = event_hash(event)
    if recomputed != event["hash"]:
        raise Failed(
            f"event {args.event_id} ({log} seq {event['seq']}): its content hashes to {recomputed}, "
            f"not to its stored hash {event['hash']}: rewritten"
        )
    kept = kept_checkpoint(state, key, log)
    if event["seq"] > kept.size:
        raise Failed(
            f"event {args.event_id} is leaf {event['seq'] - 1}, after the kept checkpoint "
            f"of {kept.size} leaves: run `pms-audit consistency` first"
        )
    body = server.get("/api/v1/audit/proofs/inclusion", chain=log, event=args.event_id, tree_size=kept.size)
    path = [base64.b64decode(h) for h in body["inclusion_path"]]
    try:
        merkle.verify_inclusion(
            event["seq"] - 1, kept.size, merkle.leaf_hash(bytes.fromhex(recomputed)), path, kept.root
        )
    except merkle.ProofError as exc:
        raise Failed(
            f"event {args.event_id} ({log} seq {event['seq']}) is not in the kept checkpoint {kept.size}: {exc}"
        ) from exc
    return [f"event {args.event_id}: {log} seq {event['seq']} is in checkpoint {kept.size}"]


def cmd_verify(args, state: State) -> list[str]:
    if args.workers < 1:
        raise CannotCheck(f"--workers {args.workers}: give 1 or more")
    server, key = connect(state)
    chain = args.chain.removeprefix(EVENT_TABLE + "/")
    log = f"{EVENT_TABLE}/{chain}"
    kept = kept_checkpoint(state, key, log)
    with server.open("/api/v1/audit/events", format="ndjson", action=chain + ".") as response:
        try:
            rows = verify.verify_stream(response, log, kept.size, kept.root, args.workers)
        except verify.ChainFailed as exc:
            raise Failed(str(exc)) from exc
    if rows < kept.size:
        raise Failed(f"{log}: the export has {rows} rows, the kept checkpoint {kept.size}: the tail was deleted")
    return [f"{log}: {rows} rows verified; the first {kept.size} match the kept checkpoint"]


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="pms-audit", description=__doc__.split("\n\n")[0])
    default_state = os.environ.get("PMS_AUDIT_STATE") or str(Path.home() / ".pms-audit")
    main.add_argument("--state", default=default_state, help="state folder (default: %(default)s)")
    commands = main.add_subparsers(dest="command", required=True)
    checkpoint = commands.add_parser("checkpoint", help="fetch, check and keep the latest checkpoints")
    checkpoint.add_argument("--url", required=True, help="the PMS Ops server, e.g. https://pms-ops.example.com")
    checkpoint.add_argument("--token", required=True, help="an API token of an Auditor")
    checkpoint.add_argument("--public-key", required=True, help="the signing key: base64, PEM, or a file")
    checkpoint.add_argument("--chain", help="one chain (TABLE/CHAIN) instead of all")
    checkpoint.set_defaults(run=cmd_checkpoint)
    consistency = commands.add_parser("consistency", help="the latest checkpoints extend the kept ones")
    consistency.add_argument("--chain", help="one chain (TABLE/CHAIN) instead of every kept one")
    consistency.set_defaults(run=cmd_consistency)
    prove = commands.add_parser("prove", help="an audit event is in its kept checkpoint")
    prove.add_argument("event_id", type=int, metavar="EVENT_ID")
    prove.set_defaults(run=cmd_prove)
    recompute = commands.add_parser("verify", help="recompute every hash of an audit event chain and its root")
    recompute.add_argument("--chain", required=True, help="an audit event chain: book or audit_event/book")
    recompute.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes hashing the export (default: %(default)s)"
    )
    recompute.set_defaults(run=cmd_verify)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        lines = args.run(args, State(Path(args.state)))
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except CannotCheck as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0
