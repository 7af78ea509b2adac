"""Organisations and their members. Every evaluation belongs to one organisation; roles decide what members may do."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    private_catalog_version = models.PositiveIntegerField(
        _("private catalog version"), default=0,
        help_text=_("Counts writes to the organisation's private offerings (cached results follow it)"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EVALUATOR = "evaluator", _("Evaluator")
    VIEWER = "viewer", _("Viewer")


ROLES_IN_TEXT = {  # a role inside a sentence ("invited as evaluator"): lower case in English and French, not German
    Role.OWNER: pgettext_lazy("role, inside a sentence", "owner"),
    Role.EVALUATOR: pgettext_lazy("role, inside a sentence", "evaluator"),
    Role.VIEWER: pgettext_lazy("role, inside a sentence", "viewer"),
}


def role_in_text(role: str) -> str:
    return str(ROLES_IN_TEXT.get(role, role))


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships",
                                     verbose_name=_("organisation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.EVALUATOR)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EVALUATOR)

    @property
    def can_manage_members(self) -> bool:
        return self.role == Role.OWNER


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


_new_token = new_invitation_token  # named by migration 0001


def hash_invitation_token(token: str) -> str:
    """Only this digest is stored: the token itself is in the invitee's e-mail and nowhere else (not in the database,
    not in a backup, not in an access log)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(models.Model):
    """An invitation of one e-mail address, by link. It admits the account with that address, once; owners may
    withdraw it while it is open."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations",
                                     verbose_name=_("organisation"))
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.EVALUATOR)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True,
                                  help_text=_("SHA-256 of the link's token"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("withdrawn by"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def role_in_text(self) -> str:
        """The role as a sentence names it ("invited as evaluator")."""
        return role_in_text(self.role)

    @property
    def masked_email(self) -> str:
        """The invited address as shown to someone else holding the link: a…@example.eu."""
        local, _, domain = self.email.partition("@")
        return f"{local[:1]}…@{domain}"


class UserSettings(models.Model):
    """A user's own settings (one row per user, created when first changed)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendoreval_settings",
                                verbose_name=_("user"))
    catalog_alerts = models.BooleanField(_("catalog alerts"), default=True, help_text=_(
        "E-mail me when a catalog change affects an evaluation I work on"))
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES,
                                help_text=_("The language of the pages and, by default, of new reports; empty: "
                                                "the browser's preference"))

    class Meta:
        verbose_name = _("user settings")
        verbose_name_plural = _("user settings")

    def __str__(self) -> str:
        return f"Settings of {self.user}"


def preferred_language(user) -> str:
    """The user's chosen language, or "" when they have not chosen one."""
    return UserSettings.objects.filter(user=user).values_list("language", flat=True).first() or ""


def wants_catalog_alerts(user) -> bool:
    settings_row = UserSettings.objects.filter(user=user).first()
    return settings_row.catalog_alerts if settings_row else True
