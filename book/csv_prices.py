"""Reading a price CSV uploaded in the admin: `instrument,price,source,as_of` (as_of optional)."""

import csv
import io

from core.errors import Invalid

REQUIRED = {"instrument", "price", "source"}
MAX_BYTES = 2_000_000


def parse(upload) -> list[dict]:
    """Rows as dicts for `prices_record`; a wrong header or encoding is a clear error, not a 500."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise Invalid("The file is larger than 2 MB; split it.", fields={"file": ["Too large."]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text.", fields={"file": ["Save it as UTF-8 CSV."]}) from None
    reader = csv.DictReader(io.StringIO(text))
    header = {name.strip() for name in reader.fieldnames or []}
    if not header >= REQUIRED:
        raise Invalid(
            f"The header must contain {', '.join(sorted(REQUIRED))} (and optionally as_of).",
            fields={"file": [f"Missing columns: {', '.join(sorted(REQUIRED - header))}."]},
        )
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
