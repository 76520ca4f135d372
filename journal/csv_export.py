"""`?format=csv`: the filtered journal as a spreadsheet, streamed so a big export never sits in memory."""

import csv

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

COLUMNS = (
    "id", "recorded_at", "occurred_at", "entry_type", "author", "tags", "links", "supersedes", "hash", "content",
)  # fmt: skip


class CSVRenderer(BaseRenderer):
    """Lets DRF's `?format=csv` negotiate; the view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else str(data).encode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ is prefixed with a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(entry) -> list[str]:
    links = ";".join(f"{link['kind']}:{link['id']}" for link in entry.links)
    values = (
        entry.pk, entry.recorded_at.isoformat(), entry.occurred_at.isoformat(), entry.entry_type,
        entry.author.get_username(), ";".join(entry.tags), links, entry.supersedes_id or "", entry.hash, entry.content,
    )  # fmt: skip
    return [_cell(v) for v in values]


def csv_response(queryset, filename: str = "journal.csv") -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = (writer.writerow(_row(entry)) for entry in queryset.iterator(chunk_size=2000))
    body = (line for part in ([writer.writerow(COLUMNS)], rows) for line in part)
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
