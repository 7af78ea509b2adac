"""An evaluation's requirement profile: its answers as the scoring core reads them, with the must-haves the rules
add."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vendoreval.scoring.models import RequirementProfile, SealMinimum

from .context import EvaluationContext
from .models import Evaluation
from .rules import EffectiveMustHave, effective_must_haves, rule_must_haves, scoring_must_haves


def must_haves_of(evaluation: Evaluation, context: EvaluationContext) -> list[EffectiveMustHave]:
    rules = rule_must_haves(
        sector_preset=context.preset(evaluation.sector), classification=evaluation.classification,
        regulations=evaluation.regulations, classification_rules=context.checklist.classification_rules,
        regulation_rules=context.checklist.regulation_rules)
    return effective_must_haves(rules, evaluation.overrides, evaluation.must_haves, context.criterion_order)


def profile_data(evaluation: Evaluation, context: EvaluationContext) -> dict:
    """The evaluation's answers as RequirementProfile input (validated separately)."""
    return {
        "area_weights": {a.key: evaluation.area_weights.get(a.key, 0) for a in context.spec.areas},
        "acceptable_modes": evaluation.acceptable_modes,
        "must_haves": [m.model_dump() for m in scoring_must_haves(must_haves_of(evaluation, context))],
        "seal_minimums": [SealMinimum(objective=k, min_level=v, reason=_("set by the buyer")).model_dump()
                          for k, v in sorted(evaluation.seal_minimums.items())
                          if k in {o.key for o in context.spec.objectives}],
        "trusted_countries": evaluation.trusted_countries,
        "own_hosting_levels": {k: v for k, v in evaluation.own_hosting_levels.items() if k in context.criteria_by_key},
        "uses": sorted(intended_uses(evaluation, context)),
        "monthly_users": evaluation.monthly_users,
    }


def intended_uses(evaluation: Evaluation, context: EvaluationContext) -> set[str]:
    """The uses the model licence must permit: those the sector brings and those the buyer declared."""
    preset = context.preset(evaluation.sector) or {}
    return set(preset.get("uses", ())) | set(evaluation.licence_uses)


def requirement_profile(evaluation: Evaluation, context: EvaluationContext) -> RequirementProfile:
    return RequirementProfile.model_validate(profile_data(evaluation, context), context={"checklist": context.spec})
