"""The 24-hour latency sparkline: lines through runs, dots for lone points, gaps where nothing ran."""

from ops.charts import sparkline


def test_runs_are_lines_lone_points_are_dots():
    svg = str(sparkline([1.0, 2.0, None, 4.0, None], label="Database <db>"))
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
    assert "Database &lt;db&gt;: worst 4 ms in 24 h" in svg


def test_no_data_says_so():
    svg = str(sparkline([None] * 96, label="Redis"))
    assert "no data in 24 h" in svg and "<polyline" not in svg
