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
    bar_h, gap, label_w = 18, 6, 190
    top = max([v for _label, v in data] + [maximum or 0, 1])
    height = max(len(data), 1) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart"><title>{escape(title)}</title>'
    ]
    span = width - label_w - 60
    for i, (label, value) in enumerate(data):
        y = gap + i * (bar_h + gap)
        w = round(span * value / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(str(label)[:30])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#0b5cad"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">'
            f"{value}{escape(suffix)}</text>"
        )
    if not data:
        parts.append('<text x="10" y="18" font-size="12">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above
