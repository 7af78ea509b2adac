"""Invitations keep only the SHA-256 of their token, record who accepted them, and can be revoked.

Existing rows are kept with their tokens hashed. Their links have the old form (/invitations/<token>/), which no longer
opens: owners send open invitations of before this release again (docs/deployment.md)."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.all().only("pk", "token"):
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=hashlib.sha256(invitation.token.encode("utf-8")).hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_usersettings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(help_text="SHA-256 of the link's token", max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="accepted_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
    ]
