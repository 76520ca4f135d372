"""Renderers: `?format=md` (the post-mortem as Markdown) and `?format=csv` (the incident list)."""

import csv
import io

from rest_framework.renderers import BaseRenderer


class MarkdownRenderer(BaseRenderer):
    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, str):
            return data.encode(self.charset)
        # An error body (404, 403) is JSON-shaped; show it as a readable line rather than nothing.
        return f"{data.get('error', 'error')}: {data.get('detail', '')}\n".encode(self.charset)


class CSVRenderer(BaseRenderer):
    """`?format=csv` on the incident list: rows of flat dicts, one header line."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = data if isinstance(data, list) else [data]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode(self.charset)
