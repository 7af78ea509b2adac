from __future__ import annotations

from django.db.models import QuerySet

from .models import Evaluation


def evaluations_for_user(user) -> QuerySet[Evaluation]:
    """Evaluations of every organisation the user belongs to."""
    return (Evaluation.objects.filter(organisation__memberships__user=user)
            .select_related("organisation").order_by("-updated_at"))
