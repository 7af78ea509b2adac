"""Benchmark of the PDF procurement report: a 10-offering shortlist, rendered cold and served from the store.

Run from the repository root:  .venv/bin/python bench/bench_report.py [--repeats 3] [--shortlist 10]

A throw-away SQLite database under var/bench/ (VENDOREVAL_VAR_DIR) is migrated and loaded with the real catalog; an
organisation, a user and a defence & aerospace evaluation whose shortlist holds 10 offerings are created. Steps:

* snapshot     — score the evaluation and freeze it as canonical JSON (what every page view and download does);
* cold render  — snapshot + WeasyPrint PDF/A-3b render + store (the stored report is deleted before each run);
* from store   — snapshot + look-up + read the stored PDF (an unchanged evaluation downloaded again).

Each step runs --repeats times; the table shows the best and the median wall time (time.perf_counter) and, from one
more run, the peak memory two ways: Python allocations (tracemalloc, in a separate run so that tracing does not slow
the timed ones) and the whole process's peak resident set during the step (Linux VmHWM, reset through
/proc/self/clear_refs first; it includes Django, the catalog and what Pango, HarfBuzz and the fonts hold, i.e. what a
report worker needs). Target: cold render under 3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))
TARGET_COLD_SECONDS = 3.0
TARGET_SHORTLIST = 10  # the target is set for a 10-offering report


def setup_django() -> None:
    if BENCH_DIR.exists():
        shutil.rmtree(BENCH_DIR)
    BENCH_DIR.mkdir(parents=True)
    os.environ["VENDOREVAL_VAR_DIR"] = str(BENCH_DIR)
    os.environ["DEBUG"] = "1"  # local defaults: no SECRET_KEY needed, immediate task backend
    os.environ["VENDOREVAL_DEMO"] = "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vendoreval.settings"
    import django

    django.setup()


def build_evaluation(shortlist_size: int):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from vendoreval.accounts.models import Membership, Organisation, Role
    from vendoreval.catalog.loader import catalog_load_files
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_outcome, evaluation_set_field

    call_command("migrate", verbosity=0, interactive=False)
    catalog_load_files(root=settings.DATA_DIR)
    user = get_user_model().objects.create_user("bench", password="bench-report-1234")  # noqa: S106 - a throw-away benchmark database
    organisation = Organisation.objects.create(name="Bench Beschaffung GmbH", slug="bench")
    Membership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=organisation, name="Engineering assistant (benchmark)", actor=user,
                                   context=context)
    for field, values in [("sector", ["defence"]), ("classification", ["restricted"])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
    outcome = evaluation_outcome(evaluation, context, samples=0)
    keys = [r.key for r in (*outcome.result.ranking, *outcome.result.excluded)][:shortlist_size]
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=keys, actor=user, context=context)
    evaluation.refresh_from_db()
    return evaluation, context, user


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss(step: Callable[[], object]) -> int | None:
    """The process's peak resident set, in bytes, while the step runs; None where Linux's counters are missing."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
    except OSError:
        return None
    step()
    peak = _status_kib("VmHWM")
    return None if peak is None else peak * 1024


def measure(step: Callable[[], object], repeats: int, before: Callable[[], None] | None = None):
    times = []
    result = None
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    if before:
        before()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if before:
        before()
    rss = peak_rss(step)
    return min(times), statistics.median(times), peak, rss, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shortlist", type=int, default=TARGET_SHORTLIST)
    args = parser.parse_args()

    setup_django()
    from pypdf import PdfReader

    from vendoreval.reports import rendering, services
    from vendoreval.reports.models import Report
    from vendoreval.reports.snapshot import report_snapshot

    evaluation, context, user = build_evaluation(args.shortlist)

    def forget_stored() -> None:
        for report in Report.objects.filter(evaluation=evaluation):
            if report.file:
                report.file.storage.delete(report.file.name)
        Report.objects.filter(evaluation=evaluation).delete()

    def cold():
        report, rendered = services.report_ensure(evaluation=evaluation, actor=user, context=context)
        assert rendered and report.status == Report.Status.READY, report.error
        return report

    def from_store():
        report, rendered = services.report_ensure(evaluation=evaluation, actor=user, context=context)
        assert not rendered, "the stored report was rendered again"
        with report.file.open("rb") as f:
            return f.read()

    # warm the process (imports, font configuration) so that "cold" means "no stored report", not "new process"
    rendering.render_pdf(report_snapshot(evaluation=evaluation, context=context))

    rows = []
    snap = measure(lambda: report_snapshot(evaluation=evaluation, context=context), args.repeats)
    rows.append(("snapshot", *snap[:4]))
    cold_result = measure(cold, args.repeats, before=forget_stored)
    rows.append(("cold render", *cold_result[:4]))
    store = measure(from_store, max(args.repeats, 5))
    rows.append(("from store", *store[:4]))

    pdf = store[4]
    pages = len(PdfReader(cold_result[4].file.path).pages)
    print(f"Report benchmark: {args.shortlist}-offering shortlist, {pages} pages, {len(pdf) / 1024:.0f} KiB PDF, "
          f"snapshot {len(snap[4].canonical) / 1024:.0f} KiB")
    print(f"{'step':<14}{'best s':>10}{'median s':>10}{'Python peak MiB':>17}{'process peak MiB':>18}")
    for name, best, median, peak, rss in rows:
        rss_text = "n/a" if rss is None else f"{rss / 2**20:.1f}"
        print(f"{name:<14}{best:>10.3f}{median:>10.3f}{peak / 2**20:>17.1f}{rss_text:>18}")
    if args.shortlist == TARGET_SHORTLIST:
        verdict = "met" if cold_result[0] < TARGET_COLD_SECONDS else "NOT met"
        print(f"target: cold render under {TARGET_COLD_SECONDS:.0f} s — {verdict} (best {cold_result[0]:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
