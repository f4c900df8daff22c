"""Server-rendered SVG bar charts: no JavaScript, a few hundred bytes each."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    data: list[tuple[str, int]],
    *,
    title: str,
    maximum: int | None = None,
    suffix: str = "",
    width: int = 560,
) -> SafeString:
    """Horizontal bars, one per (label, value), with the value written beside each bar."""
    # Each label sits above its bar, so long labels (and translations) are never clipped.
    bar_h, gap, label_h = 16, 8, 15
    row_h = label_h + bar_h + gap
    top = max([v for _label, v in data] + [maximum or 0, 1])
    height = max(len(data), 1) * row_h + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart"><title>{escape(title)}</title>'
    ]
    span = width - 70
    for i, (label, value) in enumerate(data):
        y = gap + i * row_h
        w = round(span * value / top)
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12">{escape(str(label)[:90])}</text>'
            f'<rect x="0" y="{y + label_h}" width="{w}" height="{bar_h}" fill="#0b5cad"/>'
            f'<text x="{w + 4}" y="{y + label_h + 12}" font-size="12">'
            f"{value}{escape(suffix)}</text>"
        )
    if not data:
        parts.append('<text x="10" y="18" font-size="12">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above
