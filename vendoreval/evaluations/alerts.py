"""Catalog changes reach the buyers who relied on the catalog.

When a catalog revision commits, a background task looks at every evaluation: an answer that changed level on a
criterion carrying weight or a must-have, for an offering of its shortlist (or the top of its ranking when no
shortlist is chosen), or an offering newly excluded from the shortlist or newly admitted, is recorded in the
evaluation's activity and mailed — one digest per person and revision — to its owners and evaluators who have not
switched catalog alerts off. Each e-mail is written in its reader's language (the one chosen in their settings, else
the site's); the activity records the lines in English, its stored form.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_tasks import task

from vendoreval.accounts.models import Membership, Role, preferred_language, wants_catalog_alerts
from vendoreval.catalog.models import CatalogRevision
from vendoreval.catalog.revisions import revision_committed

from .context import evaluation_context
from .models import AuditEvent, Evaluation
from .services import evaluation_outcome

TOP_OF_RANKING = 3


@dataclasses.dataclass
class EvaluationAlert:
    evaluation: Evaluation
    lines: list[str]  # in the language active when the alert was made
    items: list[tuple] = dataclasses.field(default_factory=list)  # what the lines say, to write them in a language
    _written: dict[str, list[str]] = dataclasses.field(default_factory=dict, repr=False)

    def lines_in(self, language: str) -> list[str]:
        """The lines in `language` (criterion titles and exclusion reasons in that language too)."""
        if language not in self._written:
            with translation.override(language):
                self._written[language] = _alert_lines(self.evaluation, self.items)
        return self._written[language]


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
        return pgettext("level of an answer the buyer's own hosting decides", "yours")
    return pgettext("level of an answer", "unknown") if level is None else str(level)


def _alert_lines(evaluation: Evaluation, items: list[tuple]) -> list[str]:
    """The alert's lines in the active language."""
    context = evaluation_context(evaluation.checklist)
    outcome = evaluation_outcome(evaluation, context, samples=0)
    results = {r.key: r for r in (*outcome.result.ranking, *outcome.result.excluded)}
    lines = []
    for kind, key, *rest in items:
        if kind == "level":
            criterion, old_level, old_status, new_level, new_status = rest
            lines.append(_("%(offering)s: %(criterion)s %(old)s → %(new)s") % {
                "offering": results[key].name,
                "criterion": f"{criterion} {context.criteria_by_key[criterion].local_title}",
                "old": _level(old_level, old_status), "new": _level(new_level, new_status)})
        elif kind == "passes":
            lines.append(_("%(offering)s now passes every requirement") % {"offering": results[key].name})
        elif kind == "excluded":
            lines.append(_("%(offering)s is now excluded: %(reason)s") % {
                "offering": results[key].name, "reason": results[key].knockouts[0].reason})
    return lines


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
    items: list[tuple] = []
    changes = _answer_changes(revision)
    for key in shortlist:
        for change in changes.get(key, []):
            if change.criterion_key in must or areas.get(change.criterion_key) in weighted:
                items.append(("level", key, change.criterion_key, change.old_level, change.old_status,
                              change.new_level, change.new_status))
    state = {"passing": sorted(r.key for r in outcome.result.ranking),
             "excluded": sorted(r.key for r in outcome.result.excluded)}
    before = evaluation.alert_state
    if before:
        for key in state["passing"]:
            if key in before.get("excluded", []):
                items.append(("passes", key))
        for key in shortlist:
            if key in state["excluded"] and key in before.get("passing", []):
                items.append(("excluded", key))
    # kept apart from the evaluation's own fields: updating them changes neither its version nor its results
    Evaluation.objects.filter(pk=evaluation.pk).update(alert_state=state, alerts_revision=revision.pk)
    if not items:
        return None
    alert = EvaluationAlert(evaluation, [], items)
    alert.lines = alert.lines_in(translation.get_language() or settings.LANGUAGE_CODE)
    # the activity reads its notes in its reader's language (`history`); the lines are kept in English
    AuditEvent.objects.create(evaluation=evaluation, actor=None, action="catalog_changed", field="catalog",
                              new_value={"revision": revision.pk, "changes": alert.lines_in("en")},
                              note=f"catalog revision {revision.pk}: {revision.reason}")
    return alert


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
        language = preferred_language(user) or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body = _digest(revision, user_alerts, base, language)
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email])
        sent += 1
    return sent


def _digest(revision: CatalogRevision, alerts: list[EvaluationAlert], base: str, language: str) -> tuple[str, str]:
    """One person's e-mail (subject, body) in the active language."""
    body = [_("Catalog revision %(revision)s (%(date)s): %(reason)s") % {
        "revision": revision.pk, "date": f"{revision.created_at:%Y-%m-%d}", "reason": revision.reason}, ""]
    for alert in alerts:
        evaluation = alert.evaluation
        url = base + reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug,
                                                          "slug": evaluation.slug})
        body += [f"{evaluation.name} ({evaluation.organisation.name}):",
                 *(f"  - {line}" for line in alert.lines_in(language)),
                 "  " + _("Results: %(url)s") % {"url": url}, ""]
    body.append(_("You receive this because catalog alerts are on for your account; switch them off at "
                  "%(url)s.") % {"url": f"{base}{reverse('alert-settings')}"})
    subject = ngettext("VendorEval: catalog revision %(revision)s affects %(count)s evaluation",
                       "VendorEval: catalog revision %(revision)s affects %(count)s evaluations",
                       len(alerts)) % {"revision": revision.pk, "count": len(alerts)}
    return subject, "\n".join(body)
