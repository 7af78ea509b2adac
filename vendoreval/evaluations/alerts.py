"""Catalog changes reach the buyers who relied on the catalog.

When a catalog revision commits, a background task looks at every evaluation: an answer that changed level on a
criterion carrying weight or a must-have, for an offering of its shortlist (or the top of its ranking when no
shortlist is chosen), or an offering newly excluded from the shortlist or newly admitted, is recorded in the
evaluation's activity and mailed — one digest per person and revision — to its owners and evaluators who have not
switched catalog alerts off.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django_tasks import task

from vendoreval.accounts.models import Membership, Role, wants_catalog_alerts
from vendoreval.catalog.models import CatalogRevision
from vendoreval.catalog.revisions import revision_committed

from .context import evaluation_context
from .models import AuditEvent, Evaluation
from .services import evaluation_outcome

TOP_OF_RANKING = 3


@dataclasses.dataclass
class EvaluationAlert:
    evaluation: Evaluation
    lines: list[str]


@receiver(revision_committed, dispatch_uid="catalog-alerts")
def _on_revision(sender, revision_id: int, **kwargs) -> None:
    catalog_revision_alerts.enqueue(revision_id)


@task()
def catalog_revision_alerts(revision_id: int) -> int:
    """Record and mail what the revision changed for each evaluation; returns the number of e-mails sent."""
    revision = CatalogRevision.objects.filter(pk=revision_id).first()
    if revision is None:
        return 0
    alerts = [alert for evaluation in _evaluations_not_seen(revision_id)
              if (alert := evaluation_alert(evaluation, revision)) is not None]
    return _mail(revision, alerts)


def _evaluations_not_seen(revision_id: int):
    query = Evaluation.objects.filter(alerts_revision__lt=revision_id)
    query = query.filter(archived_at__isnull=True)
    return query.select_related("organisation", "checklist")


def _answer_changes(revision: CatalogRevision) -> dict[str, list]:
    changes = defaultdict(list)
    for change in revision.changes.filter(model="answer").exclude(offering_key=""):
        if (change.old_level, change.old_status) != (change.new_level, change.new_status):
            changes[change.offering_key].append(change)
    return changes


def _level(level, status) -> str:
    if status == "buyer_controlled":
        return "yours"
    return "unknown" if level is None else str(level)


def evaluation_alert(evaluation: Evaluation, revision: CatalogRevision) -> EvaluationAlert | None:
    """What this revision changed for this evaluation (recorded in its activity), or None when nothing mattered."""
    context = evaluation_context(evaluation.checklist)
    outcome = evaluation_outcome(evaluation, context, samples=0)
    results = {r.key: r for r in (*outcome.result.ranking, *outcome.result.excluded)}
    shortlist = [k for k in evaluation.shortlist if k in results] or [r.key for r in
                                                                     outcome.result.ranking[:TOP_OF_RANKING]]
    must = {m.criterion for m in outcome.profile.must_haves}
    weighted = {a for a, w in outcome.profile.area_weights.items() if w > 0}
    areas = {c.key: c.area.key for c in context.criteria}
    lines = []
    changes = _answer_changes(revision)
    for key in shortlist:
        for change in changes.get(key, []):
            if change.criterion_key in must or areas.get(change.criterion_key) in weighted:
                lines.append(f"{results[key].name}: {change.criterion_key} "
                             f"{context.criteria_by_key[change.criterion_key].title} "
                             f"{_level(change.old_level, change.old_status)} → "
                             f"{_level(change.new_level, change.new_status)}")
    state = {"passing": sorted(r.key for r in outcome.result.ranking),
             "excluded": sorted(r.key for r in outcome.result.excluded)}
    before = evaluation.alert_state
    if before:
        for key in state["passing"]:
            if key in before.get("excluded", []):
                lines.append(f"{results[key].name} now passes every requirement")
        for key in shortlist:
            if key in state["excluded"] and key in before.get("passing", []):
                lines.append(f"{results[key].name} is now excluded: {results[key].knockouts[0].reason}")
    # kept apart from the evaluation's own fields: updating them changes neither its version nor its results
    Evaluation.objects.filter(pk=evaluation.pk).update(alert_state=state, alerts_revision=revision.pk)
    if not lines:
        return None
    AuditEvent.objects.create(evaluation=evaluation, actor=None, action="catalog_changed", field="catalog",
                              new_value={"revision": revision.pk, "changes": lines},
                              note=f"catalog revision {revision.pk}: {revision.reason}")
    return EvaluationAlert(evaluation, lines)


def _mail(revision: CatalogRevision, alerts: list[EvaluationAlert]) -> int:
    by_user: dict = defaultdict(list)
    members = Membership.objects.filter(
        Q(role=Role.OWNER) | Q(role=Role.EVALUATOR),
        organisation__in={a.evaluation.organisation_id for a in alerts}).select_related("user")
    for alert in alerts:
        for membership in members:
            if membership.organisation_id == alert.evaluation.organisation_id and membership.user.email:
                by_user[membership.user].append(alert)
    sent = 0
    base = getattr(settings, "VENDOREVAL_BASE_URL", "").rstrip("/")
    for user, user_alerts in by_user.items():
        if not wants_catalog_alerts(user):
            continue
        body = [f"Catalog revision {revision.pk} ({revision.created_at:%Y-%m-%d}): {revision.reason}", ""]
        for alert in user_alerts:
            evaluation = alert.evaluation
            url = base + reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug,
                                                              "slug": evaluation.slug})
            body += [f"{evaluation.name} ({evaluation.organisation.name}):", *(f"  - {line}" for line in alert.lines),
                     f"  Results: {url}", ""]
        body.append("You receive this because catalog alerts are on for your account; switch them off at "
                    f"{base}{reverse('alert-settings')}.")
        send_mail(subject=f"VendorEval: catalog revision {revision.pk} affects {len(user_alerts)} evaluation"
                          f"{'s' if len(user_alerts) != 1 else ''}",
                  message="\n".join(body), from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email])
        sent += 1
    return sent
