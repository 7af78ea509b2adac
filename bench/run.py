"""`make bench`: run every benchmark, print the figures and record them in docs/benchmarks.md with the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"

BENCHES = [
    ("Scoring engine (200 synthetic offerings × 37 criteria, 2,000 sensitivity samples)", "bench/bench_scoring.py",
     "Target: under 250 ms for scoring plus sensitivity."),
    ("Pages on the real catalog (server time in-process, SQLite)", "bench/bench_results_page.py",
     "Server time through Django's full request stack; no network."),
    ("PDF report (10 shortlisted offerings)", "bench/bench_report.py",
     "Target: under 3 s cold.\n\n"
     "WeasyPrint's time follows the number of boxes more than the amount of text: a table cell costs about ten "
     "times a line of a paragraph, and an inline element or link inside a line several times a plain one. The "
     "report therefore keeps tables for tabular data only (the comparison matrix, the ranking); lists each source "
     "document once, with how strongly it supports each claim written next to the claim; sets answers as plain "
     "paragraphs; uses one margin box per page margin; and pauses the garbage collector while WeasyPrint works. "
     "Together these took the cold render from 4.5 s (54 pages) to the figure below. This virtual machine's speed "
     "drifts by about a fifth from one run to the next (the same build measured 2.2 s and 2.8 s best-of-3 within "
     "the hour; the other benchmarks drift with it)."),
    ("PDF report (3 shortlisted offerings, the default when the buyer picks none)",
     "bench/bench_report.py --shortlist 3", "No target of its own; the size of a typical report."),
]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        mem_gib = int(re.findall(r"\d+", mem)[0]) / 2**20
    except (OSError, StopIteration):
        mem_gib = 0
    return (f"{os.cpu_count()} cores, {model}, {mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def replace_section(text: str, heading: str, body: str) -> str:
    block = f"## {heading}\n\n{body.rstrip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block


def main() -> int:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\nRecorded by `make bench` (bench/run.py).\n"
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    host = machine()
    failed = False
    for heading, command, note in BENCHES:
        script, *args = command.split()
        if not (ROOT / script).exists():
            print(f"-- {heading}: {script} missing, skipped")
            continue
        print(f"== {heading}")
        result = subprocess.run([sys.executable, script, *args], cwd=ROOT, capture_output=True, text=True, timeout=1800)
        output = (result.stdout + ("\n" + result.stderr if result.returncode else "")).strip()
        print(output)
        failed |= result.returncode != 0
        body = f"{note}\n\nRun {when} on {host}.\n\n```\n{output}\n```"
        text = replace_section(text, heading, body)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text.rstrip() + "\n")
    print(f"\nRecorded in {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
