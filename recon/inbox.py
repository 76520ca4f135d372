"""The watched directory: statements a broker's export drops there are reconciled by beat.

Each `*.csv` in RECON_INBOX_DIR is reconciled as of its modification time and moved to
`done/`; a refused one is moved to `rejected/` beside a `.txt` saying why (the same message
the API gives), so nothing is read twice and nothing is lost.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.errors import ServiceError

from .models import Source
from .services import statement_reconcile
from .statements import check_size

ACTOR = "system:recon"


def inbox_sweep(directory: str | None = None) -> dict[str, list[str]]:
    """Reconcile every statement waiting in the directory; {"done": [...], "rejected": [...]} by file name."""
    inbox = Path(directory or settings.RECON_INBOX_DIR)
    outcome: dict[str, list[str]] = {"done": [], "rejected": []}
    if not inbox.is_dir():
        return outcome
    for path in sorted(inbox.glob("*.csv")):
        outcome[_take(path)].append(path.name)
    return outcome


def _take(path: Path) -> str:
    stat = path.stat()
    as_of = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)
    try:
        check_size(stat.st_size)  # before it is read into memory
        statement_reconcile(
            actor=ACTOR,
            content=path.read_bytes(),
            as_of=min(as_of, timezone.now()),
            source=Source.WATCHED,
            filename=path.name,
        )
    except ServiceError as exc:
        _move(path, "rejected").with_suffix(".txt").write_text(
            json.dumps({"detail": exc.detail, "fields": exc.fields}, indent=2), encoding="utf-8"
        )
        return "rejected"
    _move(path, "done")
    return "done"


def _move(path: Path, folder: str) -> Path:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    return path.rename(target / path.name)
