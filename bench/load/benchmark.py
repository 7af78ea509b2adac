"""Load benchmark: Locust's simulated evaluators against `make serve` (gunicorn + PostgreSQL, DEBUG off) on 127.0.0.1.

Run from the repository root (`make bench-load` adds --record):

    .venv/bin/python bench/load/benchmark.py [--users 50] [--duration 60] [--record]

What it does, and undoes:
1. waits for the machine to be idle (it may be shared), then starts the local PostgreSQL (scripts/local-postgres.sh)
   unless it already runs, with a database of its own (vendoreval_load), and the production-like stack
   (scripts/serve.sh: migrate, catalog, collectstatic, gunicorn and the report worker) on 127.0.0.1:--port;
2. seeds --users evaluators (bench/load/seed.py through `manage.py shell`): each owns an organisation with one
   evaluation; the password is random per run;
3. runs Locust headless on bench/load/locustfile.py (the scenario: a log-in phase over --ramp seconds, then the
   measured phase of --duration seconds), measuring the CPU that every process on the machine used in the measured
   phase;
4. stops gunicorn, the worker and the PostgreSQL server it started, also on Ctrl-C or failure;
5. prints requests, req/s, p50/p95/p99/max latency and errors per endpoint from every request Locust made, checks the
   targets (no errors; p95 < 300 ms for autosaves and results pages), and with --record writes the section
   "## Load (make serve, N evaluators)" of docs/benchmarks.md (only when other processes stayed quiet).

Bounded: at most 200 evaluators and 600 s, on 127.0.0.1 only. Locust runs on the same machine as the server and
takes some of its CPU; the figures say how much. Every request is kept in var/load/results.json, Locust's own report
in var/load/locust.html, its output in var/load/locust.log, gunicorn's access log in var/load/access.log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import figures
import machine
import scenario

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # never anything else: this benchmark is for the local machine only
LOGS = ROOT / "var" / "load"


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/health/", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


class Stack:
    """PostgreSQL (when not already running), then serve.sh in its own session; stopped in reverse order."""

    def __init__(self, port: int, workers: int | None, threads: int | None):
        self.port, self.workers, self.threads = port, workers, threads
        self.serve: subprocess.Popen | None = None
        self.started_pg = False
        self.env: dict[str, str] = {}

    def start(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        pg_status = subprocess.run(["bash", "scripts/local-postgres.sh", "status"], cwd=ROOT, capture_output=True,
                                   check=False)
        self.started_pg = pg_status.returncode != 0
        # Its own database on the local server: the seeded evaluators never mix with `make serve`'s data.
        url = subprocess.run(["bash", "scripts/local-postgres.sh"], cwd=ROOT, check=True, capture_output=True,
                             text=True, env={**os.environ, "PG_DATABASE": "vendoreval_load"}
                             ).stdout.strip().splitlines()[-1]
        self.env = {**os.environ, "DATABASE_URL": url, "PORT": str(self.port), "HOST": HOST,
                    "ACCESS_LOG": str(LOGS / "access.log"), "PYTHONUNBUFFERED": "1",
                    "VENDOREVAL_VAR_DIR": str(LOGS / "var")}  # its reports and static files apart, too
        if self.workers:
            self.env["WEB_WORKERS"] = str(self.workers)
        if self.threads:
            self.env["WEB_THREADS"] = str(self.threads)
        (LOGS / "access.log").unlink(missing_ok=True)
        print(f"starting scripts/serve.sh on http://{HOST}:{self.port}/ (log: {LOGS / 'serve.log'})", flush=True)
        with open(LOGS / "serve.log", "w") as log:
            self.serve = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=self.env, stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        while not healthy(self.port):
            if self.serve.poll() is not None:
                raise SystemExit(f"serve.sh exited with {self.serve.returncode}; see {LOGS / 'serve.log'}")
            if time.monotonic() > deadline:
                raise SystemExit("the server did not become healthy within 300 s")
            time.sleep(0.5)
        key = self.env.get("SECRET_KEY") or (ROOT / "var" / "secret_key").read_text().strip()
        self.env.update(SECRET_KEY=key, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")

    def gunicorn_workers(self) -> str:
        """The workers serve.sh started, as it says in its log (not what they should have been)."""
        found = re.search(r"serve: gunicorn, (\d+) worker\(s\) x (\d+) thread\(s\)", (LOGS / "serve.log").read_text())
        if found is None:
            return "the workers serve.sh chose"
        workers, threads = found.groups()
        return f"{workers} sync workers" if threads == "1" else f"{workers} workers × {threads} threads"

    def postmaster_pid(self) -> int | None:
        pid_file = ROOT / "var" / "postgres" / "data" / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None

    def manage_shell(self, code: str, extra_env: dict[str, str]) -> str:
        out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
                             env={**self.env, **extra_env}, check=True, capture_output=True, text=True)
        return out.stdout

    def stop(self) -> None:
        if self.serve is not None and self.serve.poll() is None:
            print("stopping gunicorn and the report worker", flush=True)
            self.serve.send_signal(signal.SIGTERM)  # serve.sh's trap stops gunicorn and db_worker
            try:
                self.serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.serve.pid, signal.SIGKILL)  # the session of the serve.sh started above, nothing else
                self.serve.wait()
        if self.started_pg:
            print("stopping the local PostgreSQL", flush=True)
            subprocess.run(["bash", "scripts/local-postgres.sh", "stop"], cwd=ROOT, check=False)


def run_locust(args, stack: Stack, password: str) -> dict:
    """Locust headless on the locustfile, its output shown and logged; the CPU measured over the measured phase."""
    results = LOGS / "results.json"
    results.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "--host", f"http://{HOST}:{args.port}", "--users", str(args.users),
        "--spawn-rate", f"{args.users / args.ramp if args.ramp else args.users:g}",
        "--run-time", f"{args.ramp + args.duration + 300:.0f}s",  # a bound only: the locustfile ends the run itself
        "--stop-timeout", "5", "--html", str(LOGS / "locust.html"),
        "--load-accounts", str(LOGS / "accounts.json"), "--load-results", str(results),
        "--load-ramp", f"{args.ramp:g}", "--load-duration", f"{args.duration:g}",
        "--load-think-min", f"{args.think_min:g}", "--load-think-max", f"{args.think_max:g}",
        "--load-report-share", f"{0 if args.no_reports else args.report_share:g}", "--load-seed", str(args.seed)]
    env = {**os.environ, "LOAD_PASSWORD": password, "PYTHONUNBUFFERED": "1"}
    meter, cpu = None, None
    with open(LOGS / "locust.log", "w") as log:
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, text=True)
        bound = threading.Timer(args.ramp + args.duration + 420, locust.terminate)  # the Locust started above
        bound.start()
        try:
            for line in locust.stdout:
                print(line, end="", flush=True)
                log.write(line)
                if scenario.PHASE_STARTS in line:
                    meter = machine.CpuMeter(stack.postmaster_pid())
                elif scenario.PHASE_ENDS in line and meter is not None:
                    cpu = meter.stop()
            locust.wait()
        finally:
            bound.cancel()
            if locust.poll() is None:
                locust.terminate()
                locust.wait(timeout=30)
    if not results.exists() or cpu is None:
        raise SystemExit(f"Locust ended (status {locust.returncode}) without a measured phase; "
                         f"see {LOGS / 'locust.log'}")
    return {**json.loads(results.read_text()), "cpu": cpu}


def figures_of(run: dict, args, seeded: dict) -> dict:
    samples, start, seconds = run["samples"], run["start"], run["end"] - run["start"]
    login = [s for s in samples if s["endpoint"] in scenario.LOGIN_ENDPOINTS]
    work = [s for s in samples if s["endpoint"] in scenario.WORK_ENDPOINTS]
    login_rows = figures.rows_of(login, scenario.LOGIN_ENDPOINTS, max(args.ramp, 1.0))
    work_rows = figures.rows_of(work, scenario.WORK_ENDPOINTS, seconds)
    figures.add_server_times(LOGS / "access.log", login_rows + work_rows)
    errors = [s for s in samples if not s["ok"]]
    details = sorted({s["detail"] for s in errors})[:10]
    if run["logged_in"] < run["users"]:
        details.insert(0, f"{run['users'] - run['logged_in']} evaluator(s) could not log in")
    return {
        "work_rows": work_rows, "login_rows": login_rows, "seconds": seconds, "cpu_line": machine.cpu_line(run["cpu"]),
        "work_total": {"requests": len(work), "rps": len(work) / seconds, "errors": sum(not s["ok"] for s in work)},
        "windows": figures.by_window(work, start, args.duration), "logged_in": run["logged_in"],
        "workers": run["workers"],
        "reports_included": bool(run["reports"]),
        "reports_line": figures.report_line(run["reports"], seeded["reports"], args.report_share),
        "notes": figures.verdict(work_rows, len(errors), details), "cpu": run["cpu"],
    }


def record(result: dict, args, versions: dict) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    heading = figures.section_heading(args.users)
    reports = (f"{args.report_share:.0%} of the evaluators also, once, at a random moment in the first 60 % of the "
               "phase, open the report page, request the PDF (htmx POST), poll its status every 2 s as the page does, "
               "and download it once the background worker has rendered it." if result["reports_included"]
               else "Report downloads are not included.")
    method = figures.fill(
        f"`make bench-load` (bench/load/benchmark.py --record) starts the `make serve` stack (scripts/serve.sh: "
        f"gunicorn with {result['workers']}, whitenoise, one django-tasks database worker at nice "
        f"{os.environ.get('TASK_NICE', '10')}, PostgreSQL from scripts/local-postgres.sh with its default settings, "
        f"DEBUG off) on 127.0.0.1 and seeds {args.users} evaluators, each owner of an organisation with one "
        f"evaluation. Locust {versions['locust']} runs the scenario headless (bench/load/locustfile.py, one "
        f"FastHttpUser per evaluator) on the same machine. The evaluators log in over {args.ramp:g} s (login page, "
        f"CSRF token, POST, home page); then all {args.users} work at once for {args.duration:g} s, the measured "
        "phase: open a questionnaire step, autosave 2–5 fields as htmx does (POST with `HX-Request` and "
        "`X-CSRFToken`), view the results page (scoring of every offering with the 2,000-sample sensitivity "
        f"analysis), with a think time of {args.think_min:g}–{args.think_max:g} s between actions (a brisk pace: "
        f"about {args.users / (0.5 * (args.think_min + args.think_max)):.0f} requests/s from {args.users} people). "
        f"{reports} Latency is measured by Locust, from sending the request to reading the last byte; the "
        "percentiles are computed from every request (nearest rank), not from Locust's rounded summary; \"in "
        "worker\" is the time gunicorn logged for the request (`%(M)s`), so the difference is time spent waiting for "
        f"a free worker or CPU. Target: no errors and p95 under {figures.TARGET_MS:.0f} ms for autosaves and results "
        "pages.")
    busiest = f" (busiest: {'; '.join(result['cpu']['top_others'])})" if result["cpu"]["top_others"] else ""
    outcome = ("Result: targets met." if not result["notes"]
               else "Result: targets missed — " + "; ".join(result["notes"]) + ".")
    section = f"""{heading}

{method}

- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}
- Machine: {machine.machine_line(versions)}
- {result['cpu_line']}{busiest}

Measured phase ({result['logged_in']} evaluators at work, {result['seconds']:.0f} s):

{figures.table(result['work_rows'], result['work_total'])}

{figures.fill(f"Throughput {result['work_total']['rps']:.1f} requests/s. {result['windows']}. "
              f"{result['reports_line']}")}

{figures.fill(f"Log-in phase ({args.users} log-ins over {args.ramp:g} s; the password hash, PBKDF2 with Django's "
              "default 1,000,000 iterations, is slow on purpose):")}

{figures.table(result['login_rows'])}

{figures.fill(outcome + (" " + args.note if args.note else ""))}
"""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(figures.replace_section(text, heading, section))
    print(f"recorded in {path.relative_to(ROOT)} under {heading!r}")


def print_result(result: dict, args) -> None:
    print("\nfigures from every request (exact nearest-rank percentiles; Locust's table above rounds them)")
    print(f"\nlog-in phase ({args.users} over {args.ramp:g} s):\n{figures.table(result['login_rows'])}")
    print(f"\nmeasured phase ({result['logged_in']} evaluators, {result['seconds']:.1f} s):\n"
          f"{figures.table(result['work_rows'], result['work_total'])}")
    print(f"\nthroughput {result['work_total']['rps']:.1f} requests/s")
    print(result["cpu_line"])
    if result["cpu"]["top_others"]:
        print("busiest processes outside the benchmark: " + "; ".join(result["cpu"]["top_others"]))
    print(result["windows"])
    print(result["reports_line"])
    print("targets met" if not result["notes"] else "targets missed:\n  " + "\n  ".join(result["notes"]))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated evaluators (1-200; default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of the measured phase (max 600; 60)")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the evaluators log in (10)")
    parser.add_argument("--think-min", type=float, default=1.0, help="shortest pause between actions, s (1)")
    parser.add_argument("--think-max", type=float, default=3.0, help="longest pause between actions, s (3)")
    parser.add_argument("--port", type=int, default=8001, help="gunicorn port on 127.0.0.1 (8001)")
    parser.add_argument("--web-workers", type=int, help="gunicorn workers (default: serve.sh's 2 x cores + 1)")
    parser.add_argument("--web-threads", type=int, help="threads per gunicorn worker (default 1)")
    parser.add_argument("--report-share", type=float, default=0.2,
                        help="share of the evaluators who also request and download a report (0.2)")
    parser.add_argument("--no-reports", action="store_true", help="leave reports out")
    parser.add_argument("--seed", type=int, default=20261125, help="random seed of the evaluators' choices")
    parser.add_argument("--wait-idle", type=float, default=300,
                        help="wait up to this many seconds for the machine to be idle before starting (300)")
    parser.add_argument("--record", action="store_true",
                        help="write the result into docs/benchmarks.md (only if other processes stayed quiet)")
    parser.add_argument("--note", default="", help="a remark to record under the result (with --record)")
    parser.add_argument("--max-other-cpu", type=float, default=0.10,
                        help="--record refuses a run in which processes outside the benchmark took more than this "
                             "share of the CPUs (0.10); the share is recorded either way")
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 0 < args.duration <= 600 and 0 <= args.ramp <= 120
            and 0 <= args.think_min <= args.think_max <= 60 and 0 <= args.report_share <= 1):
        parser.error("bounded runs only: 1-200 users, up to 600 s of load and 120 s of ramp")
    if healthy(args.port):  # refuse to share the port with something already listening there
        parser.error(f"something already listens on {HOST}:{args.port}; stop it or pass --port")
    return args


def main() -> int:
    args = parse_args()
    machine.wait_for_idle(args.wait_idle)
    stack = Stack(args.port, args.web_workers, args.web_threads)
    try:
        stack.start()
        password = secrets.token_urlsafe(18)
        print(f"seeding {args.users} evaluators", flush=True)
        seed_out = stack.manage_shell((HERE / "seed.py").read_text(),
                                      {"LOAD_USERS": str(args.users), "LOAD_PASSWORD": password})
        seeded = json.loads(next(line for line in seed_out.splitlines() if line.startswith("SEED_JSON="))[10:])
        (LOGS / "accounts.json").write_text(json.dumps(seeded))
        versions = json.loads(stack.manage_shell(
            "import json, django, gunicorn; from django.db import connection; c = connection.cursor(); "
            "c.execute('SHOW server_version'); print(json.dumps({'postgresql': c.fetchone()[0], "
            "'django': django.get_version(), 'gunicorn': gunicorn.__version__}))", {}).strip().splitlines()[-1])
        versions["locust"] = importlib.metadata.version("locust")  # not imported here: it patches the stdlib (gevent)
        run = {**run_locust(args, stack, password), "workers": stack.gunicorn_workers()}
    finally:
        stack.stop()

    result = figures_of(run, args, seeded)
    print_result(result, args)
    if args.record and result["cpu"]["other"] > args.max_other_cpu:
        print(f"not recorded: processes outside the benchmark took {result['cpu']['other']:.0%} of the CPUs "
              f"(more than {args.max_other_cpu:.0%}); run it again when the machine is quiet")
        return 2
    if args.record:
        record(result, args, versions)
    return 0 if not result["notes"] else 1


if __name__ == "__main__":
    sys.exit(main())
