"""Catalog revisions: every write to the shared catalog belongs to a numbered revision with who, when and why.

A write path opens a revision with `catalog_revision(author=..., reason=..., source=...)`; every historical record
django-simple-history creates inside it (offerings, answers, evidence, companies, ...) is attached to that revision as
a `RevisionChange`. A write outside any such block (a shell, a data migration) still gets a revision of its own, with
the change reason or "change without a recorded reason". Writes to an organisation's private offerings are that
organisation's: they make no catalog revision, but count up its `private_catalog_version` so cached results of its
evaluations are recomputed.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
from collections.abc import Iterator

from django.db import models, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from vendoreval.accounts.models import Organisation

from .models import (
    Answer,
    CatalogRelease,
    CatalogRevision,
    Evidence,
    Offering,
    Qualification,
    ResidencyException,
    RevisionChange,
    Subprocessor,
)


@dataclasses.dataclass
class _Recorder:
    author: object
    reason: str
    source: str
    revision: CatalogRevision | None = None
    listeners: list = dataclasses.field(default_factory=list)

    def attach(self, change: RevisionChange) -> None:
        if self.revision is None:
            self.revision = CatalogRevision.objects.create(
                author=self.author if getattr(self.author, "pk", None) else None,
                reason=self.reason or "change without a recorded reason", source=self.source)
            revision_id = self.revision.pk
            transaction.on_commit(lambda: _committed(revision_id))
        change.revision = self.revision
        change.save()


_current: contextvars.ContextVar[_Recorder | None] = contextvars.ContextVar("catalog_revision", default=None)


@contextlib.contextmanager
def catalog_revision(*, author, reason: str, source: str) -> Iterator[_Recorder]:
    """Group the shared-catalog writes made inside the block into one revision (created only if something changed).
    The reason may be set later on the recorder, before the first write (the admin knows it once its form is valid).
    """
    recorder = _Recorder(author=author, reason=reason, source=source)
    token = _current.set(recorder)
    try:
        with transaction.atomic():
            yield recorder
    finally:
        _current.reset(token)


def current_recorder() -> _Recorder | None:
    return _current.get()


def latest_revision() -> CatalogRevision | None:
    return CatalogRevision.objects.order_by("-pk").first()


def latest_revision_number() -> int:
    return CatalogRevision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def catalog_as_of() -> dt.date | None:
    """The date of the latest revision; before any revision, the as-of date of the loaded data files."""
    revision = latest_revision()
    if revision is not None:
        return timezone.localdate(revision.created_at)
    release = CatalogRelease.objects.first()
    return release.as_of if release else None


# --- what a historical record concerns ------------------------------------------------------------------------------


def _offering_of(instance: models.Model) -> Offering | None:
    if isinstance(instance, Offering):
        return instance
    if isinstance(instance, (Answer, Subprocessor, ResidencyException, Qualification)):
        return Offering.objects.filter(pk=instance.offering_id).first()
    if isinstance(instance, Evidence):
        subject = instance.content_type.get_object_for_this_type(pk=instance.object_id) \
            if instance.content_type.model_class() is not None else None
        return _offering_of(subject) if subject is not None and subject is not instance else None
    return None


def _criterion_key(instance: models.Model) -> str:
    if isinstance(instance, Answer):
        return instance.criterion.key
    if isinstance(instance, Evidence) and instance.content_type.model_class() is Answer:
        answer = Answer.objects.filter(pk=instance.object_id).select_related("criterion").first()
        return answer.criterion.key if answer else ""
    return ""


def record_historical(sender, instance, history_instance, **kwargs) -> None:
    """simple-history's post_create_historical_record: attach the change to the current revision."""
    if instance._meta.app_label not in ("catalog", "checklist"):
        return
    try:
        offering = _offering_of(instance)
    except models.ObjectDoesNotExist:  # evidence of something deleted in the same transaction
        offering = None
    if offering is not None and offering.organisation_id is not None:
        Organisation.objects.filter(pk=offering.organisation_id).update(
            private_catalog_version=F("private_catalog_version") + 1)
        return
    change = RevisionChange(model=instance._meta.model_name, object_id=str(instance.pk or ""),
                            action=history_instance.history_type, offering_key=offering.key if offering else "",
                            summary=str(instance)[:300])
    with contextlib.suppress(models.ObjectDoesNotExist):
        change.criterion_key = _criterion_key(instance)
    if isinstance(instance, Answer):
        previous = history_instance.prev_record
        change.old_level = previous.level if previous else None
        change.old_status = previous.status if previous else ""
        change.new_level = instance.level if history_instance.history_type != "-" else None
        change.new_status = instance.status if history_instance.history_type != "-" else ""
    recorder = _current.get()
    if recorder is None:  # a write outside any revision block still makes a revision
        with catalog_revision(author=getattr(history_instance, "history_user", None),
                              reason=getattr(history_instance, "history_change_reason", "") or "",
                              source=CatalogRevision.OTHER) as recorder:
            recorder.attach(change)
        return
    recorder.attach(change)


revision_committed = Signal()  # sent with revision_id once a revision's transaction has committed


def _committed(revision_id: int) -> None:
    """After a revision commits: apps above the catalog (alerts, cached results) listen; the catalog knows none."""
    revision_committed.send(sender=CatalogRevision, revision_id=revision_id)
