"""Writes of evaluations: create, answer one question (validated, audited), and score.

Every answer goes through `evaluation_answer`: the question (`questions.py`) cleans the posted value, then the
candidate requirement profile is validated with the same pydantic model the scoring core uses, so a tampered post
changes nothing, and an audit row records who changed what.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import ValidationError

from vendoreval.accounts.models import Organisation
from vendoreval.catalog import selectors as catalog_selectors
from vendoreval.catalog.revisions import latest_revision_number
from vendoreval.scoring.engine import blockers, score_offerings
from vendoreval.scoring.exposure import Buyer
from vendoreval.scoring.models import Blocker, EvaluationResult, RequirementProfile, SensitivityResult
from vendoreval.scoring.sensitivity import analyse_sensitivity
from vendoreval.slugs import create_with_unique_slug, slug_base

from .context import EvaluationContext
from .history import dropped_item
from .models import AuditEvent, DeletedEvaluation, Evaluation
from .profile import must_haves_of, requirement_profile
from .questions import GENERAL_PRESET, NAME_MAX, FieldError, Question, clean_text
from .questions import question as find_question
from .rules import EffectiveMustHave

# --- create ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def report_language_of(language: str | None) -> str:
    """The report language for a page language ("fr-ch" -> "fr"); English when it is not one of the app's."""
    code = (language or "en").split("-")[0]
    return code if code in {c for c, _ in settings.LANGUAGES} else "en"


def evaluation_create(*, organisation: Organisation, name: str, actor, context: EvaluationContext) -> Evaluation:
    name = clean_text("name", name, max_length=NAME_MAX)
    if not name:
        raise FieldError("name", _("Give the evaluation a name, for example “LLM for engineering assistants "
                                   "2027”."))
    preset = context.preset(GENERAL_PRESET)

    def create(slug: str) -> Evaluation:
        return Evaluation.objects.create(
            organisation=organisation, name=name, slug=slug, created_by=actor, checklist=context.checklist,
            report_language=report_language_of(translation.get_language()),
            trusted_countries=list(context.default_trusted),
            acceptable_modes=[value for value, _ in context.mode_choices],
            area_weights=dict(preset["weights"]) if preset else {a.key: 1 for a in context.spec.areas},
        )

    slug_length = Evaluation._meta.get_field("slug").max_length
    evaluation = create_with_unique_slug(
        create, slug_base(name, max_length=slug_length, fallback="evaluation"),
        taken=lambda slug: Evaluation.objects.filter(organisation=organisation, slug=slug).exists())
    AuditEvent.objects.create(evaluation=evaluation, actor=actor, action="created", new_value=name)
    return evaluation


def evaluation_report_language(*, evaluation: Evaluation, language: str, actor) -> bool:
    """Make `language` the evaluation's report language. Not a change of the evaluation's content: its last-change
    time (and so its report snapshot) stays as it is; the choice is recorded. True when it changed."""
    changed = Evaluation.objects.filter(pk=evaluation.pk).exclude(report_language=language).update(
        report_language=language)
    if changed:
        AuditEvent.objects.create(evaluation=evaluation, actor=actor, action="report_language",
                                  old_value=evaluation.report_language, new_value=language)
        evaluation.report_language = language
    return bool(changed)


# --- manage: duplicate, archive, delete ------------------------------------------------------------------------------

# What a copy takes over: the requirement profile, as a template for a new use case (not the use cases themselves,
# the expected users, the shortlist or the history).
PROFILE_FIELDS = ("sector", "classification", "trusted_countries", "trusted_confirmed", "acceptable_modes",
                  "regulations", "area_weights", "must_haves", "overrides", "seal_minimums", "own_hosting_levels",
                  "licence_uses")


@transaction.atomic
def evaluation_duplicate(*, evaluation: Evaluation, name: str, actor, context: EvaluationContext) -> Evaluation:
    """A new evaluation in the same organisation with `evaluation`'s requirement profile under a new name, on the
    same checklist version; its history starts with its creation, which names the original."""
    name = clean_text("name", name, max_length=NAME_MAX)
    if not name:
        raise FieldError("name", _("Give the copy a name, for example the new use case it is for."))
    source = Evaluation.objects.select_related("checklist").get(pk=evaluation.pk)
    profile = {field: copy.deepcopy(getattr(source, field)) for field in PROFILE_FIELDS}

    def create(slug: str) -> Evaluation:
        return Evaluation.objects.create(organisation=source.organisation, name=name, slug=slug, created_by=actor,
                                         checklist=source.checklist, **profile)

    slug_length = Evaluation._meta.get_field("slug").max_length
    duplicate = create_with_unique_slug(
        create, slug_base(name, max_length=slug_length, fallback="evaluation"),
        taken=lambda slug: Evaluation.objects.filter(organisation=source.organisation, slug=slug).exists())
    requirement_profile(duplicate, context)  # the copied answers form a valid profile on the same checklist
    # notes are stored in English and read in the reader's language (`history`)
    AuditEvent.objects.create(evaluation=duplicate, actor=actor, action="created", new_value=name,
                              note=f"copy of the requirement profile of “{source.name}”")
    AuditEvent.objects.create(evaluation=source, actor=actor, action="duplicated", new_value=name)
    return duplicate


def evaluation_archive(*, evaluation: Evaluation, actor, archived: bool = True) -> Evaluation:
    """Archive (or take out of the archive) an evaluation: it leaves the default list and stays readable. The answers
    and their last-change time are untouched, so the report's snapshot stays the same."""
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if (locked.archived_at is not None) != archived:
            locked.archived_at = timezone.now() if archived else None
            Evaluation.objects.filter(pk=locked.pk).update(archived_at=locked.archived_at)  # updated_at unchanged
            AuditEvent.objects.create(evaluation=locked, actor=actor, action="archived" if archived else "unarchived")
    evaluation.archived_at = locked.archived_at
    return evaluation


@transaction.atomic
def evaluation_delete(*, evaluation: Evaluation, actor, context: EvaluationContext) -> DeletedEvaluation:
    """Delete an evaluation with its history and reports (their stored PDFs go once the deletion commits); the
    organisation keeps a record of who deleted what."""
    locked = Evaluation.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=evaluation.pk)
    last = locked.audit_events.exclude(action__in=("report_generated", "archived", "unarchived", "duplicated")
                                       ).order_by("-at", "-pk").values_list("at", flat=True).first()
    record = DeletedEvaluation.objects.create(
        organisation_id=locked.organisation_id, name=locked.name, slug=locked.slug,
        sector=(context.preset(locked.sector) or {}).get("name", locked.sector),
        created_at=locked.created_at, created_by=locked.created_by.get_username() if locked.created_by else "",
        last_changed_at=last or locked.updated_at,
        reports=locked.audit_events.filter(action="report_generated").count(),
        events=locked.audit_events.count(), deleted_by=actor, deleted_by_name=actor.get_username())
    locked.delete()
    return record


# --- answer one question --------------------------------------------------------------------------------------------


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(err["msg"].removeprefix("Value error, ") for err in exc.errors())


@transaction.atomic
def evaluation_answer(*, evaluation: Evaluation, question: Question, raw: Sequence[str], actor,
                      context: EvaluationContext) -> Evaluation:
    """Validate and save one answer; the whole requirement profile must stay valid. Returns the saved evaluation
    (a fresh, locked copy: concurrent autosaves of different fields never overwrite each other, and a rejected value
    is never left on the caller's object). Raises FieldError with a message for the field."""
    value = question.clean(list(raw), context)
    candidate = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    for relation in ("organisation", "checklist"):  # already loaded by the caller: no query to read them again
        if Evaluation._meta.get_field(relation).is_cached(evaluation):
            setattr(candidate, relation, getattr(evaluation, relation))
    changes = question.changes(candidate, value, context)
    old = {attr: getattr(candidate, attr) for attr in changes}
    for attr, new in changes.items():
        setattr(candidate, attr, new)
    try:
        requirement_profile(candidate, context)
    except ValidationError as exc:
        raise FieldError(question.name, _validation_message(exc)) from None
    changed = [attr for attr in changes if old[attr] != changes[attr]]
    if changed:
        candidate.save(update_fields=[*changed, "updated_at"])
        AuditEvent.objects.bulk_create(
            AuditEvent(evaluation=candidate, actor=actor, action="changed", field=attr, old_value=old[attr],
                       new_value=changes[attr]) for attr in changed)
    candidate.changed_fields = changed
    return candidate


def evaluation_set_field(*, evaluation: Evaluation, field: str, values: Sequence[str], actor,
                         context: EvaluationContext) -> list[str]:
    """Answer the question called `field` (seed data, commands, tests). Returns the attributes that changed."""
    found = find_question(field, evaluation, context)
    if found is None:
        raise FieldError(field, _("This question does not exist."))
    return evaluation_answer(evaluation=evaluation, question=found, raw=values, actor=actor,
                             context=context).changed_fields


# --- scoring ----------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    profile: RequirementProfile
    result: EvaluationResult
    sensitivity: SensitivityResult | None  # None when asked for no samples (comparison page)
    offerings: dict[str, catalog_selectors.OfferingProfile]
    must_haves: list[EffectiveMustHave]
    catalog_as_of: object
    catalog_revision: int = 0
    blockers: tuple[Blocker, ...] = ()  # requirements that knock offerings out, most blocking first
    missing: tuple[str, ...] = ()  # answers a recommendation needs that the buyer has not given
    unstated_own_hosting: tuple[str, ...] = ()  # criteria the buyer's own hosting decides, level not stated

    @property
    def ready(self) -> bool:
        """A recommendation needs the sector, the data classification and the trusted jurisdictions."""
        return not self.missing


def missing_answers(evaluation: Evaluation) -> tuple[str, ...]:
    """The questionnaire answers without which the results are no recommendation (and a report is a draft)."""
    missing = []
    if not evaluation.sector:
        missing.append(_("the sector"))
    if not evaluation.classification:
        missing.append(_("the data classification"))
    if not evaluation.trusted_confirmed:
        missing.append(_("the trusted jurisdictions (confirm the suggested EU + EEA or choose your own)"))
    return tuple(missing)


OUTCOME_CACHE_SIZE = 256
_outcomes: OrderedDict[tuple, Outcome] = OrderedDict()
_outcomes_lock = threading.Lock()


def evaluation_outcome(evaluation: Evaluation, context: EvaluationContext, *, samples: int = 2000,
                       today=None) -> Outcome:
    """The evaluation scored against every offering its organisation sees, computed once per state.

    The state is the evaluation's own version (its last change), the catalog revision, the organisation's private
    offerings, the checklist, the number of sensitivity samples, the day (which decides what is stale; a report
    passes its snapshot date) and the language its sentences are written in (the context's). Any write to one of
    them gives a new key, so a cached outcome is never stale; old keys fall out of the (per process) cache.
    """
    today = today or timezone.localdate()
    key = (evaluation.pk, evaluation.updated_at, evaluation.checklist_id,
           evaluation.organisation.private_catalog_version, latest_revision_number(), samples, today,
           context.language)
    with _outcomes_lock:
        if key in _outcomes:
            _outcomes.move_to_end(key)
            return _outcomes[key]
    outcome = _compute_outcome(evaluation, context, samples=samples, today=today)
    with _outcomes_lock:
        _outcomes[key] = outcome
        while len(_outcomes) > OUTCOME_CACHE_SIZE:
            _outcomes.popitem(last=False)
    return outcome


def forget_outcomes() -> None:
    with _outcomes_lock:
        _outcomes.clear()


def _compute_outcome(evaluation: Evaluation, context: EvaluationContext, *, samples: int, today) -> Outcome:
    profile = requirement_profile(evaluation, context)
    buyer = Buyer(trusted=profile.trusted_countries, uses=profile.uses, monthly_users=profile.monthly_users)
    offerings = catalog_selectors.offering_profiles(
        catalog_selectors.offerings_for([evaluation.organisation]), checklist=context.checklist, buyer=buyer,
        today=today)
    inputs = [p.as_input() for p in offerings]
    result = score_offerings(context.spec, profile, inputs)
    sensitivity = analyse_sensitivity(context.spec, profile, inputs, samples=samples,
                                      result=result) if samples else None
    state = catalog_selectors.catalog_state()
    buyer_hosted = any(a.status == "buyer_controlled" for p in offerings for a in p.answers)
    return Outcome(profile=profile, result=result, sensitivity=sensitivity,
                   offerings={p.offering.key: p for p in offerings}, must_haves=must_haves_of(evaluation, context),
                   catalog_as_of=state["as_of"], catalog_revision=state["revision"],
                   blockers=blockers(context.spec, profile, inputs, result), missing=missing_answers(evaluation),
                   unstated_own_hosting=tuple(c.key for c in context.criteria if c.buyer_controlled_when_self_hosted
                                              and c.key not in profile.own_hosting_levels) if buyer_hosted else ())


def evaluation_set_shortlist(*, evaluation: Evaluation, keys: Sequence[str], actor,
                             context: EvaluationContext) -> list[str]:
    """The offerings the report details: 1–10 of those visible to the evaluation's organisation."""
    from vendoreval.catalog.models import Offering

    keys = list(dict.fromkeys(k for k in keys if k))
    visible = set(Offering.objects.visible_to([evaluation.organisation]).filter(key__in=keys)
                  .values_list("key", flat=True))
    unknown = [k for k in keys if k not in visible]
    if unknown:
        raise FieldError("shortlist", ngettext("Unknown offering %(keys)s.", "Unknown offerings %(keys)s.",
                                               len(unknown)) % {"keys": ", ".join(unknown)})
    if not 1 <= len(keys) <= 10:
        raise FieldError("shortlist", _("A shortlist holds between 1 and 10 offerings."))
    return evaluation_set_field(evaluation=evaluation, field="shortlist", values=keys, actor=actor, context=context)


# --- checklist versions ---------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_adopt_checklist(*, evaluation: Evaluation, context: EvaluationContext, actor) -> list[str]:
    """Move the evaluation to `context.checklist`, carrying every answer over where its criterion, objective, area,
    preset or rule still exists. Returns what could not be carried over, in the reader's language (also recorded in
    the audit trail, in English: the activity reads it in its reader's language)."""
    candidate = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    old_version = candidate.checklist.version
    criteria = set(context.criteria_by_key)
    own_hosted = {c.key for c in context.criteria if c.buyer_controlled_when_self_hosted}
    objectives = {o.key for o in context.spec.objectives}
    regulations = {r["key"] for r in context.regulations}
    preset = context.preset(candidate.sector)
    dropped: list[str] = []

    def keep(mapping: dict, allowed: set[str], what: str) -> dict:
        dropped.extend(f"{what} {k}" for k in mapping if k not in allowed)
        return {k: v for k, v in mapping.items() if k in allowed}

    candidate.must_haves = keep(candidate.must_haves, criteria, "must-have on")
    candidate.overrides = keep(candidate.overrides, criteria, "override of")
    candidate.own_hosting_levels = keep(candidate.own_hosting_levels, own_hosted, "own-hosting level of")
    candidate.seal_minimums = keep(candidate.seal_minimums, objectives, "minimum SEAL of")
    candidate.regulations = [r for r in candidate.regulations if r in regulations]
    if candidate.sector and preset is None:
        dropped.append(f"sector {candidate.sector}")
        candidate.sector = ""
    weights = {a.key: candidate.area_weights.get(a.key, (preset or {}).get("weights", {}).get(a.key, 0))
               for a in context.spec.areas}
    candidate.area_weights = weights
    candidate.checklist = context.checklist
    requirement_profile(candidate, context)  # the carried-over answers must form a valid profile
    candidate.save()
    AuditEvent.objects.create(evaluation=candidate, actor=actor, action="changed", field="checklist",
                              old_value=old_version, new_value=context.checklist.version,
                              note="answers carried over" + (f"; not carried over: {', '.join(dropped)}"
                                                             if dropped else ""))
    return [dropped_item(d) for d in dropped]
