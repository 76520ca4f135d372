"""Reading an Ed25519 public key as auditors are given one; the server's `verify_chains` reads it the same way."""

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """base64 of the 32 raw bytes (as `manage.py signing_key` prints it), PEM, or the path of a file holding either.

    Raises ValueError saying what is wrong with it.
    """
    text = text.strip()
    if not text.startswith("-----BEGIN") and Path(text).is_file():
        text = Path(text).read_text(encoding="ascii").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an Ed25519 public key (base64 of 32 bytes, or PEM): {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"the public key is {type(key).__name__}, not Ed25519")
    return key
