"""Organisations, memberships and invitations."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Organisation, Role, hash_invitation_token, new_invitation_token

logger = logging.getLogger(__name__)

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

    group, _created = Group.objects.get_or_create(name=CATALOG_EDITORS)
    perms = Permission.objects.filter(content_type__app_label__in=["catalog", "checklist", "vendors"])
    group.permissions.set(perms)
    return group


class InvitationRefused(ValidationError):
    """The invitation cannot be accepted (by this account); `status` is the HTTP status of the page that says why."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


def invitation_url(token: str) -> str:
    """The link in the e-mail. The token is in the query string, which the access logs leave out (docs/deployment.md);
    the page it opens moves it into the session and redirects to the address without it."""
    return reverse("invitation-accept") + "?" + urlencode({"token": token})


def invitation_find(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_invitation_token(token)).first()


def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by, base_url: str) -> Invitation:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose owner, evaluator or viewer.")})
    token = new_invitation_token()
    invitation = Invitation.objects.create(organisation=organisation, email=email.strip().lower(), role=role,
                                           token_hash=hash_invitation_token(token), invited_by=invited_by,
                                           expires_at=timezone.now() + INVITATION_VALID_FOR)
    send_mail(
        subject=_("Invitation to %(organisation)s on VendorEval") % {"organisation": organisation.name},
        message=_("%(inviter)s invited you to join %(organisation)s on VendorEval as %(role)s.\n\n"
                  "Accept within 7 days: %(link)s\n\n"
                  "The link works for %(email)s only.\n") % {
            "inviter": invited_by.get_username(), "organisation": organisation.name,
            "role": invitation.role_in_text, "link": f"{base_url}{invitation_url(token)}",
            "email": invitation.email},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[invitation.email])
    return invitation


def invitation_refusal(invitation: Invitation, user=None) -> InvitationRefused | None:
    """Why this invitation cannot be accepted (by `user`, when signed in), or None."""
    if invitation.revoked_at is not None:
        return InvitationRefused(_("This invitation was withdrawn by an owner of %(organisation)s. Ask them for a "
                                   "new one if you should join.") % {"organisation": invitation.organisation.name},
                                 status=410)
    if not invitation.is_open:
        return InvitationRefused(_("This invitation has expired or was already used. Ask the owner for a new one."),
                                 status=410)
    if user is not None and user.is_authenticated and (user.email or "").strip().lower() != invitation.email:
        who = f"{user.get_username()} ({user.email})" if user.email else user.get_username()
        return InvitationRefused(
            _("This invitation is for %(invited)s, and you are signed in as %(user)s. Sign in with the account of the "
              "invited address, or log out and open the link again to create that account.")
            % {"invited": invitation.masked_email, "user": who}, status=403)
    return None


def _locked(invitation: Invitation) -> Invitation:
    """The invitation row, locked until the transaction ends: one acceptance at a time, so it is used once."""
    return Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invited account joins with the invited role. Raises InvitationRefused (another account, used, expired,
    withdrawn — also when another request used it a moment ago)."""
    invitation = _locked(invitation)
    refusal = invitation_refusal(invitation, user)
    if refusal is not None:
        raise refusal
    membership, _created = Membership.objects.get_or_create(organisation=invitation.organisation, user=user,
                                                     defaults={"role": invitation.role})
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    logger.info("Invitation %s of %s to %s accepted by %s", invitation.pk, invitation.email,
                invitation.organisation.slug, user.get_username())
    return membership


@transaction.atomic
def invitation_accept_as_newcomer(*, invitation: Invitation, form) -> Membership:
    """A newcomer's sign-up form (valid) creates the account of the invited address and joins — or, when the
    invitation was used meanwhile, creates nothing and raises InvitationRefused."""
    invitation = _locked(invitation)
    refusal = invitation_refusal(invitation)
    if refusal is not None:
        raise refusal
    user = form.save(commit=False)
    user.email = invitation.email
    user.save()
    return invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> bool:
    """Withdraw an open invitation; False when it was no longer open (accepted, expired or withdrawn already)."""
    invitation = _locked(invitation)
    if not invitation.is_open:
        return False
    invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    logger.info("Invitation %s of %s to %s withdrawn by %s", invitation.pk, invitation.email,
                invitation.organisation.slug, actor.get_username())
    return True


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; the last owner stays. Changes to an organisation's members are made one at a time: the
    organisation row is locked first, so two owners removing each other at once cannot both see the other owner."""
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    current = Membership.objects.filter(pk=membership.pk).first()  # as it is now, under the lock
    if current is None:
        return  # removed meanwhile
    if current.role == Role.OWNER and Membership.objects.filter(
            organisation_id=current.organisation_id, role=Role.OWNER).count() <= 1:
        raise ValidationError(_("The last owner cannot leave or be removed. Make another member owner first."))
    current.delete()


def user_create(*, username: str, password: str, email: str = "", staff: bool = False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, email=email, is_staff=staff)
    if staff:
        user.groups.add(catalog_editors_group())
    return user
