"""CSV exports of the PMS tables (seed 004's "PMS CSV exports"), one file per table.

Read through the same cursor as the dump's snapshot, so the spreadsheets agree with it.
Rows are ordered by primary key: two exports of the same data are byte-identical.
"""

import csv
from pathlib import Path

CHUNK = 5000


def export_postgresql(cursor, table: str, pk: str, path: Path) -> None:
    query = f'COPY (SELECT * FROM "{table}" ORDER BY "{pk}") TO STDOUT WITH (FORMAT csv, HEADER)'
    with path.open("wb") as out, cursor.copy(query) as copy:
        for block in copy:
            out.write(block)


def export_sqlite(cursor, table: str, pk: str, path: Path) -> None:
    cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([column[0] for column in cursor.description])
        while rows := cursor.fetchmany(CHUNK):
            writer.writerows(rows)


def export(cursor, vendor: str, table: str, pk: str, path: Path) -> None:
    (export_postgresql if vendor == "postgresql" else export_sqlite)(cursor, table, pk, path)
