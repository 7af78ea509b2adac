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

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vendoreval.fields import Field, FieldError, clean_text, parse_level
from vendoreval.scoring.models import MAX_WEIGHT, USES
from vendoreval.scoring.seal import SEAL_LADDER
from vendoreval.scoring.text import decimal_mark

from .context import EvaluationContext
from .models import Evaluation
from .profile import must_haves_of
from .rules import EffectiveMustHave

# The uses a model licence may withhold, by their English names (the report snapshot keeps these); `use_labels()`
# gives them in the reader's language.
USE_CHOICES = {
    "military": gettext_noop("Military or defence use"),
    "government": gettext_noop("Use by a public authority"),
    "competing_models": gettext_noop("Training or improving other AI models with the outputs"),
    "multimodal_eu": gettext_noop("Image or other multimodal input, by an organisation based in the EU"),
}
NAME_MAX = 200
USE_CASES_MAX = 5000
REASON_MAX = 500
GENERAL_PRESET = "general"
DROP = "drop"  # the override choice that drops a rule's must-have altogether


def use_labels() -> dict[str, str]:
    """The uses a model licence may withhold, named in the reader's language."""
    return {use: _(name) for use, name in USE_CHOICES.items()}


# The CSF SEAL ladder's names and meanings (English in `scoring.seal.SEAL_LADDER`), marked here for translation.
_SEAL_TEXTS = (
    gettext_noop("No sovereignty"),
    gettext_noop("The service is under exclusive control of parties outside the trusted jurisdictions; their law does "
                 "not practically apply."),
    gettext_noop("Jurisdictional sovereignty"),
    gettext_noop("Trusted law formally applies, but with limited practical enforceability; untrusted parties keep "
                 "exclusive control."),
    gettext_noop("Data sovereignty"),
    gettext_noop("Trusted law applies and is enforceable; material dependencies on untrusted parties remain."),
    gettext_noop("Digital resilience"),
    gettext_noop("Trusted actors exercise meaningful but not full influence; untrusted control is marginal."),
    gettext_noop("Full digital sovereignty"),
    gettext_noop("Technology, operations and data are under complete trusted control."),
)


def seal_ladder() -> list[tuple[int, str, str]]:
    """The CSF SEAL ladder (level, name, meaning), weakest first, in the reader's language."""
    return [(level, _(name), _(meaning)) for level, name, meaning in SEAL_LADDER]


def _weight(value: float) -> str:
    """A weight as people read it: 12.5 in English, 12,5 in French and German."""
    return f"{value:g}".replace(".", decimal_mark())


def _separator() -> str:
    """Between numbers in a list: a comma, or a semicolon where the comma is the decimal mark."""
    return "; " if decimal_mark() == "," else ", "


# --- what each level means, where the buyer chooses one -------------------------------------------------------------


def _steps(criterion) -> list[int]:
    """The levels the criterion's ladder names, strongest first (a ladder may skip levels: 4, 2, 0)."""
    return sorted((int(k) for k in criterion.levels), reverse=True)


def _minimum_label(criterion, level: int) -> str:
    """“at least 3 — <what level 3 means>”; a minimum between two steps of the ladder is met only from the next step
    up, so that step's meaning is the one that counts."""
    if level <= 0:
        return _("at least 0 — no minimum in effect: every level meets it")
    meeting = min((step for step in _steps(criterion) if step >= level), default=None)
    if meeting is None:
        return _("at least %(level)s") % {"level": level}
    if meeting == level:
        return _("at least %(level)s — %(meaning)s") % {"level": level, "meaning": criterion.level_meaning(level)}
    return _("at least %(level)s — met only from level %(step)s: %(meaning)s") % {
        "level": level, "step": meeting, "meaning": criterion.level_meaning(meeting)}


def minimum_choices(criterion, *, blank: str, current: str = "", below: int | None = None) -> list[tuple[str, str]]:
    """A minimum level for `criterion`: each step of its ladder above 0 (and below `below`, for an override) with what
    it means. The current answer is always offered, even off the ladder, so a saved answer is never shown as unset."""
    levels = [step for step in _steps(criterion) if step > 0 and (below is None or step < below)]
    if current.isdigit() and int(current) not in levels:
        levels = sorted([*levels, int(current)], reverse=True)
    return [("", blank)] * bool(blank) + [(str(level), _minimum_label(criterion, level)) for level in levels]


def ladder_choices(criterion, *, blank: str, current: str = "") -> list[tuple[str, str]]:
    """An exact level for `criterion` (the buyer's own hosting): the steps of its ladder with what each means."""
    levels = _steps(criterion)
    if current.isdigit() and int(current) not in levels:
        levels = sorted([*levels, int(current)], reverse=True)
    between = _("between two steps of this ladder")
    return [("", blank)] + [(str(level), _("%(level)s — %(meaning)s") % {
        "level": level, "meaning": criterion.level_meaning(level) or between}) for level in levels]


def seal_choices(*, current: str = "") -> list[tuple[str, str]]:
    """A minimum SEAL: the CSF SEAL ladder's levels above 0, strongest first, each by its name (the step lists what
    they mean once, above the objectives)."""
    levels = [(level, name) for level, name, _meaning in reversed(seal_ladder()) if level > 0 or current == "0"]
    return [("", _("no minimum"))] + [
        (str(level), _("at least SEAL-%(level)s %(name)s") % {"level": level, "name": name}) for level, name in levels]


def answer_names(context: EvaluationContext) -> dict[str, dict[str, str]]:
    """The names people read for the values answers hold (the change history's labels; the report snapshot keeps
    them, so its history reads the same without the database)."""
    return {
        "sectors": {k: p["name"] for k, p in context.presets.items()},
        "classifications": dict(context.classification_choices),
        "regulations": {r["key"]: r["name"] for r in context.regulations},
        "modes": dict(context.mode_choices),
        "uses": use_labels(),
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

    def choices_for(self, evaluation: Evaluation) -> list[tuple[str, str]]:
        return self.choices

    def field(self, evaluation: Evaluation, *, error: str = "", submitted: list[str] | None = None) -> Field:
        """The view of this question; after a refused post the submitted values stay on screen."""
        field = Field(self.name, self.label, self.kind, self.current(evaluation), self.choices_for(evaluation),
                      self.help, max_length=getattr(self, "max_length", None), extra=dict(self.extra))
        if error:
            field.error = error
            if submitted is not None:
                self.show_submitted(field, submitted)
        return field

    def saved_field(self, evaluation: Evaluation, context: EvaluationContext) -> Field:
        """The view of this question right after its answer was saved (`evaluation.changed_fields` says what
        changed); with its follow-up question, if the save raised one."""
        asks = self.follow_up(evaluation, context)
        field = self.asking_field(evaluation, context) if asks else self.field(evaluation)
        field.saved = True
        return field

    def follow_up(self, evaluation: Evaluation, context: EvaluationContext) -> bool:
        """Whether the save just made (`evaluation.changed_fields`) raises a question for the buyer."""
        return False

    def asking_field(self, evaluation: Evaluation, context: EvaluationContext) -> Field:
        """The view of this question with its follow-up question, where one still applies."""
        return self.field(evaluation)

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
        """`unknown`: the message for a value not among the choices, with `%(value)s` for that value."""
        super().__init__(name, label, **kwargs)
        self.attr, self.unknown, self.kind = attr, unknown, kind

    def clean(self, raw, context):
        value = self.first(raw).strip()
        if value and value not in {v for v, _label in self.choices if v}:
            raise FieldError(self.name, self.unknown % {"value": value})
        return value

    def changes(self, evaluation, value, context):
        return {self.attr: value}

    def current(self, evaluation):
        return getattr(evaluation, self.attr)


class SectorQuestion(ChoiceQuestion):
    """A sector brings its preset weights while the weights are untouched (still those of the previous sector's
    preset). Weights the buyer has tuned are kept unless they confirm replacing them (`sector:weights` = replace):
    after such a change the field asks."""

    REPLACE = "replace"

    def raw(self, data):
        return [data.get(self.name, ""), data.get(f"{self.name}:weights", "")]

    def posted(self, data):
        return self.name in data

    def clean(self, raw, context):
        return {"sector": super().clean(raw[:1], context), "replace_weights": raw[1:2] == [self.REPLACE]}

    def changes(self, evaluation, value, context):
        changes = {"sector": value["sector"]}
        old_preset = context.preset(evaluation.sector) or context.preset(GENERAL_PRESET)
        new_preset = context.preset(value["sector"])
        untouched = not evaluation.area_weights or (old_preset and evaluation.area_weights == old_preset["weights"])
        if new_preset and (untouched or value["replace_weights"]):
            changes["area_weights"] = dict(new_preset["weights"])
        return changes

    def follow_up(self, evaluation, context):
        """The sector changed and the buyer's own weights were kept: ask whether to replace them."""
        changed = getattr(evaluation, "changed_fields", ())
        return "sector" in changed and "area_weights" not in changed and self._differing_preset(evaluation, context)

    def asking_field(self, evaluation, context):
        field = self.field(evaluation)
        if self._differing_preset(evaluation, context):
            preset = context.preset(evaluation.sector)
            field.extra["replace_weights"] = {
                "sector": preset["name"],
                "weights": _separator().join(f"{a.key} {_weight(preset['weights'].get(a.key, 0))}"
                                             for a in context.spec.areas)}
        return field

    @staticmethod
    def _differing_preset(evaluation, context) -> bool:
        preset = context.preset(evaluation.sector)
        return bool(preset) and evaluation.area_weights != preset["weights"]


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
            unknown = [v for v in values if v not in {c for c, _label in self.choices}]
            if unknown:
                raise FieldError(self.name, self.unknown % {"value": ", ".join(unknown)})
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
            raise FieldError(self.name, _("Enter a whole number above zero, for example 5000 (got “%(text)s”), or "
                                          "leave it empty.") % {"text": text})
        if int(text) > self.maximum:
            raise FieldError(self.name, _("Enter at most %(maximum)s.") % {
                "maximum": number_format(self.maximum, force_grouping=True)})
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
            raise FieldError(self.name, _("Enter a number, for example 15 (got “%(text)s”).") % {"text": text})
        if weight < 0:
            raise FieldError(self.name, _("A weight cannot be negative."))
        if weight > MAX_WEIGHT:
            raise FieldError(self.name, _("Weights run from 0 to %(maximum)s; only their proportions count, so 15 and "
                                          "30 mean the same as 150 and 300.") % {"maximum": f"{MAX_WEIGHT:g}"})
        return weight

    def changes(self, evaluation, value, context):
        return {"area_weights": {**evaluation.area_weights, self.area: value}}

    def current(self, evaluation):
        return evaluation.area_weights.get(self.area, 0)


class LevelQuestion(Question):
    """A level 0–4 kept in one of the evaluation's level maps (own must-haves, SEAL minimums, own hosting levels);
    blank removes it. The choices say what each level means (`ladder(current)` builds them)."""

    kind = "level"

    def __init__(self, name: str, label: str, *, store: str, key: str, ladder, **kwargs):
        super().__init__(name, label, **kwargs)
        self.store, self.key, self.ladder = store, key, ladder

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

    def choices_for(self, evaluation):
        return self.ladder(self.current(evaluation))


UNDO = "undo"  # the override action that withdraws it: the rule's must-have applies again


class OverrideQuestion(Question):
    """Lower or drop a must-have a rule added, with a reason (required); or undo that override.

    Posted as three values: the new minimum (`override:B1`: a level below the rule's, or “drop”), the reason
    (`override:B1:reason`) and the action (`override:B1:action`: “apply” from the Override button, “undo” from the
    Undo button, empty from an autosave or the step's Save button). Undoing is its own action: it removes the override
    with its reason, whatever else the post holds. Nothing chosen and nothing typed changes nothing, so an override
    never disappears because a field was left empty.
    """

    kind = "override"
    APPLY = "apply"

    def __init__(self, must: EffectiveMustHave, label: str, *, criterion, **kwargs):
        super().__init__(f"override:{must.criterion}", label, **kwargs)
        self.criterion, self.rule_level = must.criterion, must.rule.level
        self.ladder = criterion
        self.max_length = REASON_MAX

    def raw(self, data):
        return [data.get(self.name, ""), data.get(f"{self.name}:reason", ""), data.get(f"{self.name}:action", "")]

    def posted(self, data):
        return any(name in data for name in (self.name, f"{self.name}:reason", f"{self.name}:action"))

    def clean(self, raw, context):
        level_raw, reason_raw, action = (list(raw) + ["", "", ""])[:3]
        if action.strip() == UNDO:
            return UNDO
        level_raw = level_raw.strip()
        reason = clean_text(self.name, reason_raw, max_length=REASON_MAX)
        if not level_raw and not reason:
            if action.strip() == self.APPLY:
                raise FieldError(self.name, _("Choose the new minimum (a lower level, or drop the must-have) and "
                                              "say why."))
            return None  # nothing chosen, nothing typed: nothing changes
        if not level_raw:
            raise FieldError(self.name, _("Choose the new minimum: a lower level, or drop the must-have."))
        level = None if level_raw == DROP else parse_level(self.name, level_raw, allow_blank=False)
        if not reason:
            raise FieldError(self.name, _("Say why this must-have does not apply; the reason is kept in the audit "
                                          "trail and the report."))
        return {"level": level, "reason": reason}

    def changes(self, evaluation, value, context):
        if value is None:
            return {}
        overrides = {k: v for k, v in evaluation.overrides.items() if k != self.criterion}
        if value != UNDO:
            kept = evaluation.overrides.get(self.criterion, {}).get("level", -1)
            if value["level"] is not None and value["level"] >= self.rule_level and value["level"] != kept:
                raise FieldError(self.name, _("An override lowers the must-have: choose a level below %(level)s, "
                                              "or drop it. To require more, set your own must-have below.") % {
                    "level": self.rule_level})
            overrides[self.criterion] = value
        return {"overrides": overrides}

    def current(self, evaluation):
        return evaluation.overrides.get(self.criterion, {})

    def field(self, evaluation, *, error="", submitted=None):
        override = self.current(evaluation)
        field = super().field(evaluation, error=error, submitted=None)
        level = "" if not override else DROP if override.get("level") is None else str(override["level"])
        field.extra.update({"rule_level": self.rule_level, "reason": override.get("reason", ""), "level": level,
                            "overridden": bool(override), "criterion": self.criterion})
        if error and submitted is not None:
            field.extra["level"], field.extra["reason"] = (list(submitted) + ["", ""])[:2]
            field.extra["open"] = True
        current = field.extra["level"] if field.extra["level"] != DROP else ""
        field.choices = [(DROP, _("drop it — no minimum for %(key)s") % {"key": self.criterion})] + minimum_choices(
            self.ladder, blank="", current=current, below=self.rule_level)
        return field


class ShortlistQuestion(Question):
    """The offerings the report details (checked against the catalog by `services.evaluation_set_shortlist`)."""

    def __init__(self):
        super().__init__("shortlist", _("Shortlist"))

    def clean(self, raw, context):
        return list(dict.fromkeys(v for v in raw if v))

    def changes(self, evaluation, value, context):
        return {"shortlist": value}

    def current(self, evaluation):
        return evaluation.shortlist


# --- the questionnaire's questions -----------------------------------------------------------------------------------


def _fixed(name: str, context: EvaluationContext) -> Question | None:
    if name == "name":
        return TextQuestion("name", _("Evaluation name"), attr="name", max_length=NAME_MAX,
                            required=_("The evaluation needs a name."))
    if name == "sector":
        return SectorQuestion(
            "sector", _("Sector"), attr="sector", unknown=_("Unknown sector “%(value)s”."),
            choices=[("", _("— choose a sector —"))] + [(k, p["name"]) for k, p in context.presets.items()],
            help=_("A sector brings starting weights and must-haves; you can change both later."))
    if name == "classification":
        return ChoiceQuestion(
            "classification", _("Most sensitive data the service will see"), attr="classification", kind="radio",
            unknown=_("Unknown data classification “%(value)s”."), choices=context.classification_choices,
            help=_("Restricted or secret data adds must-haves B1 ≥ 4, C1 ≥ 4 and D1 ≥ 3."))
    if name == "use_cases":
        return TextQuestion("use_cases", _("Use cases"), attr="use_cases", kind="textarea", max_length=USE_CASES_MAX,
                            help=_("For example: engineering assistant on design documents; drafting tender answers."))
    if name == "regulations":
        return MultiChoiceQuestion("regulations", _("Regulations that apply"), attr="regulations",
                                   unknown=_("Unknown regulation %(value)s."),
                                   choices=[(r["key"], r["name"]) for r in context.regulations])
    if name == "trusted_countries":
        return TrustedQuestion(
            "trusted_countries", _("Trusted jurisdictions"), attr="trusted_countries", upper=True,
            required=_("Trust at least one jurisdiction; the default is every EU and EEA country."),
            choices=[(c.code, f"{c.local_name} ({c.code})") for c in context.countries],
            help=_("Default: every EU and EEA country. A Swiss, UK or Canadian buyer adds their own."))
    if name == "licence_uses":
        return MultiChoiceQuestion(
            "licence_uses", _("Uses the model licence must permit"), attr="licence_uses",
            unknown=_("Unknown use %(value)s."), choices=[(use, use_labels()[use]) for use in USES],
            help=_("Some model licences withhold uses (Llama 3.1 forbids military use; Llama 3.2 withholds multimodal "
                   "use from organisations based in the EU). A defence sector adds military use, a public "
                   "administration government use."))
    if name == "monthly_users":
        return CountQuestion("monthly_users", _("Expected monthly active users (optional)"), attr="monthly_users",
                             maximum=10**10,
                             help=_("Some licences need a separate licence above a number of monthly active users "
                                    "(Llama: 700 million)."))
    if name == "acceptable_modes":
        return MultiChoiceQuestion("acceptable_modes", _("Acceptable deployment modes"), attr="acceptable_modes",
                                   required=_("Accept at least one deployment mode."), choices=context.mode_choices,
                                   help=_("Offerings in other modes are excluded, with that reason."))
    if name == "shortlist":
        return ShortlistQuestion()
    return None


def _keyed(kind: str, key: str, evaluation: Evaluation, context: EvaluationContext,
           must_haves: Sequence[EffectiveMustHave] | None) -> Question | None:
    criterion = context.criteria_by_key.get(key)
    if kind == "weight" and key in context.area_names:
        return WeightQuestion(key, f"{key} {context.area_names[key]}")
    if kind == "must_have" and criterion is not None:
        return LevelQuestion(f"must_have:{key}", f"{key} {criterion.local_title}", store="must_haves", key=key,
                             ladder=lambda current: minimum_choices(criterion, blank=_("no minimum"), current=current),
                             extra={"area": criterion.area.key, "question": criterion.local_question})
    if kind == "seal":
        objective = next((o for o in context.spec.objectives if o.key == key), None)
        if objective is not None:
            return LevelQuestion(f"seal:{key}", _("Minimum SEAL for %(key)s %(name)s") % {
                                     "key": key, "name": objective.name}, store="seal_minimums",
                                 key=key, ladder=lambda current: seal_choices(current=current), extra={"seal": True})
    if kind == "own_hosting" and criterion is not None and criterion.buyer_controlled_when_self_hosted:
        return LevelQuestion(f"own_hosting:{key}", _("%(key)s %(title)s — your own hosting") % {
                                 "key": key, "title": criterion.local_title},
                             store="own_hosting_levels", key=key,
                             ladder=lambda current: ladder_choices(criterion, blank=_("not stated (counts as unknown)"),
                                                                   current=current),
                             help=_("Used for offerings you host yourself, instead of a vendor claim."))
    if kind == "override" and criterion is not None:
        for must in must_haves if must_haves is not None else must_haves_of(evaluation, context):
            if must.criterion == key and must.rule is not None:
                return OverrideQuestion(must, f"{key} {criterion.local_title}", criterion=criterion,
                                        help=_("must-have %(key)s ≥ %(level)s — %(reason)s") % {
                                            "key": key, "level": must.rule.level, "reason": must.rule.reason})
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
