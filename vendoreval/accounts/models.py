"""Organisations and their members. Every evaluation belongs to one organisation; roles decide what members may do."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    private_catalog_version = models.PositiveIntegerField(
        default=0, help_text="Counts writes to the organisation's private offerings (cached results follow it)")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EVALUATOR = "evaluator", "Evaluator"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.EVALUATOR)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__username"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EVALUATOR)

    @property
    def can_manage_members(self) -> bool:
        return self.role == Role.OWNER


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.EVALUATOR)
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class UserSettings(models.Model):
    """A user's own settings (one row per user, created when first changed)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendoreval_settings")
    catalog_alerts = models.BooleanField(default=True, help_text="E-mail me when a catalog change affects an "
                                                                 "evaluation I work on")

    def __str__(self) -> str:
        return f"Settings of {self.user}"


def wants_catalog_alerts(user) -> bool:
    settings_row = UserSettings.objects.filter(user=user).first()
    return settings_row.catalog_alerts if settings_row else True
