"""The questionnaire's steps and how far the buyer has got; the questions of each step are in `questions.py`."""

from __future__ import annotations

import dataclasses

from .models import Evaluation


@dataclasses.dataclass(frozen=True)
class Step:
    key: str
    title: str
    intro: str


STEPS = [
    Step("organisation", "Organisation and use case", "Who is buying, for what, and which rules apply."),
    Step("jurisdictions", "Trusted jurisdictions",
         "Countries whose authorities you accept. Ownership and exposure are judged against this set."),
    Step("deployment", "Deployment", "How the service may run, and how well you run what you host yourself."),
    Step("requirements", "Must-haves", "Minimum levels an offering must reach to stay in the ranking."),
    Step("weights", "Area weights", "How much each area counts in the fit score."),
]
STEP_KEYS = [s.key for s in STEPS]


def progress(evaluation: Evaluation) -> dict:
    """Which steps are answered; must-haves are optional, so that step counts once visited or a sector is set."""
    done = {
        "organisation": bool(evaluation.sector and evaluation.classification),
        "jurisdictions": bool(evaluation.trusted_countries),
        "deployment": bool(evaluation.acceptable_modes),
        "requirements": bool(evaluation.sector),
        "weights": bool(evaluation.area_weights) and sum(evaluation.area_weights.values()) > 0,
    }
    count = sum(done.values())
    return {"done": done, "steps": [(s, done[s.key]) for s in STEPS], "count": count, "total": len(done),
            "percent": round(100 * count / len(done)), "remaining": [s.title for s in STEPS if not done[s.key]]}
