"""Load benchmark: simulated evaluators against `make serve` (gunicorn + PostgreSQL, DEBUG off) on 127.0.0.1.

Run from the repository root:  .venv/bin/python bench/load/run.py [--users 50] [--duration 60] [--record]

What it does, and undoes:
1. starts the local PostgreSQL (scripts/local-postgres.sh) unless it already runs, with a database of its own
   (vendoreval_load), then the production-like stack (scripts/serve.sh: migrate, catalog, collectstatic, gunicorn and
   the report worker) on 127.0.0.1:--port;
2. seeds --users evaluators (bench/load/seed.py through `manage.py shell`): each owns an organisation with one
   evaluation; the password is random per run;
3. log-in phase: the evaluators log in one after another over --ramp seconds (login page, CSRF token, POST, home);
4. measured phase, --duration seconds with all evaluators at work at once: each repeatedly opens a questionnaire
   step, autosaves 2-5 fields the way htmx does (POST with HX-Request and X-CSRFToken headers) and views the results
   page, with a think time between actions; --report-share of them also, once and at a random moment, request a PDF
   report, poll its status as the page does and download it;
5. prints throughput, p50/p95/p99 latency and errors per endpoint, checks the targets (no errors; p95 < 300 ms for
   autosaves and results pages), and with --record writes the section "## Load (make serve, 50 evaluators)" of
   docs/benchmarks.md;
6. stops gunicorn, the worker and the PostgreSQL server it started, also on Ctrl-C or failure.

Bounded: at most 200 evaluators and 600 s, on 127.0.0.1 only. Only the standard library: one thread and one
http.client connection per evaluator, cookies kept by hand (Django's cookies are Secure with DEBUG off; browsers send
them to http://127.0.0.1, Python's cookie jar would not). The generator runs on the same machine as the server and
takes some of its CPU. The machine may be shared with other work: the script waits for it to be idle before it starts
and reports how much CPU other processes took during the measured phase.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"  # never anything else: this generator is for the local machine only
SECTION = "## Load (make serve, 50 evaluators)"
TARGET_MS = 300.0
TARGETED = ("autosave field", "results page")
MAX_OTHER_CPU = 0.10  # --record refuses runs in which other processes took more of the CPUs than this
LOGIN_ENDPOINTS = ("login page", "log in", "home")
WORK_ENDPOINTS = ("questionnaire page", "autosave field", "results page", "report page", "request report",
                  "report status (poll)", "download report")

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
REPORT_ID = re.compile(r'/report/([^/"]+)/(?:status|pdf)/')


# --- the stack ------------------------------------------------------------------------------------------------------


class Stack:
    """PostgreSQL (when not already running), then serve.sh in its own session; stopped in reverse order."""

    def __init__(self, port: int, workers: int | None, threads: int | None, logs: Path):
        self.port, self.workers, self.threads, self.logs = port, workers, threads, logs
        self.serve: subprocess.Popen | None = None
        self.started_pg = False
        self.env: dict[str, str] = {}

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        pg_status = subprocess.run(["bash", "scripts/local-postgres.sh", "status"], cwd=ROOT, capture_output=True,
                                   check=False)
        self.started_pg = pg_status.returncode != 0
        # Its own database on the local server: the seeded evaluators never mix with `make serve`'s data.
        url = subprocess.run(["bash", "scripts/local-postgres.sh"], cwd=ROOT, check=True, capture_output=True,
                             text=True, env={**os.environ, "PG_DATABASE": "vendoreval_load"}
                             ).stdout.strip().splitlines()[-1]
        self.env = {**os.environ, "DATABASE_URL": url, "PORT": str(self.port), "HOST": HOST,
                    "ACCESS_LOG": str(self.logs / "access.log"), "PYTHONUNBUFFERED": "1",
                    "VENDOREVAL_VAR_DIR": str(self.logs / "var")}  # its reports and static files apart, too
        if self.workers:
            self.env["WEB_WORKERS"] = str(self.workers)
        if self.threads:
            self.env["WEB_THREADS"] = str(self.threads)
        (self.logs / "access.log").unlink(missing_ok=True)
        print(f"starting scripts/serve.sh on http://{HOST}:{self.port}/ (log: {self.logs / 'serve.log'})", flush=True)
        with open(self.logs / "serve.log", "w") as log:
            self.serve = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=self.env, stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.serve.poll() is not None:
                raise SystemExit(f"serve.sh exited with {self.serve.returncode}; see {self.logs / 'serve.log'}")
            try:
                if request("GET", self.port, "/health/", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not become healthy within 300 s")
        key = self.env.get("SECRET_KEY") or (ROOT / "var" / "secret_key").read_text().strip()
        self.env.update(SECRET_KEY=key, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")

    def manage_shell(self, code: str, extra_env: dict[str, str]) -> str:
        out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
                             env={**self.env, **extra_env}, check=True, capture_output=True, text=True)
        return out.stdout

    def stop(self) -> None:
        if self.serve is not None and self.serve.poll() is None:
            print("stopping gunicorn and the report worker", flush=True)
            self.serve.send_signal(signal.SIGTERM)  # serve.sh's trap stops gunicorn and the report worker
            try:
                self.serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.serve.pid, signal.SIGKILL)  # the session of the serve.sh started above, nothing else
                self.serve.wait()
        if self.started_pg:
            print("stopping the local PostgreSQL", flush=True)
            subprocess.run(["bash", "scripts/local-postgres.sh", "stop"], cwd=ROOT, check=False)


# --- one simulated evaluator ------------------------------------------------------------------------------------------


def request(method: str, port: int, path: str, *, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30, conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        if own:
            conn.close()


@dataclasses.dataclass
class Sample:
    endpoint: str
    started: float  # perf_counter
    ms: float
    ok: bool
    detail: str = ""


class Evaluator:
    """One simulated evaluator: a connection, a cookie dict and the evaluation it works on."""

    def __init__(self, account: dict, password: str, fields: dict, port: int, think: tuple[float, float],
                 rng: random.Random, wants_report: bool):
        self.account, self.password, self.fields, self.port = account, password, fields, port
        self.think, self.rng, self.wants_report = think, rng, wants_report
        self.cookies: dict[str, str] = {}
        self.csrf_header = ""
        self.samples: list[Sample] = []
        self.report_seconds: float | None = None  # from the request to the PDF being ready
        self.report_outcome = ""
        self.stop_at = self.report_at = 0.0
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.base = f"/o/{account['org']}/e/{account['slug']}/"
        self.origin = f"http://{HOST}:{port}"

    def call(self, endpoint: str, method: str, path: str, *, form: list[tuple[str, str]] | None = None,
             headers: dict | None = None, expect: int = 200):
        """One timed request; the response (status, headers, body), or None after an error (recorded)."""
        sent = {"Host": f"{HOST}:{self.port}", "User-Agent": "vendoreval-load/1", "Accept": "text/html"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            status, response_headers, data = request(method, self.port, path, body=body, headers=sent,
                                                     conn=self.conn)
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.samples.append(Sample(endpoint, started, 1000 * (time.perf_counter() - started), False,
                                       f"{type(exc).__name__}: {exc}"))
            return None
        ms = 1000 * (time.perf_counter() - started)
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or cookie_value in ('""', ""):
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie_value
        ok = status == expect
        self.samples.append(Sample(endpoint, started, ms, ok, "" if ok else f"HTTP {status} {endpoint}"))
        return (status, response_headers, data) if ok else None

    def fail_last(self, detail: str) -> None:
        self.samples[-1].ok, self.samples[-1].detail = False, detail

    def pause(self) -> None:
        time.sleep(max(0.0, min(self.rng.uniform(*self.think), self.stop_at - time.perf_counter())))

    def running(self) -> bool:
        return time.perf_counter() < self.stop_at

    def login(self) -> bool:
        page = self.call("login page", "GET", "/accounts/login/")
        if page is None or not (match := CSRF_INPUT.search(page[2].decode())):
            return False
        done = self.call("log in", "POST", "/accounts/login/", expect=302, form=[
            ("csrfmiddlewaretoken", match.group(1)), ("username", self.account["username"]),
            ("password", self.password), ("next", "")])
        if done is None or "sessionid" not in self.cookies:
            if done is not None:
                self.fail_last("log in: no session cookie")
            return False
        return self.call("home", "GET", "/") is not None

    def answer(self) -> tuple[str, list[str]]:
        """A valid value for a random questionnaire field, as the browser would post it."""
        f, rng = self.fields, self.rng
        kind = rng.choices(["sector", "classification", "use_cases", "regulations", "must_have", "weight", "seal",
                            "own_hosting"], weights=[1, 1, 2, 1, 4, 3, 2, 1])[0]
        if kind == "sector":
            return "sector", [rng.choice(f["sector"])]
        if kind == "classification":
            return "classification", [rng.choice(f["classification"])]
        if kind == "use_cases":
            return "use_cases", [f"Assistant for case handlers, draft {rng.randint(1, 10**6)}; summarising files."]
        if kind == "regulations":
            return "regulations", rng.sample(f["regulations"], rng.randint(0, len(f["regulations"])))
        if kind == "must_have" and f["must_have"]:
            return f"must_have:{rng.choice(f['must_have'])}", [rng.choice(["", "1", "2", "3"])]
        if kind == "seal" and f["seal"]:
            return f"seal:{rng.choice(f['seal'])}", [rng.choice(["", "1", "2", "3"])]
        if kind == "own_hosting" and f["own_hosting"]:
            return f"own_hosting:{rng.choice(f['own_hosting'])}", [str(rng.randint(2, 4))]
        return f"weight:{rng.choice(f['weight'])}", [str(rng.randint(5, 30))]

    def report(self) -> None:
        """What the report page does: request the PDF (htmx POST), poll its status every 2 s, download it when ready."""
        self.pause()
        page = self.call("report page", "GET", f"{self.base}report/")
        if page is None:
            self.report_outcome = "error"
            return
        token = CSRF_HEADER.search(page[2].decode())
        self.pause()
        requested_at = time.perf_counter()
        fragment = self.call("request report", "POST", f"{self.base}report/", form=[],
                             headers={"HX-Request": "true", "X-CSRFToken": token.group(1) if token else ""})
        while fragment is not None:
            html = fragment[2].decode()
            document = REPORT_ID.search(html)
            if document is None or "badge bad" in html:
                self.fail_last("the report failed or has no document id")
                self.report_outcome = "error"
                return
            if f"/report/{document.group(1)}/pdf/" in html:  # ready: the fragment offers the download
                self.report_seconds = time.perf_counter() - requested_at
                pdf = self.call("download report", "GET", f"{self.base}report/{document.group(1)}/pdf/")
                if pdf is not None and not pdf[2].startswith(b"%PDF"):
                    self.fail_last("the download is not a PDF")
                self.report_outcome = "downloaded" if pdf is not None and self.samples[-1].ok else "error"
                return
            if time.perf_counter() + 2 > self.stop_at:
                self.report_outcome = "not ready by the end"
                return
            time.sleep(2)  # htmx polls every 2 s
            fragment = self.call("report status (poll)", "GET", f"{self.base}report/{document.group(1)}/status/",
                                 headers={"HX-Request": "true"})
        self.report_outcome = "error"

    def work(self, start_at: float, stop_at: float) -> None:
        """The measured phase: questionnaire steps, autosaves and results pages until stop_at."""
        self.stop_at = stop_at
        # Reports are asked for at random moments, not all at once, and early enough to be ready before the end.
        self.report_at = start_at + self.rng.uniform(0, 0.6) * (stop_at - start_at)
        time.sleep(max(0.0, start_at - time.perf_counter()))
        steps = ["organisation", "jurisdictions", "deployment", "requirements", "weights"]
        try:
            while self.running():
                self.pause()
                page = self.call("questionnaire page", "GET", f"{self.base}questionnaire/{self.rng.choice(steps)}/")
                if page is None:
                    continue
                if match := CSRF_HEADER.search(page[2].decode()):
                    self.csrf_header = match.group(1)
                for _ in range(self.rng.randint(2, 5)):
                    self.pause()
                    if not self.running():
                        return
                    field, values = self.answer()
                    self.call("autosave field", "POST", f"{self.base}field/{field}/",
                              form=[(field, v) for v in values],
                              headers={"HX-Request": "true", "HX-Current-URL": self.origin + self.base,
                                       "X-CSRFToken": self.csrf_header})
                self.pause()
                if self.running():
                    self.call("results page", "GET", self.base)
                if self.wants_report and not self.report_outcome and time.perf_counter() >= self.report_at:
                    self.report()
        finally:
            self.conn.close()


# --- the machine: is it shared? ------------------------------------------------------------------------------------


TICK = os.sysconf("SC_CLK_TCK")


def cpu_busy() -> float:
    """CPU-seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / TICK


def busy_share(seconds: float) -> float:
    """Share of all cores busy over the next `seconds`."""
    before = cpu_busy()
    time.sleep(seconds)
    return (cpu_busy() - before) / (seconds * (os.cpu_count() or 1))


def process_ticks() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, own CPU ticks, ticks of its reaped children), for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        numbers = [int(v) for v in after_name[11:15]]  # utime, stime, cutime, cstime
        table[int(entry.name)] = (int(after_name[1]), numbers[0] + numbers[1], numbers[2] + numbers[3])
    return table


def descendants(table: dict[int, tuple[int, int, int]], roots: set[int]) -> set[int]:
    mine, grew = set(roots) & set(table), True
    while grew:
        more = {pid for pid, row in table.items() if row[0] in mine} - mine
        grew, mine = bool(more), mine | more
    return mine


def command_of(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def role_of(pid: int) -> str:
    if pid == os.getpid():
        return "generator"
    command = command_of(pid)
    for needle, role in (("gunicorn", "gunicorn"), ("report_worker", "report worker"), ("db_worker", "report worker"),
                         ("postgres", "PostgreSQL")):
        if needle in command:
            return role
    return "other"


class CpuMeter:
    """CPU used during the measured phase: by the machine, by the benchmark's processes, and by the rest."""

    def __init__(self):
        pid_file = ROOT / "var" / "postgres" / "data" / "postmaster.pid"
        self.roots = {os.getpid()}
        if pid_file.exists():
            self.roots.add(int(pid_file.read_text().split()[0]))
        self.start_busy, self.start_ticks, self.started = cpu_busy(), process_ticks(), time.perf_counter()

    def stop(self) -> dict:
        busy, ticks, wall = cpu_busy() - self.start_busy, process_ticks(), time.perf_counter() - self.started
        capacity = wall * (os.cpu_count() or 1)
        mine = descendants(ticks, self.roots)
        roles: dict[str, float] = {}
        for pid in mine:  # own time plus reaped children (PostgreSQL backends that ended are in the postmaster's)
            before = self.start_ticks.get(pid, (0, 0, 0))
            used = (ticks[pid][1] + ticks[pid][2] - before[1] - before[2]) / TICK
            roles[role_of(pid)] = roles.get(role_of(pid), 0.0) + used
        own = sum(roles.values())
        others = sorted(((ticks[pid][1] - self.start_ticks.get(pid, (0, 0, 0))[1]) / TICK, pid)
                        for pid in ticks if pid not in mine)[::-1][:3]
        return {"busy": busy / capacity, "bench": own / capacity, "other": max(0.0, busy - own) / capacity,
                "roles": {name: used / capacity for name, used in sorted(roles.items(), key=lambda kv: -kv[1])},
                "top_others": [f"{command_of(pid)[:60]} ({used:.1f} CPU-s)" for used, pid in others if used > 0.5]}


# --- figures ----------------------------------------------------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    rank = max(1, round(p / 100 * len(sorted_ms)))  # nearest rank
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def rows_of(samples: list[Sample], endpoints: tuple[str, ...], seconds: float) -> list[dict]:
    rows = []
    for endpoint in endpoints:
        mine = [s for s in samples if s.endpoint == endpoint]
        if mine:
            ms = sorted(s.ms for s in mine)
            rows.append({"endpoint": endpoint, "requests": len(mine), "rps": len(mine) / seconds,
                         "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
                         "max": ms[-1], "errors": sum(not s.ok for s in mine)})
    return rows


ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) .* (\d+)ms$')


def endpoint_of(method: str, path: str) -> str | None:
    if path.startswith("/accounts/login/"):
        return "login page" if method == "GET" else "log in"
    if path == "/":
        return "home"
    if "/questionnaire/" in path:
        return "questionnaire page"
    if "/field/" in path:
        return "autosave field"
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


def by_window(samples: list[Sample], start: float, duration: float, width: int = 10) -> str:
    """p95 of the targeted endpoints per 10-s window: shows whether slow requests cluster."""
    cells = []
    for low in range(0, int(duration), width):
        ms = sorted(s.ms for s in samples if s.endpoint in TARGETED and low <= s.started - start < low + width)
        cells.append(f"{low}–{low + width} s: {percentile(ms, 95):.0f}")
    return "p95 ms of autosaves and results pages per 10 s: " + ", ".join(cells)


def report_line(reports: list[tuple[str, float | None]], available: bool, share: float) -> str:
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


def cpu_line(cpu: dict) -> str:
    roles = ", ".join(f"{name} {share:.0%}" for name, share in cpu["roles"].items() if name != "other")
    return (f"CPU in the measured phase: {cpu['busy']:.0%} of {os.cpu_count()} cores busy; the benchmark's processes "
            f"{cpu['bench']:.0%} ({roles}); processes outside the benchmark {cpu['other']:.0%}")


def machine(versions: dict) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} CPUs ({model}), {mem_kb / 1024 / 1024:.1f} GiB RAM, {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}, PostgreSQL {versions['postgresql']}, "
            f"Django {versions['django']}, gunicorn {versions['gunicorn']}")


def verdict(work_rows: list[dict], errors: int, details: list[str]) -> list[str]:
    notes = [f"{errors} error(s): {'; '.join(details)}"] if errors else []
    for r in work_rows:
        if r["endpoint"] in TARGETED and not r["p95"] < TARGET_MS:
            notes.append(f"{r['endpoint']}: p95 {r['p95']:.0f} ms is not under {TARGET_MS:.0f} ms")
    return notes


def record(result: dict, args, versions: dict) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    fill = functools.partial(textwrap.fill, width=118, break_on_hyphens=False, break_long_words=False)
    reports = (f"{args.report_share:.0%} of the evaluators also, once, at a random moment in the first 60 % of the "
               "phase, open the report page, request the PDF (htmx POST), poll its status every 2 s as the page does, "
               "and download it once the background worker has rendered it." if result["reports_included"]
               else "Report downloads are not included.")
    method = fill(
        f"`.venv/bin/python bench/load/run.py --record` starts the `make serve` stack (scripts/serve.sh: gunicorn with "
        f"{result['workers']}, whitenoise, one report worker (django-tasks database worker) at nice "
        f"{os.environ.get('TASK_NICE', '10')}, "
        f"PostgreSQL from scripts/local-postgres.sh with its default settings, DEBUG off) on 127.0.0.1 and seeds "
        f"{args.users} evaluators, each owner of an organisation with one evaluation. The evaluators log in one after "
        f"another over {args.ramp:g} s (login page, CSRF token, POST, home page); then all {args.users} work at once "
        f"for {args.duration:g} s, the measured phase: open a questionnaire step, autosave 2–5 fields as htmx does "
        "(POST with `HX-Request` and `X-CSRFToken`), view the results page (scoring of every offering with the "
        f"2,000-sample sensitivity analysis), with a think time of {args.think_min:g}–{args.think_max:g} s between "
        f"actions (a brisk pace: about {args.users / (0.5 * (args.think_min + args.think_max)):.0f} requests/s from "
        f"{args.users} people). {reports} The generator (bench/load/run.py, stdlib threads) runs on the same "
        "machine. Latency is measured by the client, from sending the request to reading the last byte; \"in "
        "worker\" is the time gunicorn logged for the request (`%(M)s`), so the difference is time spent waiting for "
        f"a free worker or CPU. Target: no errors and p95 under {TARGET_MS:.0f} ms for autosaves and results pages.")
    busiest = f" (busiest: {'; '.join(result['cpu']['top_others'])})" if result["cpu"]["top_others"] else ""
    outcome = ("Result: targets met." if not result["notes"]
               else "Result: targets missed — " + "; ".join(result["notes"]) + ".")
    section = f"""{SECTION}

{method}

- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}
- Machine: {machine(versions)}
- {result['cpu_line']}{busiest}

Measured phase ({args.users} evaluators at work, {result['seconds']:.0f} s):

{table(result['work_rows'], result['work_total'])}

{fill(f"Throughput {result['work_total']['rps']:.1f} requests/s. {result['windows']}. {result['reports_line']}")}

{fill(f"Log-in phase ({args.users} log-ins over {args.ramp:g} s; the password hash, PBKDF2 with Django's default "
      "1,000,000 iterations, is slow on purpose):")}

{table(result['login_rows'])}

{fill(outcome + (" " + args.note if args.note else ""))}
"""
    if SECTION in text:
        start = text.index(SECTION)
        following = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[following + 1:] if following != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"recorded in {path.relative_to(ROOT)}")


# --- main -------------------------------------------------------------------------------------------------------------


def wait_for_idle(limit: float) -> None:
    """Other work on a shared machine would distort the figures: wait (up to `limit` s) for two idle readings."""
    deadline, idle_readings = time.monotonic() + limit, 0
    while idle_readings < 2:
        share = busy_share(3)
        idle_readings = idle_readings + 1 if share <= 0.2 else 0
        if idle_readings == 0:
            if time.monotonic() > deadline:
                print(f"warning: starting on a busy machine ({share:.0%} of the CPUs busy)", flush=True)
                return
            print(f"the machine is busy ({share:.0%} of {os.cpu_count()} CPUs); waiting for it to settle", flush=True)
            time.sleep(5)


def main() -> int:
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
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 0 < args.duration <= 600 and 0 <= args.ramp <= 120
            and 0 <= args.think_min <= args.think_max <= 60 and 0 <= args.report_share <= 1):
        parser.error("bounded runs only: 1-200 users, up to 600 s of load and 120 s of ramp")
    try:  # refuse to share the port with something already listening there
        request("GET", args.port, "/health/", timeout=1)
        parser.error(f"something already listens on {HOST}:{args.port}; stop it or pass --port")
    except OSError:
        pass
    wait_for_idle(args.wait_idle)

    stack = Stack(args.port, args.web_workers, args.web_threads, ROOT / "var" / "load")
    try:
        stack.start()
        password = secrets.token_urlsafe(18)
        print(f"seeding {args.users} evaluators", flush=True)
        seed_out = stack.manage_shell((ROOT / "bench" / "load" / "seed.py").read_text(),
                                      {"LOAD_USERS": str(args.users), "LOAD_PASSWORD": password})
        seeded = json.loads(next(line for line in seed_out.splitlines() if line.startswith("SEED_JSON="))[10:])
        versions = json.loads(stack.manage_shell(
            "import json, django, gunicorn; from django.db import connection; c = connection.cursor(); "
            "c.execute('SHOW server_version'); print(json.dumps({'postgresql': c.fetchone()[0], "
            "'django': django.get_version(), 'gunicorn': gunicorn.__version__}))", {}).strip().splitlines()[-1])
        reports_included = seeded["reports"] and not args.no_reports and args.report_share > 0
        reporters = round(args.report_share * args.users) if reports_included else 0
        rng = random.Random(args.seed)
        evaluators = [Evaluator(account, password, seeded["fields"], args.port, (args.think_min, args.think_max),
                                random.Random(rng.random()), wants_report=n < reporters)
                      for n, account in enumerate(seeded["accounts"])]

        print(f"log-in phase: {args.users} evaluators over {args.ramp:g} s", flush=True)
        login_start = time.perf_counter()
        logged_in: list[Evaluator] = []
        lock = threading.Lock()

        def log_in(evaluator: Evaluator, at: float) -> None:
            time.sleep(max(0.0, at - time.perf_counter()))
            if evaluator.login():
                with lock:
                    logged_in.append(evaluator)

        threads = [threading.Thread(target=log_in, args=(e, login_start + args.ramp * i / len(evaluators)))
                   for i, e in enumerate(evaluators)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.ramp + 120)

        print(f"measured phase: {len(logged_in)} evaluators at work for {args.duration:g} s (think "
              f"{args.think_min:g}-{args.think_max:g} s) on http://{HOST}:{args.port}/", flush=True)
        meter = CpuMeter()
        start = time.perf_counter()
        stop_at = start + args.duration
        threads = [threading.Thread(target=e.work, args=(start, stop_at), daemon=True) for e in logged_in]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, stop_at - time.perf_counter() + 60))
        seconds = time.perf_counter() - start
        cpu = meter.stop()
        reports = [(e.report_outcome or "not requested in time", e.report_seconds) for e in evaluators
                   if e.wants_report]
    finally:
        stack.stop()

    samples = [s for e in evaluators for s in e.samples]
    with open(stack.logs / "samples.json", "w") as out:  # every request, for a closer look
        json.dump([{**dataclasses.asdict(s), "started": s.started - start} for s in samples], out)
    work = [s for s in samples if s.endpoint in WORK_ENDPOINTS]
    login_rows = rows_of(samples, LOGIN_ENDPOINTS, max(args.ramp, 1.0))
    work_rows = rows_of(work, WORK_ENDPOINTS, seconds)
    add_server_times(stack.logs / "access.log", login_rows + work_rows)
    errors = [s for s in samples if not s.ok]
    details = sorted({s.detail for s in errors})[:10]
    if len(logged_in) < len(evaluators):
        details.insert(0, f"{len(evaluators) - len(logged_in)} evaluator(s) could not log in")
    workers = (f"{args.web_workers or 2 * (os.cpu_count() or 1) + 1} sync workers" if (args.web_threads or 1) == 1
               else f"{args.web_workers or 2 * (os.cpu_count() or 1) + 1} workers × {args.web_threads} threads")
    result = {
        "work_rows": work_rows, "login_rows": login_rows, "seconds": seconds, "cpu": cpu, "cpu_line": cpu_line(cpu),
        "work_total": {"requests": len(work), "rps": len(work) / seconds, "errors": sum(not s.ok for s in work)},
        "windows": by_window(work, start, args.duration), "workers": workers, "reports_included": reports_included,
        "reports_line": report_line(reports, seeded["reports"], args.report_share),
        "notes": verdict(work_rows, len(errors), details) + ([details[0]] if len(logged_in) < len(evaluators) else []),
    }

    print(f"\nlog-in phase ({args.users} over {args.ramp:g} s):\n{table(login_rows)}")
    print(f"\nmeasured phase ({len(logged_in)} evaluators, {seconds:.1f} s):\n{table(work_rows, result['work_total'])}")
    print(f"\nthroughput {result['work_total']['rps']:.1f} requests/s; errors {len(errors)}")
    print(result["cpu_line"])
    if cpu["top_others"]:
        print("busiest processes outside the benchmark: " + "; ".join(cpu["top_others"]))
    print(result["windows"])
    print(result["reports_line"])
    print("targets met" if not result["notes"] else "targets missed:\n  " + "\n  ".join(result["notes"]))
    if args.record and cpu["other"] > MAX_OTHER_CPU:
        print(f"not recorded: processes outside the benchmark took {cpu['other']:.0%} of the CPUs "
              f"(more than {MAX_OTHER_CPU:.0%}); run it again when the machine is quiet")
        return 2
    if args.record:
        record(result, args, versions)
    return 0 if not result["notes"] else 1


if __name__ == "__main__":
    sys.exit(main())
