"""`?format=csv`: the filtered journal as a spreadsheet, streamed so a big export never sits in memory."""

from django.http import StreamingHttpResponse

from core.csv import csv_lines

COLUMNS = (
    "id", "recorded_at", "occurred_at", "entry_type", "author", "tags", "links", "supersedes", "hash", "content",
)  # fmt: skip


def _row(entry) -> tuple:
    links = ";".join(f"{link['kind']}:{link['id']}" for link in entry.links)
    return (
        entry.pk, entry.recorded_at.isoformat(), entry.occurred_at.isoformat(), entry.entry_type,
        entry.author.get_username(), ";".join(entry.tags), links, entry.supersedes_id, entry.hash, entry.content,
    )  # fmt: skip


def csv_response(queryset, filename: str = "journal.csv") -> StreamingHttpResponse:
    rows = (_row(entry) for entry in queryset.iterator(chunk_size=2000))
    response = StreamingHttpResponse(csv_lines(COLUMNS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
