"""The questionnaire's steps and fields, as view objects the templates render (one partial per field kind)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .context import EvaluationContext
from .models import Evaluation
from .rules import EffectiveMustHave

LEVEL_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(5)]


@dataclasses.dataclass
class Field:
    name: str  # "sector", "weight:A", "override:B1"
    label: str
    kind: str  # text | textarea | select | radio | checkboxes | number | level | override
    value: Any
    choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    help: str = ""
    error: str = ""
    saved: bool = False
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(":", "-").replace("_", "-").lower()

    @property
    def values(self) -> set[str]:
        return {str(v) for v in self.value} if isinstance(self.value, (list, tuple, set)) else {str(self.value)}


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


def step_fields(step: str, evaluation: Evaluation, context: EvaluationContext,
                must_haves: list[EffectiveMustHave]) -> list[Field]:
    criteria = context.criteria_by_key
    if step == "organisation":
        return [
            Field("name", "Evaluation name", "text", evaluation.name),
            Field("sector", "Sector", "select", evaluation.sector,
                  [("", "— choose a sector —")] + [(k, p["name"]) for k, p in context.presets.items()],
                  help="A sector brings starting weights and must-haves; you can change both later."),
            Field("classification", "Most sensitive data the service will see", "radio", evaluation.classification,
                  context.classification_choices,
                  help="Restricted or secret data adds must-haves B1 ≥ 4, C1 ≥ 4 and D1 ≥ 3."),
            Field("use_cases", "Use cases", "textarea", evaluation.use_cases,
                  help="For example: engineering assistant on design documents; drafting tender answers."),
            Field("regulations", "Regulations that apply", "checkboxes", evaluation.regulations,
                  [(r["key"], r["name"]) for r in context.regulations]),
        ]
    if step == "jurisdictions":
        return [Field("trusted_countries", "Trusted jurisdictions", "checkboxes", evaluation.trusted_countries,
                      [(c.code, f"{c.name} ({c.code})") for c in context.countries],
                      help="Default: every EU and EEA country. A Swiss, UK or Canadian buyer adds their own.")]
    if step == "deployment":
        fields = [Field("acceptable_modes", "Acceptable deployment modes", "checkboxes", evaluation.acceptable_modes,
                        context.mode_choices,
                        help="Offerings in other modes are excluded, with that reason.")]
        for c in context.criteria:
            if c.buyer_controlled_when_self_hosted:
                fields.append(Field(f"own_hosting:{c.key}", f"{c.key} {c.title} — your own hosting", "level",
                                    str(evaluation.own_hosting_levels.get(c.key, 4)), LEVEL_CHOICES[1:],
                                    help="Used for offerings you host yourself, instead of a vendor claim "
                                         "(default 4)."))
        return fields
    if step == "requirements":
        fields = []
        for m in must_haves:
            if m.rule is not None:
                override = evaluation.overrides.get(m.criterion, {})
                fields.append(Field(
                    f"override:{m.criterion}", f"{m.criterion} {criteria[m.criterion].title}", "override",
                    override, LEVEL_CHOICES,
                    help=f"must-have {m.criterion} ≥ {m.rule.level} — {m.rule.reason}",
                    extra={"rule_level": m.rule.level, "reason": override.get("reason", ""),
                           "level": "" if not override or override.get("level") is None else str(override["level"]),
                           "overridden": bool(override)}))
        for c in context.criteria:
            fields.append(Field(f"must_have:{c.key}", f"{c.key} {c.title}", "level",
                                str(evaluation.must_haves.get(c.key, "")), LEVEL_CHOICES,
                                extra={"area": c.area.key}))
        for o in context.spec.objectives:
            fields.append(Field(f"seal:{o.key}", f"Minimum SEAL for {o.key} {o.name}", "level",
                                str(evaluation.seal_minimums.get(o.key, "")), LEVEL_CHOICES,
                                extra={"seal": True}))
        return fields
    if step == "weights":
        return [Field(f"weight:{a.key}", f"{a.key} {a.name}", "number", evaluation.area_weights.get(a.key, 0))
                for a in context.spec.areas]
    raise KeyError(step)


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
    return {"done": done, "steps": [(s, done[s.key]) for s in STEPS], "count": count, "total": len(done), "percent": round(100 * count / len(done)),
            "remaining": [s.title for s in STEPS if not done[s.key]]}
