"""Organisations, memberships and invitations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .models import Invitation, Membership, Organisation, Role

CATALOG_EDITORS = "catalog editors"
INVITATION_VALID_FOR = dt.timedelta(days=7)


def organisation_create(*, name: str, owner) -> Organisation:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    organisation = Organisation.objects.create(name=name, slug=slug)
    Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
    return organisation


def catalog_editors_group() -> Group:
    """Staff in this group edit the shared catalog in the admin; organisation members never do."""
    from django.contrib.auth.models import Permission

    group, _ = Group.objects.get_or_create(name=CATALOG_EDITORS)
    perms = Permission.objects.filter(content_type__app_label__in=["catalog", "checklist", "vendors"])
    group.permissions.set(perms)
    return group


def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by, base_url: str) -> Invitation:
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner, evaluator or viewer."})
    invitation = Invitation.objects.create(organisation=organisation, email=email.strip().lower(), role=role,
                                           invited_by=invited_by, expires_at=timezone.now() + INVITATION_VALID_FOR)
    link = base_url + reverse("invitation-accept", kwargs={"token": invitation.token})
    send_mail(
        subject=f"Invitation to {organisation.name} on VendorEval",
        message=(f"{invited_by.get_username()} invited you to join {organisation.name} on VendorEval as "
                 f"{invitation.get_role_display().lower()}.\n\nAccept within 7 days: {link}\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[invitation.email])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    if not invitation.is_open:
        raise ValidationError("This invitation has expired or was already used. Ask the owner for a new one.")
    membership, _ = Membership.objects.get_or_create(organisation=invitation.organisation, user=user,
                                                     defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER:
        owners = Membership.objects.select_for_update().filter(organisation=membership.organisation, role=Role.OWNER)
        if owners.count() <= 1:
            raise ValidationError("The last owner cannot leave or be removed. Make another member owner first.")
    membership.delete()


def user_create(*, username: str, password: str, email: str = "", staff: bool = False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, email=email, is_staff=staff)
    if staff:
        user.groups.add(catalog_editors_group())
    return user
