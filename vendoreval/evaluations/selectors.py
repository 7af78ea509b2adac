from __future__ import annotations

import dataclasses

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from vendoreval.checklist.models import SectorPreset, localized

from .models import AuditEvent, Evaluation
from .questionnaire import progress

# Audit actions that change nothing in the evaluation's answers (not a "last change")
NOT_CHANGES = ("report_generated", "archived", "unarchived", "duplicated", "report_language")


def evaluations_for_user(user) -> QuerySet[Evaluation]:
    """Evaluations of every organisation the user belongs to."""
    return (Evaluation.objects.filter(organisation__memberships__user=user)
            .select_related("organisation").order_by("-updated_at"))


@dataclasses.dataclass(frozen=True)
class ListedEvaluation:
    """An evaluation as the list shows it."""

    evaluation: Evaluation
    sector: str  # the sector's name in the reading language, or "" when not chosen
    complete: bool  # every questionnaire step answered, and the answers a recommendation needs
    remaining: list[str]  # the steps not answered yet
    changed_at: object  # datetime of the last change to the answers
    changed_by: str
    report: str  # document id of the latest report generated, or ""
    report_at: object


def _latest(action_filter: Q, value: str) -> Subquery:
    return Subquery(AuditEvent.objects.filter(action_filter, evaluation=OuterRef("pk"))
                    .order_by("-at", "-pk").values(value)[:1])


def evaluation_list(user, *, archived: bool | None = False, pk: int | None = None) -> list[ListedEvaluation]:
    """The user's evaluations as the list shows them: the default list without the archived ones, or only those
    (`archived=None`: both; `pk`: just that one)."""
    changes, reports = ~Q(action__in=NOT_CHANGES), Q(action="report_generated")
    found = evaluations_for_user(user)
    if archived is not None:
        found = found.filter(archived_at__isnull=not archived)
    if pk is not None:
        found = found.filter(pk=pk)
    evaluations = list(
        found
        .annotate(changed_at=_latest(changes, "at"), changed_by=_latest(changes, "actor__username"),
                  report=_latest(reports, "note"), report_at=_latest(reports, "at")))
    sectors = {(checklist, key): localized(translations, "name", name)
               for checklist, key, name, translations in SectorPreset.objects.filter(
                   checklist_id__in={e.checklist_id for e in evaluations}).values_list(
                   "checklist_id", "key", "name", "translations")}
    listed = []
    for e in evaluations:
        done = progress(e)
        listed.append(ListedEvaluation(
            evaluation=e, sector=sectors.get((e.checklist_id, e.sector), e.sector),
            complete=not done["remaining"] and e.trusted_confirmed,
            remaining=done["remaining"] + ([] if e.trusted_confirmed or not done["done"]["jurisdictions"]
                                           else [_("Trusted jurisdictions (confirm the suggestion)")]),
            changed_at=e.changed_at or e.updated_at, changed_by=e.changed_by or "",
            report=e.report or "", report_at=e.report_at))
    return listed


def archived_counts(user) -> dict[int, int]:
    """Archived evaluations per organisation (id) of the user."""
    return dict(evaluations_for_user(user).order_by().values_list("organisation_id")
                .annotate(n=Count("pk", filter=Q(archived_at__isnull=False))).values_list("organisation_id", "n"))
