"""Signed checkpoints in the C2SP formats (standard library + cryptography).

c2sp.org/tlog-checkpoint: the body is the origin line, the tree size in decimal, the root hash in
base64, each ending in a newline. c2sp.org/signed-note: the body, a blank line, then one line per
signature, "— <key name> <base64(key hash (4 bytes) || signature)>"; an Ed25519 key's hash is the
first 4 bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte public key).
"""

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DASH = "\u2014"  # the em dash that starts a signature line
ED25519 = b"\x01"


class NoteError(ValueError):
    """A note that is malformed or whose signature does not verify; the message says which."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_hash(name: str, public: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + _raw(public)).digest()[:4]


def verifier_key(name: str, public: Ed25519PublicKey) -> str:
    """The vkey text that note tooling (golang.org/x/mod/sumdb/note) takes: name+hash+base64(0x01||key)."""
    return f"{name}+{key_hash(name, public).hex()}+{base64.b64encode(ED25519 + _raw(public)).decode('ascii')}"


def sign(body: str, name: str, private: Ed25519PrivateKey) -> str:
    """The signed note: body, blank line, one signature line."""
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
    signature = key_hash(name, private.public_key()) + private.sign(body.encode("utf-8"))
    return f"{body}\n{DASH} {name} {base64.b64encode(signature).decode('ascii')}\n"


def open_note(text: str, public: Ed25519PublicKey) -> str:
    """The body of a note that carries a valid signature by `public`; NoteError otherwise."""
    body, sep, signatures = text.rpartition("\n\n")
    if not sep or not body:
        raise NoteError("not a signed note: no blank line before the signatures")
    body += "\n"
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise NoteError(f"malformed signature line {line!r}")
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise NoteError(f"signature line of {parts[1]!r} is not base64") from exc
        if blob[:4] != key_hash(parts[1], public):
            continue  # another key's signature (a witness, an older key)
        try:
            public.verify(blob[4:], body.encode("utf-8"))
        except InvalidSignature as exc:
            raise NoteError(f"signature of {parts[1]!r} does not verify: forged or edited checkpoint") from exc
        return body
    raise NoteError("no signature by the given public key: forged checkpoint or wrong key")


def parse_checkpoint(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint body has an origin, a size and a root hash, each on its own line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError(f"malformed checkpoint: origin {origin!r}, size {size!r}")
    try:
        digest = base64.b64decode(root, validate=True)
    except ValueError as exc:
        raise NoteError("checkpoint root hash is not base64") from exc
    if len(digest) != 32:
        raise NoteError("checkpoint root hash is not 32 bytes")
    return Checkpoint(origin=origin, size=int(size), root=digest)


def open_checkpoint(text: str, public: Ed25519PublicKey) -> Checkpoint:
    return parse_checkpoint(open_note(text, public))
