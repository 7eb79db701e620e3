"""Charts as server-side SVG strings: no JavaScript, no outside assets.

Each function returns markup safe to put into a template or a PDF. Labels are escaped.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

ACCENT = "#b3261e"
MUTED = "#8a96a3"
OK = "#1e7b34"
WARN = "#9a6700"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _svg(width, height, body, title):
    return mark_safe(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def _number(value):
    """A figure as the chart writes it for people: a whole number as it is, a fraction
    (a percentage, a pace) with one decimal in the active language's way (47.4 in
    English, 47,4 in Vietnamese and German). Coordinates stay plain SVG numbers."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value}"
    return _decimal(value)


def _decimal(value):
    # Rounded here: number_format cuts the digits beyond `decimal_pos` off.
    tenths = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number_format(tenths, decimal_pos=1, use_l10n=True)


def _axis(value):
    """The top of a scale: whole as a whole number, else with one decimal."""
    return f"{int(value)}" if float(value).is_integer() else _decimal(value)


def bar_chart(items, *, title, width=420, bar_height=18, suffix=""):
    """Horizontal bars: items are (label, value[, highlight]) with value ≥ 0."""
    # Room for the longest label (about 7 px a character at 12 px), up to 34 characters;
    # the chart grows by what the labels need beyond the usual 150 px.
    longest = max([len(str(item[0])) for item in items] + [1])
    label_chars = min(longest, 34)
    label_width = max(150, label_chars * 7 + 12)
    width += label_width - 150
    top = 8
    height = top + len(items) * (bar_height + 6) + 8
    largest = max([float(item[1] or 0) for item in items] + [1])
    room = width - label_width - 60
    parts = []
    for index, item in enumerate(items):
        label, value = item[0], item[1]
        highlight = len(item) > 2 and item[2]
        y = top + index * (bar_height + 6)
        length = room * float(value or 0) / largest
        colour = WARN if highlight else ACCENT
        text = str(label)
        if len(text) > label_chars:
            text = text[: label_chars - 1] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.72:.1f}" text-anchor="end" '
            f'font-size="12" {FONT}>{escape(text)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.72:.1f}" '
            f'font-size="12" {FONT}>{escape(_number(value))}{escape(suffix)}</text>'
        )
    return _svg(width, height, "".join(parts), title)


def progress_bar(value, goal, *, title, width=320, height=30):
    """A bar of `value` against `goal` (the minimum target), with the goal marked."""
    label = f"{_number(value)} / {_number(goal)}" if goal else _number(value)
    text = (
        f'<text x="{width - 4}" y="{height / 2 + 5}" text-anchor="end" font-size="14" '
        f"{FONT}>{escape(label)}</text>"
    )
    if not goal:
        return _svg(width, height, text, title)
    inner = width - 90
    scale = max(float(value), float(goal)) * 1.1 or 1
    done = inner * float(value) / scale
    mark = 4 + inner * float(goal) / scale
    colour = OK if value >= goal else ACCENT
    body = (
        f'<rect x="4" y="6" width="{inner}" height="{height - 12}" fill="#eef1f4"/>'
        f'<rect x="4" y="6" width="{done:.1f}" height="{height - 12}" fill="{colour}"/>'
        f'<line x1="{mark:.1f}" y1="2" x2="{mark:.1f}" y2="{height - 2}" stroke="#1d2430" '
        f'stroke-width="2"/>{text}'
    )
    return _svg(width, height, body, title)


def months_vs_pace(months, *, pace, title, width=620, height=220, future=(), band=None):
    """Columns of admissions per month, with the monthly pace needed as a dashed line.

    `months`: [(label, count)]; `pace`: admissions per month needed, or None. `future`:
    labels of the months left in the period and `band`: (low, expected, high) admissions a
    month the forecast gives them, drawn as a shaded band with the expected value marked.
    """
    left, bottom, top = 36, 28, 10
    plot_h = height - bottom - top
    future = list(future) if band else []
    n = max(len(months) + len(future), 1)
    step = (width - left - 10) / n
    largest = max([c for _m, c in months] + [pace or 0, 1] + ([band[2]] if future else []))
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 6}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="11" {FONT}>'
        f"{_axis(largest)}</text>",
    ]
    for index, (label, count) in enumerate(months):
        h = plot_h * count / largest
        x = left + index * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{ACCENT}"><title>{escape(str(label))}: {count}</title></rect>'
            f'<text x="{x + step * 0.35:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="10" {FONT}>{escape(str(label))}</text>'
        )
        if count:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{top + plot_h - h - 3:.1f}" '
                f'text-anchor="middle" font-size="10" {FONT}>{count}</text>'
            )
    for index, label in enumerate(future, start=len(months)):
        low, expected, high = band
        x = left + index * step + step * 0.15
        y_high = top + plot_h - plot_h * high / largest
        y_low = top + plot_h - plot_h * low / largest
        y_mid = top + plot_h - plot_h * expected / largest
        parts.append(
            f'<g class="forecast-band"><rect x="{x:.1f}" y="{y_high:.1f}" '
            f'width="{step * 0.7:.1f}" height="{max(y_low - y_high, 1):.1f}" fill="{OK}" '
            f'opacity="0.25"><title>{escape(str(label))}: '
            f"{_decimal(low)}–{_decimal(high)}</title></rect>"
            f'<line x1="{x:.1f}" y1="{y_mid:.1f}" x2="{x + step * 0.7:.1f}" y2="{y_mid:.1f}" '
            f'stroke="{OK}" stroke-width="2"/></g>'
            f'<text x="{x + step * 0.35:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="10" fill="{MUTED}" {FONT}>{escape(str(label))}</text>'
        )
    if pace:
        y = top + plot_h - plot_h * pace / largest
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 6}" y2="{y:.1f}" stroke="{OK}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{width - 8}" y="{y - 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{OK}" {FONT}>{_decimal(pace)}</text>'
        )
    return _svg(width, height, "".join(parts), title)


def funnel(stages, *, title, width=620):
    """Stages [(label, count, conversion %)] as centred bars narrowing down."""
    row = 34
    height = len(stages) * row + 8
    largest = max([s[1] for s in stages] + [1])
    # The bars are centred in the room left of the labels (at width - 190), never under them.
    centre = (width - 190) / 2
    parts = []
    for index, (label, count, rate) in enumerate(stages):
        w = max((width - 200) * count / largest, 2)
        y = 4 + index * row
        rate_text = f" ({_number(rate)} %)" if rate is not None else ""
        parts.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{ACCENT}" opacity="{1 - index * 0.12:.2f}"/>'
            f'<text x="{width - 190}" y="{y + row / 2:.1f}" font-size="12" {FONT}>'
            f"{escape(str(label))}: {count}{escape(rate_text)}</text>"
        )
    return _svg(width, height, "".join(parts), title)
