"""The load benchmark's figures, from every request Locust made: per endpoint requests, req/s, p50/p95/p99/max and
errors (exact nearest-rank percentiles, not Locust's rounded summary), the time each endpoint took inside a gunicorn
worker (its access log), p95 per 10-s window, the reports' outcomes, the verdict, and the section of
docs/benchmarks.md they are recorded in."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

TARGET_MS = 300.0
TARGETED = ("autosave field", "results page")


def section_heading(users: int) -> str:
    """One section per number of evaluators: a 200-evaluator run does not replace the 50-evaluator figures."""
    return f"## Load (make serve, {users} evaluators)"


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    rank = max(1, round(p / 100 * len(sorted_ms)))  # nearest rank
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def rows_of(samples: list[dict], endpoints: tuple[str, ...], seconds: float) -> list[dict]:
    rows = []
    for endpoint in endpoints:
        mine = [s for s in samples if s["endpoint"] == endpoint]
        if mine:
            ms = sorted(s["ms"] for s in mine)
            rows.append({"endpoint": endpoint, "requests": len(mine), "rps": len(mine) / seconds,
                         "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
                         "max": ms[-1], "errors": sum(not s["ok"] for s in mine)})
    return rows


ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) .* (\d+)ms$')


def endpoint_of(method: str, path: str) -> str | None:
    if path.startswith("/accounts/login/"):
        return "login page" if method == "GET" else "log in"
    if path == "/":
        return "home"
    for part, endpoint in (("/questionnaire/", "questionnaire page"), ("/field/", "autosave field")):
        if part in path:
            return endpoint
    if path.endswith("/report/"):
        return "report page" if method == "GET" else "request report"
    if path.endswith("/status/"):
        return "report status (poll)"
    if path.endswith("/pdf/"):
        return "download report"
    if re.fullmatch(r"/o/[^/]+/e/[^/]+/", path):
        return "results page"
    return None


def add_server_times(access_log: Path, rows: list[dict]) -> None:
    """The time each endpoint took inside the gunicorn worker (the rest of the client's latency is queueing)."""
    times: dict[str, list[float]] = {}
    if access_log.exists():
        for line in access_log.read_text().splitlines():
            if (match := ACCESS_LINE.search(line)) and (name := endpoint_of(match.group(1), match.group(2))):
                times.setdefault(name, []).append(float(match.group(4)))
    for row in rows:
        ms = sorted(times.get(row["endpoint"], []))
        row["server"] = f"{percentile(ms, 50):.0f} / {percentile(ms, 95):.0f}" if ms else ""


def table(rows: list[dict], total: dict | None = None) -> str:
    lines = ["| Endpoint | Requests | Req/s | p50 ms | p95 ms | p99 ms | max ms | Errors | in worker p50 / p95 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['endpoint']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
                     f"{r['p99']:.0f} | {r['max']:.0f} | {r['errors']} | {r.get('server', '')} |")
    if total:
        lines.append(f"| **all** | {total['requests']} | {total['rps']:.1f} | | | | | {total['errors']} | |")
    return "\n".join(lines)


def by_window(samples: list[dict], start: float, duration: float, width: int = 10) -> str:
    """p95 of the targeted endpoints per 10-s window: shows whether slow requests cluster."""
    cells = []
    for low in range(0, int(duration), width):
        ms = sorted(s["ms"] for s in samples
                    if s["endpoint"] in TARGETED and low <= s["started"] - start < low + width)
        cells.append(f"{low}–{low + width} s: {percentile(ms, 95):.0f}")
    return "p95 ms of autosaves and results pages per 10 s: " + ", ".join(cells)


def report_line(reports: list[list], available: bool, share: float) -> str:
    if not available:
        return "Reports: not included (this version has no background report flow)."
    if not reports:
        return "Reports: not included (--no-reports)."
    ready = sorted(seconds for _, seconds in reports if seconds is not None)
    outcomes: dict[str, int] = {}
    for outcome, _ in reports:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    timing = (f"; from the request to the PDF being ready (queue + render) p50 {percentile(ready, 50):.1f} s, "
              f"max {ready[-1]:.1f} s" if ready else "")
    return (f"Reports: {len(reports)} evaluators ({share:.0%}) requested one: "
            f"{', '.join(f'{n} {o}' for o, n in sorted(outcomes.items()))}{timing}.")


def verdict(work_rows: list[dict], errors: int, details: list[str]) -> list[str]:
    """What missed the targets (no errors; p95 under 300 ms for autosaves and results pages); empty when all met."""
    notes = [f"{errors} error(s): {'; '.join(details)}"] if errors or details else []
    for r in work_rows:
        if r["endpoint"] in TARGETED and not r["p95"] < TARGET_MS:
            notes.append(f"{r['endpoint']}: p95 {r['p95']:.0f} ms is not under {TARGET_MS:.0f} ms")
    return notes


def fill(text: str) -> str:
    return textwrap.fill(text, width=118, break_on_hyphens=False, break_long_words=False)


def replace_section(text: str, heading: str, section: str) -> str:
    """`text` with the section under `heading` replaced by `section`; a new load section goes after the others."""
    block = section.rstrip("\n") + "\n\n"
    if heading in text:
        start = text.index(heading)
        following = text.find("\n## ", start + len(heading))
        return text[:start] + block + (text[following + 1:] if following != -1 else "")
    loads = [m.start() for m in re.finditer(r"^## Load \(", text, re.M)]
    if not loads:
        title_end = text.find("\n## ")
        return (text.rstrip("\n") + "\n\n" + block if title_end == -1
                else text[:title_end + 1] + block + text[title_end + 1:])
    following = text.find("\n## ", loads[-1] + 1)
    return (text.rstrip("\n") + "\n\n" + block if following == -1
            else text[:following + 1] + block + text[following + 1:])
