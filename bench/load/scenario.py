"""What the simulated evaluators do, and the names their requests are reported under.

Shared by the locustfile (run by Locust), the wrapper and the tests; it imports nothing of Locust, which patches the
standard library (gevent) when imported.
"""

from __future__ import annotations

import random
import re

LOGIN_ENDPOINTS = ("login page", "log in", "home")
WORK_ENDPOINTS = ("questionnaire page", "autosave field", "results page", "report page", "request report",
                  "report status (poll)", "download report")
STEPS = ("organisation", "jurisdictions", "deployment", "requirements", "weights")
# What the locustfile logs and the wrapper watches for, to measure the CPU used over the measured phase.
PHASE_STARTS, PHASE_ENDS = "load: measured phase starts", "load: measured phase ends"

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
REPORT_ID = re.compile(r'/report/([^/"]+)/(?:status|pdf)/')

ANSWER_KINDS = ("sector", "classification", "use_cases", "regulations", "must_have", "weight", "seal", "own_hosting")
ANSWER_WEIGHTS = (1, 1, 2, 1, 4, 3, 2, 1)  # how often an evaluator changes each kind of answer


def answer(fields: dict[str, list[str]], rng: random.Random, kind: str | None = None) -> tuple[str, list[str]]:
    """A valid value for a random questionnaire field (of `kind`, when given), named and posted as the page does.

    `fields` are the values the questionnaire offers, as bench/load/seed.py lists them."""
    kind = kind or rng.choices(ANSWER_KINDS, weights=ANSWER_WEIGHTS)[0]
    if kind in ("sector", "classification"):
        return kind, [rng.choice(fields[kind])]
    if kind == "use_cases":
        return "use_cases", [f"Assistant for case handlers, draft {rng.randint(1, 10**6)}; summarising files."]
    if kind == "regulations":
        return "regulations", rng.sample(fields["regulations"], rng.randint(0, len(fields["regulations"])))
    if kind in ("must_have", "seal") and fields[kind]:
        return f"{kind}:{rng.choice(fields[kind])}", [rng.choice(["", "1", "2", "3"])]
    if kind == "own_hosting" and fields["own_hosting"]:
        return f"own_hosting:{rng.choice(fields['own_hosting'])}", [str(rng.randint(2, 4))]
    return f"weight:{rng.choice(fields['weight'])}", [str(rng.randint(5, 30))]
