"""`?format=csv`: a list as a spreadsheet (the rows a view puts in its Response)."""

import csv
import io

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = data if isinstance(data, list) else [data]
        # An empty export is still a CSV file: its header line (an empty body would lose its Content-Type).
        fields = list(rows[0]) if rows else list(renderer_context["view"].get_serializer().fields)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()
