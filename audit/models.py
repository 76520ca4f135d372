"""Append-only rows, hash-chained rows, and the audit event log.

`AppendOnlyModel` refuses every ORM path that would change or remove a stored row; the
database refuses the rest (triggers installed by migrations, see `triggers.py`).
`ChainedModel` adds `chain`, `seq`, `prev_hash` and `hash`; rows are written only by
`chain.append`, which serializes writers per chain and computes the link.
"""

from django.db import models, router, transaction

from .canonical import GENESIS, dumps, link_hash, normalize


class AppendOnlyError(Exception):
    """Raised before the database is reached: append-only rows are never changed."""


def _refuse(what: str, model) -> None:
    raise AppendOnlyError(
        f"{model._meta.label} is append-only: {what} refused. Record a new, compensating row instead."
    )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse("update", self.model)

    def delete(self):
        _refuse("delete", self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse("bulk_update", self.model)

    def update_or_create(self, *args, **kwargs):
        _refuse("update_or_create", self.model)

    def bulk_create(self, objs, *args, **kwargs):
        """Chained rows without a link are linked here, per chain, in the order given."""
        objs = list(objs)
        unlinked = [o for o in objs if isinstance(o, ChainedModel) and o.seq is None]
        if not unlinked:
            return super().bulk_create(objs, *args, **kwargs)
        from .chain import link  # chain.py builds on this module

        # No savepoint: nothing rolls back to it; a failure still dooms the caller's transaction.
        with transaction.atomic(using=self.db, savepoint=False):
            for chain in dict.fromkeys(o.chain_name() for o in unlinked):
                link([o for o in unlinked if o.chain == chain])
            return super().bulk_create(objs, *args, **kwargs)

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse("save of a stored row", type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse("delete", type(self))


class ChainedModel(AppendOnlyModel):
    """A hash-chained append-only row. Subclasses list the hashed fields in HASH_FIELDS.

    Subclass Meta must inherit `ChainedModel.Meta` to keep the fork-proof constraints.
    """

    HASH_FIELDS: tuple[str, ...] = ()
    DEFAULT_CHAIN = "main"

    chain = models.CharField(max_length=100, default="main")
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="%(app_label)s_%(class)s_chain_seq"),
            models.UniqueConstraint(fields=["chain", "prev_hash"], name="%(app_label)s_%(class)s_chain_prev"),
        ]

    def save(self, *args, **kwargs):
        """A new row without a link is appended at the head of its chain (as `chain.append` does)."""
        if not (self._state.adding and self.seq is None):
            return super().save(*args, **kwargs)
        from .chain import link  # chain.py builds on this module

        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self))):
            self.chain_name()
            link([self])
            return super().save(*args, **kwargs)

    def chain_name(self) -> str:
        """The row's chain: the model's DEFAULT_CHAIN unless one was given (the field's own default is "main")."""
        if self.chain == "main":
            self.chain = self.DEFAULT_CHAIN
        return self.chain

    def canonical_content(self) -> dict:
        """The hashed content: chain, seq and every HASH_FIELDS value, normalized."""
        content = {"chain": self.chain, "seq": self.seq}
        for name in self.HASH_FIELDS:
            field = self._meta.get_field(name)
            value = getattr(self, field.attname)
            content[name] = normalize(value, getattr(field, "decimal_places", None))
        return content

    def canonical_bytes(self) -> bytes:
        return dumps(self.canonical_content())

    def compute_hash(self) -> str:
        return link_hash(self.prev_hash, self.canonical_bytes())

    @property
    def is_genesis(self) -> bool:
        return self.prev_hash == GENESIS


class Event(ChainedModel):
    """One audited fact: who did what to which subject, with what payload."""

    HASH_FIELDS = (
        "occurred_at",
        "actor",
        "action",
        "subject_type",
        "subject_id",
        "payload",
        "request_id",
        "client_ip",
    )

    # No single-column indexes: (actor, id) and (occurred_at, id) below serve every filter, and each
    # index is written under the chain's lock on every append.
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="Username, or system:<name>.")
    action = models.CharField(max_length=100, help_text="Dotted, e.g. book.position.opened.")
    subject_type = models.CharField(max_length=50, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta(ChainedModel.Meta):
        indexes = [
            models.Index(fields=["action", "id"], name="audit_event_action_id"),
            models.Index(
                fields=["subject_type", "subject_id", "id"],
                name="audit_event_subject_id",
            ),
            models.Index(fields=["actor", "id"], name="audit_event_actor_id"),
            models.Index(fields=["occurred_at", "id"], name="audit_event_occurred_id"),
            models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id} by {self.actor}"


class Checkpoint(models.Model):
    """How far each chain has been verified: a cache the incremental verifier advances.

    Not a record of fact (those are the chained rows), so it may be updated; the row at the
    checkpoint is re-hashed on every incremental run, and full verification and published
    digests do not trust it at all.
    """

    table = models.CharField(max_length=100)
    chain = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    ok = models.BooleanField(default=True)
    broken = models.JSONField(null=True, blank=True)
    verified_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "chain"], name="audit_checkpoint_table_chain")]
        ordering = ["table", "chain"]

    def __str__(self) -> str:
        return f"{self.table} [{self.chain}] verified up to seq {self.seq}"


class MerkleNode(AppendOnlyModel):
    """One perfect subtree hash of a chain's Merkle tree (RFC 9162; `audit/tree.py`): immutable once
    complete, so stored once. Level 0 is the leaf hash of the row at seq index + 1.

    Derived from the chain's row hashes (the client recomputes them), hence not chained itself.
    """

    DERIVED_FROM_CHAINS = True

    table = models.CharField(max_length=100)
    chain = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "chain", "level", "index"], name="audit_merklenode_position")
        ]

    def __str__(self) -> str:
        return f"{self.table} [{self.chain}] level {self.level} #{self.index}"
