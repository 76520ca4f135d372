"""System checks: the digest signing key, and the runtime role that must not own the tables."""

from django.core import checks
from django.db import connections

from core import dbroles

from . import signing


@checks.register(checks.Tags.security)
def signing_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A configured key that cannot be read is an error everywhere: no digest could be published."""
    if not signing.key_file()[1]:
        return []
    try:
        signing.signing_key()
    except signing.SigningKeyError as exc:
        return [checks.Error(str(exc), hint="Point DIGEST_SIGNING_KEY_FILE at an Ed25519 key.", id="audit.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def production_roles_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    found = []
    if not signing.key_file()[1]:
        found.append(
            checks.Warning(
                "DIGEST_SIGNING_KEY_FILE is not set: digests are signed with a key generated under var/.",
                hint="manage.py signing_key --generate /etc/pms-ops/digest.key, kept off the database host.",
                id="audit.W001",
            )
        )
    if connections["default"].vendor == "postgresql" and dbroles.is_owner():
        found.append(
            checks.Warning(
                "DATABASE_URL connects as the role that owns the tables: it could disarm the append-only triggers.",
                hint="Set DATABASE_OWNER_URL to the owner and DATABASE_URL to a runtime role (README, Production).",
                id="audit.W002",
            )
        )
    return found
