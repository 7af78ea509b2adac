"""Area-profile chart as inline SVG, rendered on the server (no chart library, no third-party host).

Bars carry a pattern as well as a colour and each bar is labelled with its value, so colour is never the only signal.
Used by the comparison page and the PDF report.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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
                     title: str = "", maximum: float = 100, id_prefix: str = "") -> SafeString:
    """areas: [(key, name)] (areas or CSF objectives); series: [(offering name, [score 0..maximum per group])].
    Returns escaped SVG markup; `id_prefix` keeps the ids of several charts on one page or document apart."""
    title = title or _("Area profile")
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
        for s_index, (_name, scores) in enumerate(series):
            score = max(0.0, min(maximum, scores[a_index]))
            w = plot_w * score / maximum
            by = y + s_index * (bar_h + gap)
            fill = _fill(s_index, id_prefix)
            out.append(f'<rect x="{label_w}" y="{by:.1f}" width="{w:.1f}" height="{bar_h}" fill="{fill}" '
                       f'stroke="#1b1f24" stroke-width="0.4"/>'
                       f'<text x="{label_w + w + 3:.1f}" y="{by + bar_h - 2:.1f}" fill="#1b1f24">'
                       f'{shown(score, 0)}</text>')
        y += group_h
    for s_index, (name, _scores) in enumerate(series):
        ly = height - legend_h + 6 + 18 * s_index
        out.append(f'<rect x="{label_w}" y="{ly:.1f}" width="14" height="11" fill="{_fill(s_index, id_prefix)}" '
                   f'stroke="#1b1f24" '
                   f'stroke-width="0.4"/><text x="{label_w + 20}" y="{ly + 9:.1f}" fill="#1b1f24">'
                   f'{escape(name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))


def fluid_profile_svg(groups: list[tuple[str, str]], series: list[tuple[str, list[float]]], *,
                      title: str, maximum: float = 100, id_prefix: str = "") -> SafeString:
    """The pages' chart: the same bars as `area_profile_svg`, drawn at the width of the page (no scaling).

    The SVG has no viewBox: one unit is one CSS pixel, so its text stays at its size on a phone and on a wide screen;
    bar lengths are percentages of the chart's width. Each group's name is written above its bars, where it has the
    whole width, and the legend is an HTML list under the chart, so long offering names wrap. Up to six offerings get
    distinct fills (colour and pattern); their bars follow the legend's order.
    """
    plot = 86.0  # percent of the width for bars; the rest holds the largest value label
    label_h, bar_h, gap, group_gap, top = 16, 13, 3, 12, 22
    group_h = label_h + len(series) * (bar_h + gap) + group_gap
    height = top + len(groups) * group_h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" '
           f'aria-labelledby="{id_prefix}chart-title" font-family="DejaVu Sans" font-size="12" class="fluid-chart">',
           f'<title id="{id_prefix}chart-title">{escape(title)}</title>', _defs(id_prefix)]
    for step in range(5):
        x = plot * step / 4
        anchor = "start" if step == 0 else "middle"
        out.append(f'<line x1="{x:g}%" y1="{top - 6}" x2="{x:g}%" y2="{height - group_gap}" stroke="#ccc"/>'
                   f'<text x="{x:g}%" y="12" text-anchor="{anchor}" fill="#4d5660">{shown(maximum * step / 4, 0)}'
                   '</text>')
    y = float(top)
    for index, (key, name) in enumerate(groups):
        out.append(f'<text x="0" y="{y + 12:.0f}" fill="#1b1f24" font-weight="bold">{escape(key)} {escape(name)}'
                   '</text>')
        for s_index, (_name, values) in enumerate(series):
            value = max(0.0, min(maximum, values[index]))
            width = plot * value / maximum
            by = y + label_h + s_index * (bar_h + gap)
            fill = _fill(s_index, id_prefix)
            out.append(f'<rect x="0" y="{by:.0f}" width="{width:.2f}%" height="{bar_h}" fill="{fill}" '
                       f'stroke="#1b1f24" stroke-width="0.5"/>'
                       f'<text x="{width:.2f}%" dx="4" y="{by + bar_h - 2:.0f}" font-size="11" fill="#1b1f24">'
                       f'{shown(value, 0)}</text>')
        y += group_h
    out.append("</svg>")
    legend = "".join(
        f'<li><svg xmlns="http://www.w3.org/2000/svg" width="16" height="13" aria-hidden="true" focusable="false">'
        f'<rect x="0.5" y="0.5" width="15" height="12" fill="{_fill(i, id_prefix)}" stroke="#1b1f24"/></svg> '
        f'{escape(name)}</li>' for i, (name, _) in enumerate(series))
    return mark_safe(f'<div class="chart-fluid">{"".join(out)}<ul class="chart-legend">{legend}</ul></div>')  # escaped
