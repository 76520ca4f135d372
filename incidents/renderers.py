"""`?format=md`: the post-mortem as Markdown (`?format=csv` is core's one CSV renderer)."""

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
