"""The load benchmark's scenario for Locust: evaluators at work in VendorEval, one FastHttpUser each.

bench/load/benchmark.py (`make bench-load`) starts the stack, seeds the accounts (bench/load/seed.py) and runs this file
headless, as in:

    LOAD_PASSWORD=... locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8001 -u 50 -r 5 \
        --load-accounts var/load/accounts.json --load-results var/load/results.json

1. Log-in phase: Locust spawns the evaluators over --load-ramp seconds (--spawn-rate is users / ramp; within each
   second the log-ins are spread evenly); each opens the login page, takes the CSRF token from the form, posts its
   credentials and opens the home page.
2. Measured phase: once every evaluator has logged in (or failed to), all of them work at once for --load-duration
   seconds: open a questionnaire step, autosave 2-5 fields the way htmx does (POST with HX-Request and X-CSRFToken
   headers), view the results page, with a think time between actions. --load-report-share of them also, once and at
   a random moment in the first 60 % of the phase, open the report page, request the PDF (htmx POST), poll its status
   every 2 s as the page does and download it. After the phase the evaluators stop by themselves and Locust quits.

Every request Locust reports (endpoint, start, time to the last byte, failure) goes into --load-results with the phase's
start and end and the reports' outcomes; the wrapper computes the figures from them. Django's session and CSRF cookies
are Secure with DEBUG off: browsers send them to http://127.0.0.1 (a secure context), Python's cookie jar sends them
over https only, so each evaluator's jar follows the browsers on loopback (LoopbackSecureCookies). Only loopback
hosts are accepted. FastHttpUser (geventhttpclient) rather than HttpUser (requests): it takes less of the CPU that the
generator shares with the server, and keeps one cookie jar per user whose policy can be set.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import os
import random
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import FastHttpUser, events, task
from locust.exception import StopUser

# bench/load/scenario.py: Locust puts this file's folder on sys.path while it imports it.
from scenario import CSRF_HEADER, CSRF_INPUT, PHASE_ENDS, PHASE_STARTS, REPORT_ID, STEPS, answer

logger = logging.getLogger("load")


def is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class LoopbackSecureCookies(DefaultCookiePolicy):
    """Send Secure cookies to loopback over plain HTTP, as browsers do (http://127.0.0.1 is a secure context)."""

    def return_ok_secure(self, cookie, request) -> bool:
        return is_loopback(urlsplit(request.get_full_url()).hostname) or super().return_ok_secure(cookie, request)


class Run:
    """What the evaluators of one run share: accounts, options, the phase's start and end, samples and outcomes."""

    def __init__(self, options, users: int):
        self.accounts_file = json.loads(Path(options.load_accounts).read_text())
        self.accounts = self.accounts_file["accounts"]
        self.fields = self.accounts_file["fields"]
        if users > len(self.accounts):
            raise SystemExit(f"{users} users but only {len(self.accounts)} seeded accounts in {options.load_accounts}")
        self.password = os.environ["LOAD_PASSWORD"]
        self.users, self.results = users, Path(options.load_results)
        self.ramp, self.duration, self.seed = options.load_ramp, options.load_duration, options.load_seed
        self.think = (options.load_think_min, options.load_think_max)
        self.reporters = round(options.load_report_share * users) if self.accounts_file.get("reports") else 0
        self.numbers = itertools.count()
        self.ramp_start = time.time()
        self.logins_done = self.logged_in = 0
        self.all_in, self.go = Event(), Event()
        self.start = self.stop_at = self.end = 0.0
        self.samples: list[dict] = []
        self.reports: dict[int, tuple[str, float | None]] = {}

    def login_done(self, ok: bool) -> None:
        self.logins_done += 1
        self.logged_in += ok
        if self.logins_done == self.users:
            self.all_in.set()

    def write(self) -> None:
        reports = [self.reports.get(n, ("not requested in time", None)) for n in range(self.reporters)]
        self.results.write_text(json.dumps({
            "users": self.users, "logged_in": self.logged_in, "ramp_start": self.ramp_start, "start": self.start,
            "end": self.end or time.time(), "reports": reports, "samples": self.samples}))


RUN: Run | None = None


@events.init_command_line_parser.add_listener
def _options(parser, **_kwargs) -> None:
    group = parser.add_argument_group("VendorEval load benchmark (bench/load/benchmark.py sets these)")
    group.add_argument("--load-accounts", default="", help="seeded accounts, the JSON that bench/load/seed.py prints")
    group.add_argument("--load-results", default="var/load/results.json", help="where to write every request")
    group.add_argument("--load-ramp", type=float, default=10, help="seconds over which the evaluators log in")
    group.add_argument("--load-duration", type=float, default=60, help="seconds of the measured phase")
    group.add_argument("--load-think-min", type=float, default=1.0, help="shortest pause between actions, s")
    group.add_argument("--load-think-max", type=float, default=3.0, help="longest pause between actions, s")
    group.add_argument("--load-report-share", type=float, default=0.2, help="share of evaluators who make a report")
    group.add_argument("--load-seed", type=int, default=20261125, help="random seed of the evaluators' choices")


@events.init.add_listener
def _init(environment, **_kwargs) -> None:
    global RUN
    options = environment.parsed_options
    if options is None or not options.load_accounts:
        raise SystemExit("bench/load/locustfile.py needs --load-accounts; run it through bench/load/benchmark.py")
    if not is_loopback(urlsplit(environment.host or "").hostname):
        raise SystemExit(f"--host must be a loopback address (http://127.0.0.1:PORT), not {environment.host!r}")
    RUN = Run(options, options.num_users)


@events.request.add_listener
def _sample(name, response_time, exception=None, start_time=None, **_kwargs) -> None:
    RUN.samples.append({"endpoint": name, "started": start_time, "ms": response_time, "ok": exception is None,
                        "detail": "" if exception is None else f"{name}: {exception}"[:300]})


@events.test_start.add_listener
def _test_start(environment, **_kwargs) -> None:
    RUN.ramp_start = time.time()
    gevent.spawn(_conduct, environment)


@events.quitting.add_listener
def _quitting(**_kwargs) -> None:
    RUN.write()


def _conduct(environment) -> None:
    """Start the measured phase when every evaluator has logged in; end it, and the run, when its time is up."""
    run = RUN
    if not run.all_in.wait(timeout=run.ramp + 120):
        logger.warning("only %d of %d log-ins finished in time; starting anyway", run.logins_done, run.users)
    run.start = time.time()
    run.stop_at = run.start + run.duration
    logger.info("%s: %d evaluators at work for %g s (think %g-%g s)", PHASE_STARTS, run.logged_in, run.duration,
                *run.think)
    run.go.set()
    gevent.sleep(run.duration)
    deadline = time.time() + 60  # requests in flight finish; nobody starts a new one after stop_at
    while environment.runner.user_count > 0 and time.time() < deadline:
        gevent.sleep(0.1)
    run.end = time.time()
    logger.info("%s after %.1f s", PHASE_ENDS, run.end - run.start)
    environment.runner.quit()


class Evaluator(FastHttpUser):
    """One evaluator, with an account of its own and the evaluation it works on."""

    connection_timeout = network_timeout = 30.0

    def on_start(self) -> None:
        run = RUN
        self.number = next(run.numbers)
        self.account = run.accounts[self.number]
        self.rng = random.Random(f"{run.seed}-{self.number}")
        self.wants_report = self.number < run.reporters
        self.base = f"/o/{self.account['org']}/e/{self.account['slug']}/"
        self.origin = self.host.rstrip("/")
        self.csrf_header = ""
        self.client.cookiejar.set_policy(LoopbackSecureCookies())
        # Locust spawns a batch of users each second; spread the log-ins evenly over the ramp instead.
        gevent.sleep(max(0.0, run.ramp_start + run.ramp * self.number / run.users - time.time()))
        self.logged_in = self.login()
        run.login_done(self.logged_in)
        run.go.wait()
        # Reports are asked for at random moments, not all at once, and early enough to be ready before the end.
        self.report_at = run.start + self.rng.uniform(0, 0.6) * run.duration
        # Locust waits after a task, not before the first: think first, or all evaluators would start in one burst.
        gevent.sleep(self.wait_time())

    def wait_time(self) -> float:
        return max(0.0, min(self.rng.uniform(*RUN.think), RUN.stop_at - time.time()))

    def pause(self) -> None:
        gevent.sleep(self.wait_time())
        if time.time() >= RUN.stop_at:
            raise StopUser

    # --- requests -----------------------------------------------------------------------------------------------------

    def call(self, endpoint: str, method: str, path: str, *, data: list[tuple[str, str]] | None = None,
             headers: dict[str, str] | None = None, expect: int = 200, check=None):
        """One request, reported to Locust under `endpoint`; the response, or None when it failed (also reported)."""
        sent = {"Accept": "text/html"}
        if method == "POST":
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
        sent.update(headers or {})
        body = urlencode(data or []) if method == "POST" else None
        with self.client.request(method, path, name=endpoint, data=body, headers=sent, allow_redirects=False,
                                 catch_response=True) as response:
            if response.status_code != expect:
                error = getattr(response, "error", None)
                response.failure(f"{type(error).__name__}: {error}" if error and not response.status_code
                                 else f"HTTP {response.status_code}")
                return None
            problem = check(response) if check else None
            if problem:
                response.failure(problem)
                return None
            response.success()
            return response

    def login(self) -> bool:
        page = self.call("login page", "GET", "/accounts/login/",
                         check=lambda r: None if CSRF_INPUT.search(r.text) else "no CSRF token in the login form")
        if page is None:
            return False
        done = self.call("log in", "POST", "/accounts/login/", expect=302, data=[
            ("csrfmiddlewaretoken", CSRF_INPUT.search(page.text).group(1)),
            ("username", self.account["username"]), ("password", RUN.password), ("next", "")],
            check=lambda _: None if any(c.name == "sessionid" for c in self.client.cookiejar) else "no session cookie")
        return done is not None and self.call("home", "GET", "/") is not None

    @task
    def work(self) -> None:
        """One round: a questionnaire step, 2-5 autosaves, the results page; a report once, if this one makes one."""
        if not self.logged_in or time.time() >= RUN.stop_at:
            raise StopUser
        page = self.call("questionnaire page", "GET", f"{self.base}questionnaire/{self.rng.choice(STEPS)}/")
        if page is not None and (match := CSRF_HEADER.search(page.text)):
            self.csrf_header = match.group(1)
        for _ in range(self.rng.randint(2, 5)):
            self.pause()
            field, values = answer(RUN.fields, self.rng)
            self.call("autosave field", "POST", f"{self.base}field/{field}/", data=[(field, v) for v in values],
                      headers={"HX-Request": "true", "HX-Current-URL": self.origin + self.base,
                               "X-CSRFToken": self.csrf_header})
        self.pause()
        self.call("results page", "GET", self.base)
        if self.wants_report and self.number not in RUN.reports and time.time() >= self.report_at:
            RUN.reports[self.number] = ("not ready by the end", None)  # unless the report below gets further
            RUN.reports[self.number] = self.report()

    def report(self) -> tuple[str, float | None]:
        """What the report page does: request the PDF (htmx POST), poll its status every 2 s, download it when ready."""
        self.pause()
        page = self.call("report page", "GET", f"{self.base}report/")
        if page is None:
            return "error", None
        token = CSRF_HEADER.search(page.text)
        self.pause()
        requested_at = time.time()
        fragment = self.call("request report", "POST", f"{self.base}report/",
                             headers={"HX-Request": "true", "X-CSRFToken": token.group(1) if token else ""},
                             check=_report_problem)
        while fragment is not None:
            document = REPORT_ID.search(fragment.text).group(1)
            if f"/report/{document}/pdf/" in fragment.text:  # ready: the fragment offers the download
                seconds = time.time() - requested_at
                pdf = self.call("download report", "GET", f"{self.base}report/{document}/pdf/",
                                check=lambda r: None if r.content.startswith(b"%PDF") else "the download is no PDF")
                return ("downloaded" if pdf is not None else "error"), seconds
            if time.time() + 2 > RUN.stop_at:
                return "not ready by the end", None
            gevent.sleep(2)  # htmx polls every 2 s
            fragment = self.call("report status (poll)", "GET", f"{self.base}report/{document}/status/",
                                 headers={"HX-Request": "true"}, check=_report_problem)
        return "error", None


def _report_problem(response) -> str | None:
    if "badge bad" in response.text:
        return "the report failed"
    if REPORT_ID.search(response.text) is None:
        return "the report status names no document"
    return None
