"""Migration operation for a table that becomes hash-chained: link the rows it already holds."""

from django.db.migrations.operations.base import Operation

from .canonical import GENESIS, dumps, link_hash, normalize


def _set_aside_refusals(cursor, vendor: str, table: str) -> None:
    """The migration (run as the owner) rewrites the rows once; InstallAppendOnlyTriggers puts the refusals back."""
    if vendor == "postgresql":
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    else:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_update"')


class ChainExistingRows(Operation):
    """Give every existing row, in id order, the seq, prev_hash and hash that `chain.link` would have.

    `hash_fields` is the model's HASH_FIELDS as of this migration (the model's may grow later).
    Follow it with the chain constraints and `InstallAppendOnlyTriggers`.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str, chain: str, hash_fields: tuple[str, ...]):
        self.model_name, self.chain, self.hash_fields = model_name, chain, tuple(hash_fields)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        fields = [model._meta.get_field(name) for name in self.hash_fields]
        prev = GENESIS
        with schema_editor.connection.cursor() as cursor:
            _set_aside_refusals(cursor, schema_editor.connection.vendor, table)
            for seq, row in enumerate(model._base_manager.using(schema_editor.connection.alias).order_by("pk"), 1):
                content = {"chain": self.chain, "seq": seq}
                for field in fields:
                    content[field.name] = normalize(getattr(row, field.attname), getattr(field, "decimal_places", None))
                hash_ = link_hash(prev, dumps(content))
                cursor.execute(
                    f'UPDATE "{table}" SET chain = %s, seq = %s, prev_hash = %s, hash = %s WHERE id = %s',
                    [self.chain, seq, prev, hash_, row.pk],
                )
                prev = hash_

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self) -> str:
        return f"Link the existing rows of {self.model_name} into chain {self.chain}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name, self.chain, self.hash_fields], {})
