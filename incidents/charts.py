"""The metrics page's chart as server-rendered SVG geometry (no JS library, no CDN)."""

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 560, 220, 20, 40, 50
SERIES = (("mtta_minutes", "Time to acknowledge", "#0969da"), ("mttr_minutes", "Time to resolve", "#cf222e"))


def response_chart(rows: list[dict]) -> dict:
    """Grouped bars: per severity, mean minutes to acknowledge and to resolve."""
    peak = max([r[key] or 0 for r in rows for key, _, _ in SERIES] + [1])
    plot_h = HEIGHT - TOP - BOTTOM
    group_w = (WIDTH - LEFT) / max(len(rows), 1)
    bar_w = group_w / (len(SERIES) + 1)
    bars, labels = [], []
    for i, row in enumerate(rows):
        x0 = LEFT + i * group_w + bar_w / 2
        labels.append({"x": round(x0 + bar_w, 1), "text": row["severity"], "count": row["declared"]})
        for j, (key, label, colour) in enumerate(SERIES):
            value = row[key]
            height = plot_h * (value or 0) / peak
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": round(TOP + plot_h - height, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(height, 1),
                    "colour": colour,
                    "title": f"{row['severity']} {label.lower()}: {value if value is not None else 'no data'} min",
                }
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "peak": round(peak, 1),
        "top": TOP,
        "bars": bars,
        "labels": labels,
        "legend": [{"label": label, "colour": colour} for _, label, colour in SERIES],
        "rows": rows,
    }
