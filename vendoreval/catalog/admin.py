"""Compact admin for catalog analysts: every fact with its sources, lists filtered by mode, jurisdiction and area.

Catalog editors (staff in the "catalog editors" group, not superusers) see and edit the shared catalog only:
organisations' private offerings — with their answers, sub-processors, qualifications, evidence and history — are
not in their lists, filters, searches, autocompletes or change pages, and no form lets anyone attach an offering to an
organisation or move a private one into the shared catalog (an offering's organisation is read-only in the admin;
private offerings are made by their organisation in the app). Superusers see everything.
"""

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_revisions import RevisionAdmin
from .models import (
    Answer,
    CatalogRelease,
    CatalogRevision,
    Company,
    Country,
    Establishment,
    Evidence,
    Law,
    LicenceRestriction,
    ModelFamily,
    Offering,
    Qualification,
    ResidencyException,
    RevisionChange,
    Shareholding,
    Source,
    Subprocessor,
)
from .rules import level_is_sourced

# --- the shared catalog's boundary -------------------------------------------------------------------------------

# rows that belong to one offering (field `offering`)
OFFERING_PARTS = (Answer, Subprocessor, Qualification, ResidencyException)


def sees_private_offerings(request) -> bool:
    return request.user.is_active and request.user.is_superuser


def offering_is_shared(offering_id) -> bool:
    """Whether the offering is (or, when deleted, last was) in the shared catalog."""
    organisation = Offering.objects.filter(pk=offering_id).values_list("organisation_id", flat=True).first()
    if organisation is None and not Offering.objects.filter(pk=offering_id).exists():
        last = Offering.history.filter(id=offering_id).order_by("-history_date").first()
        return last is not None and last.organisation_id is None
    return organisation is None


def evidence_subject_is_shared(content_type_id, object_id) -> bool:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is Offering:
        return offering_is_shared(object_id)
    if model in OFFERING_PARTS:
        offering_id = model._default_manager.filter(pk=object_id).values_list("offering_id", flat=True).first()
        if offering_id is None:
            last = model.history.filter(id=object_id).order_by("-history_date").first()
            offering_id = last.offering_id if last else None
        return offering_id is not None and offering_is_shared(offering_id)
    return True


def is_shared(obj) -> bool:
    """Whether a catalog object (or a historical record of one) is part of the shared catalog."""
    instance = getattr(obj, "instance", obj) if hasattr(obj, "history_id") else obj
    if isinstance(instance, Offering):
        return instance.organisation_id is None
    if isinstance(instance, Evidence):
        return evidence_subject_is_shared(instance.content_type_id, instance.object_id)
    offering_id = getattr(instance, "offering_id", None)
    if offering_id is not None:  # an answer, sub-processor, qualification, or an offering's processing-region row
        return offering_is_shared(offering_id)
    return True


def shared_evidence(queryset: QuerySet) -> QuerySet:
    private = {Offering: Offering.objects.filter(organisation__isnull=False)}
    private |= {model: model.objects.filter(offering__organisation__isnull=False) for model in OFFERING_PARTS}
    for model, rows in private.items():
        queryset = queryset.exclude(content_type=ContentType.objects.get_for_model(model),
                                    object_id__in=rows.values("pk"))
    return queryset


def private_deletion_refusal(model, objs, request) -> tuple | None:
    """For a catalog editor, a deletion that would delete organisations' private data, or that such data protects, is
    refused without naming that data (Django's "cannot delete: protected objects" page). None: go ahead."""
    if sees_private_offerings(request):
        return None
    collector = NestedObjects(using=router.db_for_write(model))
    collector.collect(objs)
    touched = [*collector.protected, *(o for group in collector.data.values() for o in group)]
    hidden = sum(1 for o in touched if not is_shared(o))
    if not hidden:
        return None
    return [], {}, set(), [f"{hidden} object(s) of organisations' private offerings (not shown)"]


class SharedCatalogAdmin(RevisionAdmin):
    """Base of every catalog admin: what a catalog editor may see and change stops at the shared catalog, and every
    change asks why and becomes one catalog revision (`admin_revisions.RevisionAdmin`)."""

    def shared_only(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if sees_private_offerings(request) else self.shared_only(queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Offering and not sees_private_offerings(request):
            kwargs["queryset"] = Offering.objects.filter(organisation__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_deleted_objects(self, objs, request):
        return private_deletion_refusal(self.model, objs, request) or super().get_deleted_objects(objs, request)

    def _scope_check(self, request, object_id) -> None:
        """404 for a catalog editor asking for the history of an object outside the shared catalog."""
        if sees_private_offerings(request):
            return
        object_id = unquote(object_id)
        if self.get_queryset(request).filter(pk=object_id).exists():
            return
        if self.model._default_manager.filter(pk=object_id).exists():
            raise Http404("No such object")
        history = getattr(self.model, "history", None)  # deleted: judge by its last recorded state
        last = history.filter(id=object_id).order_by("-history_date").first() if history is not None else None
        if last is None or not is_shared(last):
            raise Http404("No such object")


class SharedCatalogHistoryAdmin(SharedCatalogAdmin, SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        self._scope_check(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._scope_check(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class OfferingPartAdmin(SharedCatalogHistoryAdmin):
    def shared_only(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(offering__organisation__isnull=True)


# --- the admins ----------------------------------------------------------------------------------------------------


class EvidenceInline(GenericTabularInline):
    model = Evidence
    extra = 0
    fields = ["position", "url", "title", "source_date", "accessed", "confidence", "note"]


class LevelNeedsEvidenceFormSet(BaseGenericInlineFormSet):
    """No level without a source: an answer with status 'level' keeps at least one evidence row."""

    def clean(self) -> None:
        super().clean()
        if getattr(self.instance, "status", None) != Answer.LEVEL:
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not level_is_sourced(has_level=True, sources=len(kept)):
            raise ValidationError(_("An answer with a level needs at least one source. Add evidence, or set the "
                                    "status to Unknown."))


class AnswerEvidenceInline(EvidenceInline):
    formset = LevelNeedsEvidenceFormSet


@admin.register(Law)
class LawAdmin(SharedCatalogHistoryAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]
    inlines = [EvidenceInline]


@admin.register(Country)
class CountryAdmin(SharedCatalogHistoryAdmin):
    list_display = ["code", "name", "eu", "eea"]
    list_filter = ["eu", "eea", "laws"]
    search_fields = ["code", "name"]
    filter_horizontal = ["laws"]


class ShareholdingInline(admin.TabularInline):
    model = Shareholding
    fk_name = "company"
    extra = 0
    fields = ["position", "holder_company", "holder_name", "stake_percent", "note"]
    autocomplete_fields = ["holder_company"]
    show_change_link = True


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    fields = ["position", "country", "name"]
    autocomplete_fields = ["country"]
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(SharedCatalogHistoryAdmin):
    list_display = ["name", "key", "country", "parent"]
    list_filter = ["country__eu", "country"]
    search_fields = ["name", "key"]
    autocomplete_fields = ["parent", "country"]
    inlines = [ShareholdingInline, EstablishmentInline, EvidenceInline]


@admin.register(Establishment)
class EstablishmentAdmin(SharedCatalogHistoryAdmin):
    list_display = ["name", "company", "country"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company", "country"]
    inlines = [EvidenceInline]


class RestrictionInline(admin.TabularInline):
    model = LicenceRestriction
    extra = 0
    fields = ["position", "kind", "clause", "threshold"]
    show_change_link = True


@admin.register(ModelFamily)
class ModelFamilyAdmin(SharedCatalogHistoryAdmin):
    list_display = ["name", "key", "developer", "open_weights", "licence"]
    list_filter = ["open_weights", "developer__country"]
    search_fields = ["name", "key", "developer__name", "licence"]
    autocomplete_fields = ["developer"]
    inlines = [RestrictionInline, EvidenceInline]


@admin.register(LicenceRestriction)
class LicenceRestrictionAdmin(SharedCatalogHistoryAdmin):
    list_display = ["family", "kind", "threshold"]
    list_filter = ["kind"]
    search_fields = ["family__name", "clause"]
    autocomplete_fields = ["family"]
    inlines = [EvidenceInline]


@admin.register(Source)
class SourceAdmin(SharedCatalogHistoryAdmin):
    list_display = ["url", "publisher"]
    list_filter = ["publisher"]
    search_fields = ["url", "note"]


@admin.register(Shareholding)
class ShareholdingAdmin(SharedCatalogHistoryAdmin):
    list_display = ["__str__", "company", "stake_percent"]
    search_fields = ["company__name", "holder_name", "holder_company__name"]
    autocomplete_fields = ["company", "holder_company"]
    inlines = [EvidenceInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["criterion", "status", "level", "rationale"]
    show_change_link = True
    autocomplete_fields = ["criterion"]


class SubprocessorInline(admin.TabularInline):
    model = Subprocessor
    extra = 0
    autocomplete_fields = ["company"]
    show_change_link = True


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0
    show_change_link = True


class ResidencyExceptionInline(admin.TabularInline):
    model = ResidencyException
    extra = 0
    fields = ["position", "note"]
    show_change_link = True


@admin.register(Offering)
class OfferingAdmin(SharedCatalogHistoryAdmin):
    list_display = ["name", "vendor", "deployment_mode", "hosting_operator", "organisation", "draft"]
    list_filter = ["draft", "deployment_mode", "vendor__country", "hosting_operator__country", "organisation"]
    search_fields = ["name", "key", "vendor__name", "product"]
    autocomplete_fields = ["vendor", "model_provider", "hosting_operator"]
    filter_horizontal = ["processing_regions", "storage_regions", "model_families"]
    readonly_fields = ["organisation"]  # never moved between an organisation and the shared catalog here
    fieldsets = [
        (None, {"fields": ["name", "key", "product", "summary", "organisation", "draft"]}),
        ("Chain", {"fields": ["vendor", "model_provider", "deployment_mode", "hosting_operator",
                              "storage_regions", "processing_regions", "model_families"]}),
        ("Details", {"fields": ["model_licence", "links"]}),
    ]
    inlines = [SubprocessorInline, QualificationInline, ResidencyExceptionInline, AnswerInline]

    def shared_only(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(organisation__isnull=True)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if sees_private_offerings(request) else [f for f in shown if f != "organisation"]

    def get_list_filter(self, request):
        shown = super().get_list_filter(request)
        return shown if sees_private_offerings(request) else [f for f in shown if f != "organisation"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_private_offerings(request):
            return fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"] if f != "organisation"]})
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if sees_private_offerings(request) else [f for f in fields if f != "organisation"]


@admin.register(Answer)
class AnswerAdmin(OfferingPartAdmin):
    list_display = ["offering", "criterion", "status", "level"]
    list_filter = ["status", "criterion__area", "offering__deployment_mode", "offering__vendor__country"]
    search_fields = ["offering__name", "criterion__key", "criterion__title", "rationale"]
    autocomplete_fields = ["offering", "criterion"]
    fields = ["offering", "criterion", "status", "level", "rationale"]
    inlines = [AnswerEvidenceInline]


@admin.register(Subprocessor)
class SubprocessorAdmin(OfferingPartAdmin):
    list_display = ["company", "offering", "role"]
    search_fields = ["company__name", "offering__name"]
    autocomplete_fields = ["offering", "company"]
    inlines = [EvidenceInline]


@admin.register(Qualification)
class QualificationAdmin(OfferingPartAdmin):
    list_display = ["name", "offering"]
    search_fields = ["name", "offering__name"]
    autocomplete_fields = ["offering"]
    inlines = [EvidenceInline]


@admin.register(ResidencyException)
class ResidencyExceptionAdmin(OfferingPartAdmin):
    list_display = ["offering", "note"]
    search_fields = ["offering__name", "note"]
    autocomplete_fields = ["offering"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(SharedCatalogHistoryAdmin):
    list_display = ["__str__", "content_type", "source_date", "accessed", "confidence"]
    list_filter = ["confidence", "content_type"]
    search_fields = ["title", "url", "note"]

    def shared_only(self, queryset: QuerySet) -> QuerySet:
        return shared_evidence(queryset)

    def get_readonly_fields(self, request, obj=None):
        """What a source is about is set where it is added (the inline of its answer, company, …); a catalog editor
        cannot point an existing source at another object, e.g. an organisation's private answer."""
        fields = list(super().get_readonly_fields(request, obj))
        return fields if sees_private_offerings(request) else [*fields, "content_type", "object_id"]

    def has_add_permission(self, request):
        return sees_private_offerings(request) and super().has_add_permission(request)


@admin.register(CatalogRelease)
class CatalogReleaseAdmin(SharedCatalogAdmin):
    list_display = ["title", "as_of", "loaded_at"]


class RevisionChangeInline(admin.TabularInline):
    model = RevisionChange
    extra = 0
    can_delete = False
    fields = ["action", "model", "offering_key", "criterion_key", "old_level", "new_level", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CatalogRevision)
class CatalogRevisionAdmin(admin.ModelAdmin):
    """Revisions are made by the write paths, never edited. (They concern the shared catalog only.)"""

    list_display = ["pk", "created_at", "author", "source", "reason"]
    list_filter = ["source"]
    search_fields = ["reason"]
    readonly_fields = ["created_at", "author", "source", "reason"]
    inlines = [RevisionChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The checklist's admins (a layer below the catalog, which it cannot import) get the same deletion guard: deleting a
# criterion that organisations' private answers use must not list those answers to a catalog editor.
def _guard_deletions(model) -> None:
    registered = admin.site._registry[model].__class__

    def get_deleted_objects(self, objs, request):
        return (private_deletion_refusal(self.model, objs, request)
                or registered.get_deleted_objects(self, objs, request))

    guarded = type(registered.__name__, (registered,), {"get_deleted_objects": get_deleted_objects,
                                                         "__module__": registered.__module__})
    admin.site.unregister(model)
    admin.site.register(model, guarded)


for _model in list(admin.site._registry):
    if _model._meta.app_label == "checklist":
        _guard_deletions(_model)
