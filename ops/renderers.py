"""CSV for people who want probe history in a spreadsheet (`?format=csv`)."""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

CSV_LIMIT = 50_000


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(data, dict) and "error" in data:
            rows = [data]
        # An empty export is still a CSV file: its header line (an empty body would lose its Content-Type).
        fields = list(rows[0]) if rows else list(renderer_context["view"].get_serializer().fields)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in row.items()})
        return out.getvalue().encode(self.charset)
