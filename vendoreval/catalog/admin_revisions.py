"""Every change made in the catalog admin asks why, and becomes one catalog revision with that reason.

`RevisionAdmin` adds a required "Reason for this change" field to the change form, stores it as django-simple-history's
change reason on the object and its inline objects, and opens a catalog revision around the add, change, delete and
changelist (bulk action) views, so whatever the admin writes lands in one revision with the editor and the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CatalogRevision
from .revisions import catalog_revision, current_recorder

REASON_FIELD = "change_reason"


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=gettext_lazy("Reason for this change"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required. Kept with the catalog revision and shown to buyers whose results this change "
                        "moves."))


class RevisionAdmin(admin.ModelAdmin):
    form = ReasonForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = [f for _name, options in fieldsets for f in options.get("fields", [])]
        if REASON_FIELD in named:
            return fieldsets
        if fieldsets and fieldsets[0][0] is None and len(fieldsets) == 1:
            fields = [f for f in fieldsets[0][1]["fields"] if f != REASON_FIELD]
            return [(None, {"fields": fields}), (_("Why"), {"fields": [REASON_FIELD]})]
        return [*fieldsets, (_("Why"), {"fields": [REASON_FIELD]})]

    def _reason(self, form) -> str:
        return (form.cleaned_data.get(REASON_FIELD) or "").strip()

    def save_model(self, request, obj, form, change):
        reason = self._reason(form)
        recorder = current_recorder()
        if recorder is not None and reason:
            recorder.reason = reason
        obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = self._reason(form)
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with catalog_revision(author=request.user, reason="", source=CatalogRevision.ADMIN):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with translation.override("en"):  # a revision's reason is stored, in the catalog's language
            reason = f"{self.model._meta.verbose_name} deleted in the catalog admin"
        with catalog_revision(author=request.user, source=CatalogRevision.ADMIN, reason=reason):
            return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        with translation.override("en"):
            reason = f"bulk action on {self.model._meta.verbose_name_plural} in the catalog admin"
        with catalog_revision(author=request.user, source=CatalogRevision.ADMIN, reason=reason):
            return super().changelist_view(request, extra_context)
