"""Every questionnaire answer, as one small typed question: how it is read from a post, validated, shown and stored.

A question knows its name ("sector", "weight:A", "override:B1"), the widget it is shown with, how to turn the posted
values into a clean value (or a `FieldError` with a message for people), and which evaluation attributes that value
changes. The full page, the htmx autosave and the no-JavaScript post all go through the same question objects, so an
answer is validated once, in one place; `services.evaluation_answer` then checks the whole requirement profile and
saves it with an audit row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

from vendoreval.fields import Field, FieldError, clean_text, level_choices, parse_level
from vendoreval.scoring.models import MAX_WEIGHT, USES

from .context import EvaluationContext
from .models import Evaluation
from .profile import must_haves_of
from .rules import EffectiveMustHave

USE_CHOICES = {
    "military": "Military or defence use",
    "government": "Use by a public authority",
    "competing_models": "Training or improving other AI models with the outputs",
    "multimodal_eu": "Image or other multimodal input, by an organisation based in the EU",
}
NAME_MAX = 200
USE_CASES_MAX = 5000
REASON_MAX = 500
GENERAL_PRESET = "general"


def answer_names(context: EvaluationContext) -> dict[str, dict[str, str]]:
    """The names people read for the values answers hold (the change history's labels; the report snapshot keeps
    them, so its history reads the same without the database)."""
    return {
        "sectors": {k: p["name"] for k, p in context.presets.items()},
        "classifications": dict(context.classification_choices),
        "regulations": {r["key"]: r["name"] for r in context.regulations},
        "modes": dict(context.mode_choices),
        "uses": dict(USE_CHOICES),
    }


class Question:
    """One answer of the questionnaire. Subclasses say how it is posted, cleaned, shown and stored."""

    kind: ClassVar[str] = "text"

    def __init__(self, name: str, label: str, *, help: str = "", choices: Sequence[tuple[str, str]] = (),
                 extra: dict | None = None):
        self.name, self.label, self.help = name, label, help
        self.choices = list(choices)
        self.extra = extra or {}

    # reading a post
    def raw(self, data) -> list[str]:
        return data.getlist(self.name)

    def posted(self, data) -> bool:
        """Whether a full-step post carries this answer (an unticked checkbox group posts nothing and means none)."""
        return self.name in data

    # validating and storing
    def clean(self, raw: list[str], context: EvaluationContext) -> Any:
        raise NotImplementedError

    def changes(self, evaluation: Evaluation, value: Any, context: EvaluationContext) -> dict[str, Any]:
        raise NotImplementedError

    # showing
    def current(self, evaluation: Evaluation) -> Any:
        raise NotImplementedError

    def field(self, evaluation: Evaluation, *, error: str = "", submitted: list[str] | None = None) -> Field:
        """The view of this question; after a refused post the submitted values stay on screen."""
        field = Field(self.name, self.label, self.kind, self.current(evaluation), self.choices, self.help,
                      max_length=getattr(self, "max_length", None), extra=dict(self.extra))
        if error:
            field.error = error
            if submitted is not None:
                self.show_submitted(field, submitted)
        return field

    def show_submitted(self, field: Field, submitted: list[str]) -> None:
        field.value = submitted[0] if submitted else ""

    @staticmethod
    def first(raw: list[str]) -> str:
        return raw[0] if raw else ""


class TextQuestion(Question):
    def __init__(self, name: str, label: str, *, attr: str, max_length: int, required: str = "",
                 kind: str = "text", **kwargs):
        super().__init__(name, label, **kwargs)
        self.attr, self.max_length, self.required, self.kind = attr, max_length, required, kind

    def clean(self, raw, context):
        text = clean_text(self.name, self.first(raw), max_length=self.max_length)
        if self.required and not text:
            raise FieldError(self.name, self.required)
        return text

    def changes(self, evaluation, value, context):
        return {self.attr: value}

    def current(self, evaluation):
        return getattr(evaluation, self.attr)


class ChoiceQuestion(Question):
    """One value from a list (or none): sector, data classification."""

    def __init__(self, name: str, label: str, *, attr: str, unknown: str, kind: str = "select", **kwargs):
        super().__init__(name, label, **kwargs)
        self.attr, self.unknown, self.kind = attr, unknown, kind

    def clean(self, raw, context):
        value = self.first(raw).strip()
        if value and value not in {v for v, _ in self.choices if v}:
            raise FieldError(self.name, f"{self.unknown} “{value}”.")
        return value

    def changes(self, evaluation, value, context):
        return {self.attr: value}

    def current(self, evaluation):
        return getattr(evaluation, self.attr)


class SectorQuestion(ChoiceQuestion):
    """A sector brings its preset weights unless the buyer has already tuned the weights."""

    def changes(self, evaluation, value, context):
        changes = {"sector": value}
        old_preset = context.preset(evaluation.sector) or context.preset(GENERAL_PRESET)
        new_preset = context.preset(value)
        untouched = not evaluation.area_weights or (old_preset and evaluation.area_weights == old_preset["weights"])
        if new_preset and untouched:
            changes["area_weights"] = dict(new_preset["weights"])
        return changes


class MultiChoiceQuestion(Question):
    """A set of values: regulations, trusted jurisdictions, deployment modes. Membership in the known values is the
    requirement profile's check (its message names the unknown value), except where the profile does not know them."""

    kind = "checkboxes"

    def __init__(self, name: str, label: str, *, attr: str, required: str = "", unknown: str = "",
                 upper: bool = False, **kwargs):
        super().__init__(name, label, **kwargs)
        self.attr, self.required, self.unknown, self.upper = attr, required, unknown, upper

    def posted(self, data) -> bool:
        return True

    def clean(self, raw, context):
        values = sorted({v.strip().upper() if self.upper else v.strip() for v in raw if v.strip()})
        if self.required and not values:
            raise FieldError(self.name, self.required)
        if self.unknown:
            unknown = [v for v in values if v not in {c for c, _ in self.choices}]
            if unknown:
                raise FieldError(self.name, f"{self.unknown} {', '.join(unknown)}.")
        return values

    def changes(self, evaluation, value, context):
        return {self.attr: value}

    def current(self, evaluation):
        return getattr(evaluation, self.attr)

    def show_submitted(self, field, submitted):
        field.value = submitted


class TrustedQuestion(MultiChoiceQuestion):
    """Saving the trusted jurisdictions, even unchanged, answers the question: the default is only a suggestion."""

    def changes(self, evaluation, value, context):
        return {self.attr: value, "trusted_confirmed": True}


class CountQuestion(Question):
    """A whole number, or none."""

    kind = "count"

    def __init__(self, name: str, label: str, *, attr: str, maximum: int, **kwargs):
        super().__init__(name, label, **kwargs)
        self.attr, self.maximum = attr, maximum

    def clean(self, raw, context):
        text = self.first(raw).strip().replace(",", "").replace("_", "").replace(" ", "")
        if not text:
            return None
        if not text.isdigit() or int(text) == 0:
            raise FieldError(self.name, f"Enter a whole number above zero, for example 5000 (got “{text}”), or leave "
                                        "it empty.")
        if int(text) > self.maximum:
            raise FieldError(self.name, f"Enter at most {self.maximum:,}.")
        return int(text)

    def changes(self, evaluation, value, context):
        return {self.attr: value}

    def current(self, evaluation):
        value = getattr(evaluation, self.attr)
        return "" if value is None else str(value)


class WeightQuestion(Question):
    kind = "number"

    def __init__(self, area: str, label: str, **kwargs):
        super().__init__(f"weight:{area}", label, **kwargs)
        self.area = area

    def clean(self, raw, context):
        text = self.first(raw).strip()
        try:
            weight = float(text)
        except ValueError:
            weight = math.nan
        if math.isnan(weight):
            raise FieldError(self.name, f"Enter a number, for example 15 (got “{text}”).")
        if weight < 0:
            raise FieldError(self.name, "A weight cannot be negative.")
        if weight > MAX_WEIGHT:
            raise FieldError(self.name, f"Weights run from 0 to {MAX_WEIGHT:g}; only their proportions count, so "
                                        "15 and 30 mean the same as 150 and 300.")
        return weight

    def changes(self, evaluation, value, context):
        return {"area_weights": {**evaluation.area_weights, self.area: value}}

    def current(self, evaluation):
        return evaluation.area_weights.get(self.area, 0)


class LevelQuestion(Question):
    """A level 0–4 kept in one of the evaluation's level maps (own must-haves, SEAL minimums, own hosting levels);
    blank removes it."""

    kind = "level"

    def __init__(self, name: str, label: str, *, store: str, key: str, **kwargs):
        super().__init__(name, label, **kwargs)
        self.store, self.key = store, key

    def clean(self, raw, context):
        return parse_level(self.name, self.first(raw), allow_blank=True)

    def changes(self, evaluation, value, context):
        levels = {k: v for k, v in getattr(evaluation, self.store).items() if k != self.key}
        if value is not None:
            levels[self.key] = value
        return {self.store: levels}

    def current(self, evaluation):
        value = getattr(evaluation, self.store).get(self.key)
        return "" if value is None else str(value)


class OverrideQuestion(Question):
    """Lower or drop a must-have a rule added: a level (blank = drop) and a reason, which is required."""

    kind = "override"

    def __init__(self, must: EffectiveMustHave, label: str, **kwargs):
        super().__init__(f"override:{must.criterion}", label, **kwargs)
        self.criterion, self.rule_level = must.criterion, must.rule.level
        self.max_length = REASON_MAX

    def raw(self, data):
        return [data.get(self.name, ""), data.get(f"{self.name}:reason", "")]

    def posted(self, data):
        return self.name in data or f"{self.name}:reason" in data

    def clean(self, raw, context):
        level = parse_level(self.name, raw[0] if raw else "", allow_blank=True)
        reason = clean_text(self.name, raw[1] if len(raw) > 1 else "", max_length=REASON_MAX)
        if (raw and raw[0].strip()) or reason:
            if not reason:
                raise FieldError(self.name, "Say why this must-have does not apply; the reason is kept in the audit "
                                            "trail and the report.")
            return {"level": level, "reason": reason}
        return None  # neither a level nor a reason: the rule applies again

    def changes(self, evaluation, value, context):
        overrides = {k: v for k, v in evaluation.overrides.items() if k != self.criterion}
        if value is not None:
            overrides[self.criterion] = value
        return {"overrides": overrides}

    def current(self, evaluation):
        return evaluation.overrides.get(self.criterion, {})

    def field(self, evaluation, *, error="", submitted=None):
        override = self.current(evaluation)
        field = super().field(evaluation, error=error, submitted=None)
        field.extra.update({"rule_level": self.rule_level, "reason": override.get("reason", ""),
                            "level": "" if override.get("level") is None else str(override["level"]),
                            "overridden": bool(override)})
        if error and submitted is not None:
            field.extra["level"], field.extra["reason"] = (submitted + ["", ""])[:2]
        return field


class ShortlistQuestion(Question):
    """The offerings the report details (checked against the catalog by `services.evaluation_set_shortlist`)."""

    def __init__(self):
        super().__init__("shortlist", "Shortlist")

    def clean(self, raw, context):
        return list(dict.fromkeys(v for v in raw if v))

    def changes(self, evaluation, value, context):
        return {"shortlist": value}

    def current(self, evaluation):
        return evaluation.shortlist


# --- the questionnaire's questions -----------------------------------------------------------------------------------


def _fixed(name: str, context: EvaluationContext) -> Question | None:
    if name == "name":
        return TextQuestion("name", "Evaluation name", attr="name", max_length=NAME_MAX,
                            required="The evaluation needs a name.")
    if name == "sector":
        return SectorQuestion(
            "sector", "Sector", attr="sector", unknown="Unknown sector",
            choices=[("", "— choose a sector —")] + [(k, p["name"]) for k, p in context.presets.items()],
            help="A sector brings starting weights and must-haves; you can change both later.")
    if name == "classification":
        return ChoiceQuestion(
            "classification", "Most sensitive data the service will see", attr="classification", kind="radio",
            unknown="Unknown data classification", choices=context.classification_choices,
            help="Restricted or secret data adds must-haves B1 ≥ 4, C1 ≥ 4 and D1 ≥ 3.")
    if name == "use_cases":
        return TextQuestion("use_cases", "Use cases", attr="use_cases", kind="textarea", max_length=USE_CASES_MAX,
                            help="For example: engineering assistant on design documents; drafting tender answers.")
    if name == "regulations":
        return MultiChoiceQuestion("regulations", "Regulations that apply", attr="regulations",
                                   unknown="Unknown regulation",
                                   choices=[(r["key"], r["name"]) for r in context.regulations])
    if name == "trusted_countries":
        return TrustedQuestion(
            "trusted_countries", "Trusted jurisdictions", attr="trusted_countries", upper=True,
            required="Trust at least one jurisdiction; the default is every EU and EEA country.",
            choices=[(c.code, f"{c.name} ({c.code})") for c in context.countries],
            help="Default: every EU and EEA country. A Swiss, UK or Canadian buyer adds their own.")
    if name == "licence_uses":
        return MultiChoiceQuestion(
            "licence_uses", "Uses the model licence must permit", attr="licence_uses", unknown="Unknown use",
            choices=[(use, USE_CHOICES[use]) for use in USES],
            help="Some model licences withhold uses (Llama 3.1 forbids military use; Llama 3.2 withholds multimodal "
                 "use from organisations based in the EU). A defence sector adds military use, a public "
                 "administration government use.")
    if name == "monthly_users":
        return CountQuestion("monthly_users", "Expected monthly active users (optional)", attr="monthly_users",
                             maximum=10**10,
                             help="Some licences need a separate licence above a number of monthly active users "
                                  "(Llama: 700 million).")
    if name == "acceptable_modes":
        return MultiChoiceQuestion("acceptable_modes", "Acceptable deployment modes", attr="acceptable_modes",
                                   required="Accept at least one deployment mode.", choices=context.mode_choices,
                                   help="Offerings in other modes are excluded, with that reason.")
    if name == "shortlist":
        return ShortlistQuestion()
    return None


def _keyed(kind: str, key: str, evaluation: Evaluation, context: EvaluationContext,
           must_haves: Sequence[EffectiveMustHave] | None) -> Question | None:
    criterion = context.criteria_by_key.get(key)
    if kind == "weight" and key in context.area_names:
        return WeightQuestion(key, f"{key} {context.area_names[key]}")
    if kind == "must_have" and criterion is not None:
        return LevelQuestion(f"must_have:{key}", f"{key} {criterion.title}", store="must_haves", key=key,
                             choices=level_choices(criterion), extra={"area": criterion.area.key})
    if kind == "seal":
        objective = next((o for o in context.spec.objectives if o.key == key), None)
        if objective is not None:
            return LevelQuestion(f"seal:{key}", f"Minimum SEAL for {key} {objective.name}", store="seal_minimums",
                                 key=key, choices=level_choices(), extra={"seal": True})
    if kind == "own_hosting" and criterion is not None and criterion.buyer_controlled_when_self_hosted:
        return LevelQuestion(f"own_hosting:{key}", f"{key} {criterion.title} — your own hosting",
                             store="own_hosting_levels", key=key,
                             choices=level_choices(criterion, blank="— not stated —"),
                             help="Used for offerings you host yourself, instead of a vendor claim (default 4).")
    if kind == "override" and criterion is not None:
        for must in must_haves if must_haves is not None else must_haves_of(evaluation, context):
            if must.criterion == key and must.rule is not None:
                return OverrideQuestion(must, f"{key} {criterion.title}", choices=level_choices(),
                                        help=f"must-have {key} ≥ {must.rule.level} — {must.rule.reason}")
    return None


def question(name: str, evaluation: Evaluation, context: EvaluationContext,
             must_haves: Sequence[EffectiveMustHave] | None = None) -> Question | None:
    """The question called `name` for this evaluation, or None when there is no such question (a tampered or stale
    name); built alone, without building the rest of the questionnaire."""
    fixed = _fixed(name, context)
    if fixed is not None:
        return fixed
    kind, _, key = name.partition(":")
    return _keyed(kind, key, evaluation, context, must_haves) if key else None


def step_questions(step: str, evaluation: Evaluation, context: EvaluationContext,
                   must_haves: Sequence[EffectiveMustHave]) -> list[Question]:
    def named(names):
        return [question(n, evaluation, context, must_haves) for n in names]

    if step == "organisation":
        return named(["name", "sector", "classification", "use_cases", "regulations", "licence_uses",
                      "monthly_users"])
    if step == "jurisdictions":
        return named(["trusted_countries"])
    if step == "deployment":
        return named(["acceptable_modes"] + [f"own_hosting:{c.key}" for c in context.criteria
                                             if c.buyer_controlled_when_self_hosted])
    if step == "requirements":
        return named([f"override:{m.criterion}" for m in must_haves if m.rule is not None]
                     + [f"must_have:{c.key}" for c in context.criteria]
                     + [f"seal:{o.key}" for o in context.spec.objectives])
    if step == "weights":
        return named([f"weight:{a.key}" for a in context.spec.areas])
    raise KeyError(step)
