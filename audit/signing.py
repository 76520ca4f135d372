"""The Ed25519 key that signs what PMS Ops publishes outside the database (chain-head digests).

Someone who can write to the digest folder can append a line, but cannot sign it: only the
holder of the private key (DIGEST_SIGNING_KEY_FILE) can, and anyone with the public key checks
it. Kept apart from the digest format so that other signed artefacts reuse the same key.
"""

import base64
import contextlib
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from pms_audit import keys

SEED_BYTES = 32


class SigningKeyError(ValueError):
    """The key cannot be read or is not an Ed25519 key; the message says which file and why."""


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text(public: Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes: what `--public-key` accepts."""
    return base64.b64encode(_raw_public(public)).decode("ascii")


def key_id(public: Ed25519PublicKey) -> str:
    """A short name for the key: the first 8 bytes of sha256(raw public key), hex."""
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def private_key_from_bytes(data: bytes, source: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) private key, or the raw 32-byte seed."""
    if len(data) == SEED_BYTES:
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{source}: not a PEM Ed25519 private key nor a 32-byte seed ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{source}: the key is {type(key).__name__}, not Ed25519")
    return key


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """A public key given as base64 of 32 raw bytes, PEM text, or the path of a file holding either."""
    try:
        return keys.public_key_from_text(text)
    except ValueError as exc:
        raise SigningKeyError(str(exc)) from exc


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """PEM, readable by its owner only; never overwrites an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def key_file() -> tuple[Path, bool]:
    """(path of the private key, whether it was configured): the embedded default lives under var/."""
    configured = settings.DIGEST_SIGNING_KEY_FILE
    return (Path(configured), True) if configured else (Path(settings.DIGEST_SIGNING_KEY_DEFAULT), False)


def signing_key() -> Ed25519PrivateKey:
    """The configured private key; without configuration, one generated under var/ on first use."""
    path, configured = key_file()
    if not configured and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process generated it first
            write_private_key(path, Ed25519PrivateKey.generate())
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"DIGEST_SIGNING_KEY_FILE {path}: {exc.strerror}") from exc
    return private_key_from_bytes(data.strip() if data.startswith(b"-----") else data, str(path))


def sign(message: bytes) -> dict:
    """{"key_id", "signature"}: the signature as base64 of its 64 bytes."""
    key = signing_key()
    return {"key_id": key_id(key.public_key()), "signature": base64.b64encode(key.sign(message)).decode("ascii")}


def verify(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
