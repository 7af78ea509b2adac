"""Writes of evaluations: create, change one questionnaire field (validated, audited), and score.

Every change goes through `evaluation_set_field`, which validates the candidate requirement profile with the same
pydantic model the scoring core uses, so a tampered post changes nothing, and records who changed what.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from pydantic import ValidationError

from vendoreval.accounts.models import Organisation
from vendoreval.catalog import selectors as catalog_selectors
from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.models import EvaluationResult, RequirementProfile, SealMinimum, SensitivityResult
from vendoreval.scoring.sensitivity import analyse_sensitivity

from .context import EvaluationContext
from .models import AuditEvent, Classification, Evaluation
from .rules import EffectiveMustHave, effective_must_haves, rule_must_haves, scoring_must_haves

GENERAL_PRESET = "general"


class FieldError(Exception):
    """A questionnaire value that cannot be saved; `message` is shown next to the field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# --- create ---------------------------------------------------------------------------------------------------------


def _unique_slug(organisation: Organisation, name: str) -> str:
    base = slugify(name)[:60] or "evaluation"
    slug, n = base, 2
    while Evaluation.objects.filter(organisation=organisation, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def evaluation_create(*, organisation: Organisation, name: str, actor, context: EvaluationContext) -> Evaluation:
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the evaluation a name, for example “LLM for engineering assistants 2027”.")
    preset = context.preset(GENERAL_PRESET)
    evaluation = Evaluation.objects.create(
        organisation=organisation, name=name[:200], slug=_unique_slug(organisation, name), created_by=actor,
        checklist=context.checklist,
        trusted_countries=list(context.default_trusted),
        acceptable_modes=[value for value, _ in context.mode_choices],
        area_weights=dict(preset["weights"]) if preset else {a.key: 1 for a in context.spec.areas},
    )
    AuditEvent.objects.create(evaluation=evaluation, actor=actor, action="created", new_value=name)
    return evaluation


# --- the requirement profile --------------------------------------------------------------------------------------


def must_haves_of(evaluation: Evaluation, context: EvaluationContext) -> list[EffectiveMustHave]:
    rules = rule_must_haves(
        sector_preset=context.preset(evaluation.sector), classification=evaluation.classification,
        regulations=evaluation.regulations, classification_rules=context.checklist.classification_rules,
        regulation_rules=context.checklist.regulation_rules)
    return effective_must_haves(rules, evaluation.overrides, evaluation.must_haves, context.criterion_order)


def profile_data(evaluation: Evaluation, context: EvaluationContext) -> dict:
    """The evaluation's answers as RequirementProfile input (validated separately)."""
    return {
        "area_weights": evaluation.area_weights,
        "acceptable_modes": evaluation.acceptable_modes,
        "must_haves": [m.model_dump() for m in scoring_must_haves(must_haves_of(evaluation, context))],
        "seal_minimums": [SealMinimum(objective=k, min_level=v, reason="set by the buyer").model_dump()
                          for k, v in sorted(evaluation.seal_minimums.items())],
        "trusted_countries": evaluation.trusted_countries,
        "own_hosting_levels": evaluation.own_hosting_levels,
    }


def requirement_profile(evaluation: Evaluation, context: EvaluationContext) -> RequirementProfile:
    return RequirementProfile.model_validate(profile_data(evaluation, context), context={"checklist": context.spec})


# --- change one field --------------------------------------------------------------------------------------------


def _level(raw: str, field: str, *, allow_blank: bool) -> int | None:
    raw = raw.strip()
    if raw == "" and allow_blank:
        return None
    try:
        level = int(raw)
    except ValueError:
        raise FieldError(field, f"Choose a level from 0 to 4 (got “{raw}”).") from None
    if not 0 <= level <= 4:
        raise FieldError(field, f"Levels run from 0 to 4 (got {level}).")
    return level


def _parse(evaluation: Evaluation, field: str, values: Sequence[str], context: EvaluationContext) -> dict:
    """Turn posted values into {model attribute: new value}; raise FieldError with a message for people."""
    first = values[0].strip() if values else ""
    kind, _, key = field.partition(":")
    if kind in ("must_have", "override", "own_hosting") and key not in context.criteria_by_key:
        raise FieldError(field, f"Unknown criterion “{key}”.")
    if kind == "seal" and key not in {o.key for o in context.spec.objectives}:
        raise FieldError(field, f"Unknown CSF objective “{key}”.")
    if field == "name":
        if not first:
            raise FieldError(field, "The evaluation needs a name.")
        return {"name": first[:200]}
    if field == "use_cases":
        return {"use_cases": first[:5000]}
    if field == "sector":
        if first and context.preset(first) is None:
            raise FieldError(field, f"Unknown sector “{first}”.")
        changes = {"sector": first}
        old_preset = context.preset(evaluation.sector) or context.preset(GENERAL_PRESET)
        new_preset = context.preset(first)
        # A sector brings its preset weights unless the buyer has already tuned the weights.
        if new_preset and (not evaluation.area_weights or old_preset and evaluation.area_weights == old_preset["weights"]):
            changes["area_weights"] = dict(new_preset["weights"])
        return changes
    if field == "classification":
        if first and first not in Classification.values:
            raise FieldError(field, f"Unknown data classification “{first}”.")
        return {"classification": first}
    if field == "regulations":
        known = {r["key"] for r in context.regulations}
        unknown = sorted(set(values) - known)
        if unknown:
            raise FieldError(field, f"Unknown regulation {', '.join(unknown)}.")
        return {"regulations": sorted(set(values))}
    if field == "trusted_countries":
        if not values:
            raise FieldError(field, "Trust at least one jurisdiction; the default is every EU and EEA country.")
        return {"trusted_countries": sorted({v.strip().upper() for v in values})}
    if field == "acceptable_modes":
        if not values:
            raise FieldError(field, "Accept at least one deployment mode.")
        return {"acceptable_modes": sorted(set(values))}
    if kind == "weight" and key:
        try:
            weight = float(first)
        except ValueError:
            raise FieldError(field, f"Enter a number, for example 15 (got “{first}”).") from None
        if weight < 0 or weight != weight or weight == float("inf"):
            raise FieldError(field, "A weight cannot be negative.")
        if key not in context.area_names:
            raise FieldError(field, f"Unknown area “{key}”.")
        return {"area_weights": {**evaluation.area_weights, key: weight}}
    if kind == "must_have" and key:
        level = _level(first, field, allow_blank=True)
        must = {k: v for k, v in evaluation.must_haves.items() if k != key}
        if level is not None:
            must[key] = level
        return {"must_haves": must}
    if kind == "override" and key:
        level = _level(first, field, allow_blank=True)
        reason = values[1].strip() if len(values) > 1 else ""
        overrides = {k: v for k, v in evaluation.overrides.items() if k != key}
        if values and (first or reason):
            if not reason:
                raise FieldError(field, "Say why this must-have does not apply; the reason is kept in the audit "
                                        "trail and the report.")
            overrides[key] = {"level": level, "reason": reason[:500]}
        return {"overrides": overrides}
    if kind == "seal" and key:
        level = _level(first, field, allow_blank=True)
        seals = {k: v for k, v in evaluation.seal_minimums.items() if k != key}
        if level is not None:
            seals[key] = level
        return {"seal_minimums": seals}
    if kind == "own_hosting" and key:
        level = _level(first, field, allow_blank=False)
        return {"own_hosting_levels": {**evaluation.own_hosting_levels, key: level}}
    if field == "shortlist":
        return {"shortlist": list(dict.fromkeys(v for v in values if v))}
    raise FieldError(field, "This question does not exist.")


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(err["msg"].removeprefix("Value error, ") for err in exc.errors())


@transaction.atomic
def evaluation_set_field(*, evaluation: Evaluation, field: str, values: Sequence[str], actor,
                         context: EvaluationContext) -> list[str]:
    """Validate and save one questionnaire answer. Returns the names of the attributes that changed."""
    # A fresh, locked copy: concurrent autosaves of different fields never overwrite each other, and a rejected
    # value is never left on the caller's object.
    candidate = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    changes = _parse(candidate, field, values, context)
    old = {attr: getattr(candidate, attr) for attr in changes}
    for attr, value in changes.items():
        setattr(candidate, attr, value)
    try:
        requirement_profile(candidate, context)
    except ValidationError as exc:
        raise FieldError(field, _validation_message(exc)) from None
    changed = [attr for attr in changes if old[attr] != changes[attr]]
    if changed:
        candidate.save(update_fields=[*changed, "updated_at"])
        AuditEvent.objects.bulk_create(
            AuditEvent(evaluation=candidate, actor=actor, action="changed", field=attr, old_value=old[attr],
                       new_value=changes[attr]) for attr in changed)
    return changed


# --- scoring ----------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    profile: RequirementProfile
    result: EvaluationResult
    sensitivity: SensitivityResult | None  # None when asked for no samples (comparison page)
    offerings: dict[str, catalog_selectors.OfferingProfile]
    must_haves: list[EffectiveMustHave]
    catalog_as_of: object


def evaluation_outcome(evaluation: Evaluation, context: EvaluationContext, *, samples: int = 2000,
                       today=None) -> Outcome:
    """Score every offering visible to the evaluation's organisation against its requirement profile.

    `today` decides which evidence is stale; a report passes its snapshot date so the same snapshot gives the same
    report whenever it is rendered.
    """
    profile = requirement_profile(evaluation, context)
    offerings = catalog_selectors.offering_profiles(
        catalog_selectors.offerings_for([evaluation.organisation]), checklist=context.checklist,
        trusted=profile.trusted_countries, today=today or timezone.localdate())
    inputs = [p.as_input() for p in offerings]
    result = score_offerings(context.spec, profile, inputs)
    sensitivity = analyse_sensitivity(context.spec, profile, inputs, samples=samples,
                                      result=result) if samples else None
    release = catalog_selectors.current_release()
    return Outcome(profile=profile, result=result, sensitivity=sensitivity,
                   offerings={p.offering.key: p for p in offerings}, must_haves=must_haves_of(evaluation, context),
                   catalog_as_of=release.as_of if release else None)


def evaluation_record_catalog(*, evaluation: Evaluation, as_of, actor) -> bool:
    """Remember which catalog as-of date the evaluation was (last) scored against; audited when it changes."""
    if as_of is None or evaluation.catalog_as_of == as_of:
        return False
    old = evaluation.catalog_as_of
    Evaluation.objects.filter(pk=evaluation.pk).update(catalog_as_of=as_of)
    evaluation.catalog_as_of = as_of
    AuditEvent.objects.create(evaluation=evaluation, actor=actor, action="scored", field="catalog_as_of",
                              old_value=old.isoformat() if old else None, new_value=as_of.isoformat(),
                              note="scored against the catalog as of this date")
    return True


def evaluation_set_shortlist(*, evaluation: Evaluation, keys: Sequence[str], actor,
                             context: EvaluationContext) -> list[str]:
    """The offerings the report details: 1–10 of those visible to the evaluation's organisation."""
    from vendoreval.catalog.models import Offering

    keys = list(dict.fromkeys(k for k in keys if k))
    visible = set(Offering.objects.visible_to([evaluation.organisation]).filter(key__in=keys)
                  .values_list("key", flat=True))
    unknown = [k for k in keys if k not in visible]
    if unknown:
        raise FieldError("shortlist", f"Unknown offering {', '.join(unknown)}.")
    if not 1 <= len(keys) <= 10:
        raise FieldError("shortlist", "A shortlist holds between 1 and 10 offerings.")
    return evaluation_set_field(evaluation=evaluation, field="shortlist", values=keys, actor=actor, context=context)
