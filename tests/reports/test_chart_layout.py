"""Chart geometry: labels and bars do not overlap, long unit names are not clipped."""

import re

from grassroots.reports import charts

LONG = "Đảng bộ phường Điện Nam Trung"


def numbers(svg, pattern):
    return [float(value) for value in re.findall(pattern, svg)]


def test_funnel_bars_end_before_their_labels():
    svg = str(charts.funnel([("sources", 70, None), ("course", 30, 42.9)], title="funnel"))
    starts = numbers(svg, r'<rect x="([\d.]+)"')
    widths = numbers(svg, r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"')
    label_x = min(numbers(svg, r'<text x="([\d.]+)"'))
    assert min(starts) >= 0
    assert max(start + width for start, width in zip(starts, widths, strict=True)) < label_x


def test_bar_chart_makes_room_for_long_labels():
    svg = str(charts.bar_chart([(LONG, 280.0), ("short", 42.9)], title="ranking"))
    assert f">{LONG}</text>" in svg
    label_end = numbers(svg, r'<text x="([\d.]+)"[^>]*text-anchor="end"')[0]
    # About 7 px a character at 12 px: the whole name fits left of the anchor.
    assert label_end >= len(LONG) * 7
    assert numbers(svg, r'<rect x="([\d.]+)"')[0] > label_end


def test_bar_chart_shortens_very_long_labels():
    label = "x" * 60
    svg = str(charts.bar_chart([(label, 1)], title="t"))
    assert "x" * 60 not in svg
    assert "…</text>" in svg
