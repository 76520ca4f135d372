"""Merkle trees over every hash chain (audit/tree.py): the node table, its append-only triggers,
and the trees of the rows already chained."""

from django.db import migrations, models

import audit.triggers


def backfill(apps, schema_editor):
    from audit.tree import tree_extend

    tables = set(schema_editor.connection.introspection.table_names())
    nodes = apps.get_model("audit", "MerkleNode")
    for model in apps.get_models():
        columns = {field.name for field in model._meta.get_fields()}
        if model._meta.db_table not in tables or not {"chain", "seq", "prev_hash", "hash"} <= columns:
            continue
        chains = model.objects.order_by().values_list("chain", flat=True).distinct()
        for chain in list(chains):
            tree_extend(model, chain, nodes=nodes)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_lock_head_function")]

    operations = [
        migrations.CreateModel(
            name="MerkleNode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=100)),
                ("chain", models.CharField(max_length=100)),
                ("level", models.PositiveSmallIntegerField()),
                ("index", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("table", "chain", "level", "index"), name="audit_merklenode_position"
                    )
                ],
            },
        ),
        audit.triggers.InstallAppendOnlyTriggers("MerkleNode"),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
