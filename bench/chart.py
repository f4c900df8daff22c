"""bench/latency.svg: p99 latency against deliveries/s, one line per configuration and N.

Hand-written SVG (about a hundred lines) instead of matplotlib: the chart is one kind of
plot, and the benchmark should not pull a plotting stack into the project.
"""

from __future__ import annotations

import math
from html import escape

COLOURS = {"floor": "#1b9e77", "naive": "#d95f02", "openips": "#4455cc"}
DASHES = {1000: "", 2500: "6 3", 5000: "2 3", 10000: "10 3 2 3"}
WIDTH, HEIGHT = 860, 520
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 40, 60
Y_MIN, Y_MAX = 1.0, 30_000.0  # ms, log scale


def _x(value: float, x_max: float) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * value / x_max


def _y(ms: float) -> float:
    ms = min(max(ms, Y_MIN), Y_MAX)
    span = math.log10(Y_MAX) - math.log10(Y_MIN)
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (math.log10(ms) - math.log10(Y_MIN)) / span)


def _nice_max(value: float) -> float:
    step = 10 ** math.floor(math.log10(max(value, 1)))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return factor * step
    return 10 * step


def _axes(x_max: float, limit_ms: float) -> list[str]:
    out = []
    plot_right = WIDTH - RIGHT
    for tick in (1, 10, 100, 1000, 10000):
        y = _y(tick)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{plot_right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for i in range(6):
        value = x_max * i / 5
        x = _x(value, x_max)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{value / 1000:g}k</text>'
        )
    y = _y(limit_ms)
    out.append(
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{plot_right}" y2="{y:.1f}" '
        'stroke="#c00" stroke-dasharray="4 4"/>'
    )
    out.append(
        f'<text x="{plot_right - 4}" y="{y - 5:.1f}" text-anchor="end" fill="#c00">'
        f"p99 limit {limit_ms:g} ms</text>"
    )
    out.append(
        f'<text x="{(LEFT + plot_right) / 2}" y="{HEIGHT - 15}" text-anchor="middle">'
        "deliveries per second (achieved)</text>"
    )
    out.append(
        f'<text x="18" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(TOP + HEIGHT - BOTTOM) / 2})">'
        "p99 latency, ms (log scale)</text>"
    )
    return out


def _series(steps: list[dict]) -> dict[tuple[str, int], list[dict]]:
    series: dict[tuple[str, int], list[dict]] = {}
    for step in steps:
        if step.get("repeat", 0) == 0 and step.get("p99_ms") is not None:
            series.setdefault((step["config"], step["clients"]), []).append(step)
    return series


def render(steps: list[dict], *, title: str, limit_ms: float = 200.0) -> str:
    steps = [s for s in steps if s.get("p99_ms") is not None]
    x_max = _nice_max(max((s["deliveries_per_s"] for s in steps), default=1000) * 1.05)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12" '
        'role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    out += _axes(x_max, limit_ms)
    legend_y = TOP + 10
    for (config, clients), points in sorted(_series(steps).items()):
        colour = COLOURS.get(config, "#555")
        coords = [(_x(p["deliveries_per_s"], x_max), _y(p["p99_ms"])) for p in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{DASHES.get(clients, "")}"/>'
        )
        for (x, y), point in zip(coords, points, strict=True):
            fill = colour if point.get("passed") else "white"
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
        lx = WIDTH - RIGHT + 15
        out.append(
            f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 30}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{DASHES.get(clients, "")}"/>'
        )
        out.append(f'<text x="{lx + 36}" y="{legend_y + 4}">{escape(config)} N={clients:,}</text>')
        legend_y += 18
    out.append(
        f'<text x="{WIDTH - RIGHT + 15}" y="{legend_y + 14}" font-size="11">'
        "filled: passed (p99 &lt;= limit,</text>"
    )
    out.append(
        f'<text x="{WIDTH - RIGHT + 15}" y="{legend_y + 28}" font-size="11">'
        "no loss); hollow: failed</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
