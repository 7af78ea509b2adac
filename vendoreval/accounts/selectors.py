from __future__ import annotations

from .models import Membership, Organisation


def organisations_of(user) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return [m.organisation for m in Membership.objects.filter(user=user).select_related("organisation")]


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()
