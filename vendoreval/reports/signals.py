"""A stored PDF goes when its report row goes (an evaluation or organisation deleted, a report removed in the admin).

The file is deleted only once the deletion is committed, so a rolled-back delete keeps both, and only when no other
report row names the same file.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Report


@receiver(post_delete, sender=Report, dispatch_uid="reports-delete-stored-file")
def delete_stored_file(sender, instance: Report, using: str, **kwargs) -> None:
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage

    def delete() -> None:
        if not Report.objects.using(using).filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete, using=using)
