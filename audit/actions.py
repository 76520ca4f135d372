"""The audit app's own audit actions (the chain verifier's and digest publisher's events)."""

from django.db import models


class AuditAction(models.TextChoices):
    DIGEST_PUBLISHED = "audit.digest.published", "Chain heads published outside the database"
    CHAINS_VERIFIED = "audit.chains.verified", "Hash chains verified"
    CHAIN_BROKEN = "audit.chain.broken", "A hash chain failed verification (first detection)"
    CHECKPOINT_PUBLISHED = "audit.checkpoint.published", "Signed checkpoint of a chain's Merkle tree published"


class AuthAction(models.TextChoices):
    TOKEN_CREATED = "auth.token.created", "API token created"
