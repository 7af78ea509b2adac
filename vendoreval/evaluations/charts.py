"""Area-profile chart as inline SVG, rendered on the server (no chart library, no third-party host).

Bars carry a pattern as well as a colour and each bar is labelled with its value, so colour is never the only signal.
Used by the comparison page and the PDF report.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vendoreval.scoring.numbers import shown

SERIES_STYLE = [  # fill colour, pattern id
    ("#1d4f91", "solid"), ("#b5651d", "hatch"), ("#2e7d32", "dots"),
    ("#6a1b9a", "cross"), ("#00838f", "hatch2"), ("#9e9d24", "dots2"),
]


def _defs(prefix: str) -> str:
    return (
        '<defs>'
        f'<pattern id="{prefix}p-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#b5651d"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}p-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#2e7d32"/><circle cx="3" cy="3" r="1.3" fill="#fff"/></pattern>'
        f'<pattern id="{prefix}p-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#6a1b9a"/><path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1"/></pattern>'
        f'<pattern id="{prefix}p-hatch2" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)">'
        '<rect width="6" height="6" fill="#00838f"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}p-dots2" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#9e9d24"/><rect x="3" y="3" width="2" height="2" fill="#fff"/></pattern>'
        '</defs>'
    )


def _fill(index: int, prefix: str) -> str:
    colour, pattern = SERIES_STYLE[index % len(SERIES_STYLE)]
    return colour if pattern == "solid" else f"url(#{prefix}p-{pattern})"


def area_profile_svg(areas: list[tuple[str, str]], series: list[tuple[str, list[float]]], *,
                     title: str = "Area profile", maximum: float = 100, id_prefix: str = "") -> SafeString:
    """areas: [(key, name)] (areas or CSF objectives); series: [(offering name, [score 0..maximum per group])].
    Returns escaped SVG markup; `id_prefix` keeps the ids of several charts on one page or document apart."""
    label_w, bar_h, gap, group_gap, plot_w = 210, 11, 2, 10, 330
    group_h = len(series) * (bar_h + gap) + group_gap
    legend_h = 18 * len(series) + 8
    height = 30 + len(areas) * group_h + legend_h
    width = label_w + plot_w + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="{id_prefix}chart-title" font-family="DejaVu Sans" '
           f'font-size="10">', f'<title id="{id_prefix}chart-title">{escape(title)}</title>', _defs(id_prefix)]
    for step in range(5):
        tick = maximum * step / 4
        x = label_w + plot_w * step / 4
        out.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - legend_h}" stroke="#ccc"/>'
                   f'<text x="{x:.1f}" y="14" text-anchor="middle" fill="#444">{shown(tick, 0)}</text>')
    y = 24.0
    for a_index, (key, name) in enumerate(areas):
        out.append(f'<text x="{label_w - 6}" y="{y + group_h / 2:.1f}" text-anchor="end" fill="#1b1f24">'
                   f'{escape(key)} {escape(name)}</text>')
        for s_index, (_, scores) in enumerate(series):
            score = max(0.0, min(maximum, scores[a_index]))
            w = plot_w * score / maximum
            by = y + s_index * (bar_h + gap)
            fill = _fill(s_index, id_prefix)
            out.append(f'<rect x="{label_w}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{fill}" '
                       f'stroke="#1b1f24" stroke-width="0.4"/>'
                       f'<text x="{label_w + w + 3:.1f}" y="{by + bar_h - 2:.1f}" fill="#1b1f24">'
                       f'{shown(score, 0)}</text>')
        y += group_h
    for s_index, (name, _) in enumerate(series):
        ly = height - legend_h + 6 + 18 * s_index
        out.append(f'<rect x="{label_w}" y="{ly:.1f}" width="14" height="11" fill="{_fill(s_index, id_prefix)}" '
                   f'stroke="#1b1f24" '
                   f'stroke-width="0.4"/><text x="{label_w + 20}" y="{ly + 9:.1f}" fill="#1b1f24">'
                   f'{escape(name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))
