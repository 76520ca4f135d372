"""Settings of the audit app: where chain-head digests are published, and how often."""

from pathlib import Path

from .base import BACKUP_DIR
from .env import VAR_DIR, env

# JSON lines, one digest per publication; keep BACKUP_DIR off the database host.
AUDIT_DIGEST_FILE = env.path("AUDIT_DIGEST_FILE", default=str(Path(str(BACKUP_DIR)) / "audit-digests.jsonl"))
# The Ed25519 private key that signs digests (PEM or a raw 32-byte seed). Keep it off the database
# host and out of BACKUP_DIR; production sets it (`manage.py signing_key --generate PATH`). Unset,
# a key is generated under var/ on first use (the embedded default), and `check --deploy` warns.
DIGEST_SIGNING_KEY_FILE = env("DIGEST_SIGNING_KEY_FILE", default="")
DIGEST_SIGNING_KEY_DEFAULT = VAR_DIR / "digest_signing_key"
AUDIT_DIGEST_WEBHOOK_TIMEOUT = env.float("AUDIT_DIGEST_WEBHOOK_TIMEOUT", default=5.0)
AUDIT_DIGEST_INTERVAL_SECONDS = env.int("AUDIT_DIGEST_INTERVAL_SECONDS", default=3600)
# Rows per round trip of the NDJSON/CSV export's server-side cursor.
AUDIT_EXPORT_CHUNK = env.int("AUDIT_EXPORT_CHUNK", default=2000)

# Signed checkpoints of each chain's Merkle tree (docs/hash-chain.md, "Merkle trees and checkpoints"):
# the origin line is "<AUDIT_CHECKPOINT_ORIGIN>/<table>/<chain>"; the key name is that of the signature line.
AUDIT_CHECKPOINT_ORIGIN = env("AUDIT_CHECKPOINT_ORIGIN", default="pms-ops")
AUDIT_CHECKPOINT_KEY_NAME = env("AUDIT_CHECKPOINT_KEY_NAME", default="pms-ops")
AUDIT_CHECKPOINT_INTERVAL_SECONDS = env.int("AUDIT_CHECKPOINT_INTERVAL_SECONDS", default=3600)

beat = {
    "audit-digest-publish": {"task": "audit.digest_publish", "schedule": AUDIT_DIGEST_INTERVAL_SECONDS},
    "audit-checkpoint-publish": {"task": "audit.checkpoints_publish", "schedule": AUDIT_CHECKPOINT_INTERVAL_SECONDS},
}
