"""The questionnaire's steps and how far the buyer has got; the questions of each step are in `questions.py`."""

from __future__ import annotations

import dataclasses

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from vendoreval.fields import Field

from .context import EvaluationContext
from .models import Evaluation


@dataclasses.dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise  # read in the reader's language
    intro: str | Promise


STEPS = [
    Step("organisation", gettext_lazy("Organisation and use case"),
         gettext_lazy("Who is buying, for what, and which rules apply.")),
    Step("jurisdictions", gettext_lazy("Trusted jurisdictions"),
         gettext_lazy("Countries whose authorities you accept. Ownership and exposure are judged against this set.")),
    Step("deployment", gettext_lazy("Deployment"),
         gettext_lazy("How the service may run, and how well you run what you host yourself.")),
    Step("requirements", gettext_lazy("Must-haves"),
         gettext_lazy("Minimum levels an offering must reach to stay in the ranking.")),
    Step("weights", gettext_lazy("Area weights"), gettext_lazy("How much each area counts in the fit score.")),
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
            "percent": round(100 * count / len(done)), "remaining": [str(s.title) for s in STEPS if not done[s.key]],
            "remaining_keys": [s.key for s in STEPS if not done[s.key]]}


@dataclasses.dataclass(frozen=True)
class AreaGroup:
    """The buyer's own must-haves of one area, as the Must-haves step lists them."""

    key: str
    name: str
    fields: list[Field]

    @property
    def chosen(self) -> int:
        return sum(1 for f in self.fields if f.value not in ("", None))

    @property
    def open(self) -> bool:
        """Shown unfolded when it holds a must-have or an error."""
        return any(f.value not in ("", None) or f.error for f in self.fields)


def fields_by_area(fields: list[Field], context: EvaluationContext) -> list[AreaGroup]:
    """The must-have fields (those that name an area) grouped by area, in the checklist's order."""
    return [AreaGroup(area.key, area.name, [f for f in fields if f.extra.get("area") == area.key])
            for area in context.spec.areas if any(f.extra.get("area") == area.key for f in fields)]
