"""Bar charts as inline SVG: no script, nothing from outside, readable without colour."""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def bar_chart_svg(rows: list[tuple[str, int, int | None]], *, title: str, width: int = 560) -> str:
    """Horizontal bars of (label, this year, previous year or None); the table beside it is the text."""
    bar_h, gap, label_w, legend_h = 18, 10, 220, 24
    with_previous = any(p is not None for _, _, p in rows)
    height = len(rows) * (2 * bar_h + gap) + 10 + (legend_h if with_previous else 0)
    top = max([max(v, p or 0) for _, v, p in rows] + [1])
    scale = (width - label_w - 60) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    y = 5
    if with_previous:
        # The legend names the two bars; the darker, taller one is always this year.
        parts.append(f'<rect x="{label_w}" y="{y}" width="14" height="12" fill="#0017C1"/>')
        parts.append(f'<text x="{label_w + 20}" y="{y + 11}" font-size="12">当該年度</text>')
        parts.append(
            f'<rect x="{label_w + 100}" y="{y + 3}" width="14" height="8" fill="#949494"/>'
        )
        parts.append(f'<text x="{label_w + 120}" y="{y + 11}" font-size="12">前年度</text>')
        y += legend_h
    for label, value, previous in rows:
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(1, value * scale):.1f}" height="{bar_h}" fill="#0017C1"/>'
        )
        parts.append(
            f'<text x="{label_w + value * scale + 6:.1f}" y="{y + bar_h - 4}" font-size="12">{value}</text>'
        )
        if previous is not None:
            py = y + bar_h
            parts.append(
                f'<rect x="{label_w}" y="{py}" width="{max(1, previous * scale):.1f}" height="{bar_h - 6}" '
                f'fill="#949494"/>'
            )
            parts.append(
                f'<text x="{label_w + previous * scale + 6:.1f}" y="{py + bar_h - 8}" font-size="10" '
                f'fill="#333333">{previous}</text>'
            )
        y += 2 * bar_h + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))
