"""The catalog editors' work queue: the shared catalog's unknown and stale answers, ordered by how many evaluations
rely on them (an offering on the evaluation's shortlist — or the top of its ranking — and a criterion that carries
weight or a must-have there)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vendoreval.catalog.models import Answer, Evidence

from .context import evaluation_context
from .models import Evaluation
from .services import evaluation_outcome

TOP_OF_RANKING = 3
STATE_LABELS = {"unknown": pgettext_lazy("answer state", "unknown"),
                "stale": pgettext_lazy("answer state: its newest source is old", "stale")}


@dataclasses.dataclass(frozen=True)
class QueueItem:
    answer_pk: int
    offering: str
    offering_name: str
    criterion: str
    title: str  # in the reading language
    state: str  # "unknown" | "stale"
    detail: str
    evaluations: int

    @property
    def state_label(self) -> str:
        """The state as the reader reads it."""
        return str(STATE_LABELS.get(self.state, self.state))


def _reliance() -> Counter:
    counts: Counter = Counter()
    evaluations = Evaluation.objects.select_related("organisation", "checklist")
    evaluations = evaluations.filter(archived_at__isnull=True)
    for evaluation in evaluations:
        context = evaluation_context(evaluation.checklist)
        outcome = evaluation_outcome(evaluation, context, samples=0)
        keys = [k for k in evaluation.shortlist if k in outcome.offerings] or [
            r.key for r in outcome.result.ranking[:TOP_OF_RANKING]]
        must = {m.criterion for m in outcome.profile.must_haves}
        weighted = {a for a, w in outcome.profile.area_weights.items() if w > 0}
        relied = {c.key for c in context.criteria if c.key in must or c.area.key in weighted}
        counts.update((key, criterion) for key in keys for criterion in relied)
    return counts


def work_queue(today: dt.date) -> list[QueueItem]:
    answers = list(Answer.objects.filter(offering__organisation__isnull=True)
                   .select_related("offering", "criterion").order_by("offering__name", "criterion__position"))
    ct = ContentType.objects.get_for_model(Answer)
    newest = dict(Evidence.objects.filter(content_type=ct).values("object_id").annotate(d=Max("source_date"))
                  .values_list("object_id", "d"))
    sourced = set(Evidence.objects.filter(content_type=ct).values_list("object_id", flat=True))
    stale_before = today - dt.timedelta(days=settings.VENDOREVAL_STALE_AFTER_DAYS)
    reliance = _reliance()
    items = []
    for a in answers:
        unknown = a.status == Answer.UNKNOWN or (a.status == Answer.LEVEL and a.pk not in sourced)
        stale = (a.status == Answer.LEVEL and not a.event and newest.get(a.pk) is not None
                 and newest[a.pk] < stale_before)
        if not (unknown or stale):
            continue
        items.append(QueueItem(a.pk, a.offering.key, a.offering.name, a.criterion.key, a.criterion.local_title,
                               "unknown" if unknown else "stale",
                               a.rationale if unknown else _("newest source dated %(date)s") % {
                                   "date": f"{newest[a.pk]:%Y-%m-%d}"},
                               reliance[(a.offering.key, a.criterion.key)]))
    return sorted(items, key=lambda i: (-i.evaluations, i.state, i.offering_name, i.criterion))
