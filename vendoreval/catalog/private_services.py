"""Writes of an organisation's private offerings: the offering itself and its checklist answers.

A private offering (e.g. an in-house deployment) belongs to one organisation, is seen and scored only by its members,
and obeys the same rules as the shared catalog (`rules.py`): a level needs a source, an unknown answer says why, and
criteria decided by the buyer's own hosting are buyer-controlled exactly when the buyer hosts it. The forms in
`private_forms.py` validate; these functions write what they cleaned. The shared catalog (organisation NULL) is never
written here; it is edited through the admin and the data files.

Every write records `actor` as the history user, so the admin history says who changed what.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from vendoreval.accounts.models import Organisation
from vendoreval.checklist.models import ChecklistVersion, Criterion
from vendoreval.checklist.selectors import current_checklist
from vendoreval.slugs import create_with_unique_slug, slug_base

from .models import Answer, Evidence, Offering
from .private_forms import AnswerTarget
from .rules import buyer_controlled_required, not_assessed


def answerable_criteria(checklist: ChecklistVersion) -> list[Criterion]:
    """The criteria typed in by hand: derived ones are computed from the company and hosting chain."""
    return list(checklist.criteria.filter(derived=False).select_related("area").order_by("position", "key"))


# --- the offering -----------------------------------------------------------------------------------------------


def _offering_values(data: dict) -> tuple[dict, list]:
    """Model values and the processing regions from a PrivateOfferingForm's cleaned data."""
    values = {name: data[name] for name in ("name", "product", "vendor", "model_provider", "deployment_mode",
                                            "hosting_operator", "model_licence", "summary")}
    return values, sorted(c.code for c in data["processing_regions"])


@transaction.atomic
def private_offering_create(*, organisation: Organisation, actor, data: dict) -> Offering:
    """Add a private offering from `PrivateOfferingForm.cleaned_data`; its answers start as not assessed."""
    values, regions = _offering_values(data)
    max_length = Offering._meta.get_field("key").max_length

    def create(key: str) -> Offering:
        offering = Offering(key=key, organisation=organisation, **values)
        offering._history_user = actor
        offering._change_reason = f"private offering added by {organisation.name}"
        offering.save()
        return offering

    offering = create_with_unique_slug(
        create, slug_base(f"{organisation.slug}-{values['name']}", max_length=max_length, fallback=organisation.slug),
        taken=lambda key: Offering.objects.filter(key=key).exists())
    offering.processing_regions.set(regions)
    _conform_answers(offering, actor)
    return offering


@transaction.atomic
def private_offering_update(*, offering: Offering, actor, data: dict) -> Offering:
    _ensure_private(offering)
    values, regions = _offering_values(data)
    changed = [name for name, value in values.items() if getattr(offering, name) != value]
    offering._history_user = actor
    if changed:
        for name in changed:
            setattr(offering, name, values[name])
        offering.save(update_fields=changed)
    if sorted(offering.processing_regions.values_list("code", flat=True)) != regions:
        offering.processing_regions.set(regions)
    _conform_answers(offering, actor)
    return offering


def _ensure_private(offering: Offering) -> None:
    if offering.organisation_id is None:
        raise ValueError("The shared catalog is edited through the catalog admin, not by organisations.")


def _conform_answers(offering: Offering, actor) -> None:
    """Give every answerable criterion an answer, buyer-controlled exactly where the buyer's hosting decides.

    A change of hosting can flip that: a buyer-controlled answer of an offering that now has an operator goes back to
    unknown, and a criterion the buyer now decides becomes buyer-controlled.
    """
    checklist = current_checklist()
    answers = {a.criterion_id: a for a in offering.answers.all()}
    organisation = offering.organisation
    for criterion in answerable_criteria(checklist):
        answer = answers.get(criterion.pk) or Answer(offering=offering, criterion=criterion, status=Answer.UNKNOWN,
                                                      rationale=not_assessed(organisation))
        required = buyer_controlled_required(criterion, offering)
        if required and answer.status != Answer.BUYER_CONTROLLED:
            answer.status, answer.level = Answer.BUYER_CONTROLLED, None
            answer.rationale = f"Decided by {organisation.name}'s own hosting."
        elif not required and answer.status == Answer.BUYER_CONTROLLED:
            answer.status, answer.level, answer.rationale = Answer.UNKNOWN, None, not_assessed(organisation)
        elif answer.pk is not None:
            continue
        answer._history_user = actor
        answer.save()


# --- the answers ----------------------------------------------------------------------------------------------


def first_sources(answers: Sequence[Answer]) -> dict[int, Evidence]:
    """The first source of each answer (the one the answers page edits), by answer pk, in one query."""
    ct = ContentType.objects.get_for_model(Answer)
    sources: dict[int, Evidence] = {}
    for e in Evidence.objects.filter(content_type=ct, object_id__in=[a.pk for a in answers]).order_by("position", "pk"):
        sources.setdefault(e.object_id, e)
    return sources


@transaction.atomic
def private_answers_save(*, offering: Offering, actor, targets: Sequence[AnswerTarget]) -> None:
    """Save validated answer rows together. Each row manages the answer's first source (further sources, if a catalog
    editor added any, are kept)."""
    _ensure_private(offering)
    answers = {a.criterion_id: a for a in Answer.objects.select_for_update().filter(offering=offering)}
    for target in targets:
        _write(offering, answers.get(target.criterion.pk), target, actor)


def _write(offering: Offering, answer: Answer | None, target: AnswerTarget, actor) -> None:
    """Save what changed only, so the history shows real changes."""
    if answer is None:
        answer = Answer(offering=offering, criterion=target.criterion)
    values = {"status": target.status, "level": target.level, "rationale": target.rationale}
    answer._history_user = actor
    if answer.pk is None or any(getattr(answer, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(answer, name, value)
        answer.save()
    first = answer.evidence.order_by("position", "pk").first()
    if target.source is None:
        if first is not None:
            first._history_user = actor
            first.delete()
        return
    source = dataclasses.asdict(target.source)
    if first is None:
        first = Evidence(subject=answer, position=0)
    elif all(getattr(first, name) == value for name, value in source.items()):
        return
    for name, value in source.items():
        setattr(first, name, value)
    first._history_user = actor
    first.save()
