"""Server-rendered SVG latency sparklines for the dashboard (no JavaScript charting library)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 240, 40


def _segments(values: list[float | None], top: float) -> list[list[str]]:
    """Runs of consecutive points; a slice where the probe did not run breaks the line."""
    step = WIDTH / max(1, len(values) - 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{index * step:.1f},{HEIGHT - 2 - (HEIGHT - 4) * value / top:.1f}")
    return [*segments, current] if current else segments


def _shape(points: list[str]) -> str:
    """A line through a run of points; a lone point (one run in its slice) as a dot."""
    if len(points) == 1:
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="2"/>'
    return f'<polyline points="{" ".join(points)}"/>'


def sparkline(values: list[float | None], *, label: str) -> SafeString:
    """The worst latency per time slice over the last 24 hours as an inline SVG."""
    present = [v for v in values if v is not None]
    top = max(present, default=0.0) or 1.0
    body = "".join(_shape(points) for points in _segments(values, top))
    summary = f"worst {top:.0f} ms in 24 h" if present else "no data in 24 h"
    svg = (
        f'<svg class="ops-chart" role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-label="{escape(label)}: {summary}"><title>{escape(label)}: {summary}</title>{body}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 (numbers formatted above; the label is escaped)
