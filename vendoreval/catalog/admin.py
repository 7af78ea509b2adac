"""Compact admin for catalog analysts: every fact with its sources, lists filtered by mode, jurisdiction and area."""

from django.contrib import admin
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericTabularInline
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    CatalogRelease,
    Company,
    Country,
    Evidence,
    Law,
    Offering,
    Qualification,
    Shareholding,
    Subprocessor,
)
from .rules import level_is_sourced


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
            raise ValidationError("An answer with a level needs at least one source. Add evidence, or set the "
                                  "status to Unknown.")


class AnswerEvidenceInline(EvidenceInline):
    formset = LevelNeedsEvidenceFormSet


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]
    inlines = [EvidenceInline]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
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


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "country", "parent"]
    list_filter = ["country__eu", "country"]
    search_fields = ["name", "key"]
    autocomplete_fields = ["parent", "country"]
    inlines = [ShareholdingInline, EvidenceInline]


@admin.register(Shareholding)
class ShareholdingAdmin(SimpleHistoryAdmin):
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


@admin.register(Offering)
class OfferingAdmin(SimpleHistoryAdmin):
    list_display = ["name", "vendor", "deployment_mode", "hosting_operator", "organisation", "draft"]
    list_filter = ["draft", "deployment_mode", "vendor__country", "hosting_operator__country", "organisation"]
    search_fields = ["name", "key", "vendor__name", "product"]
    autocomplete_fields = ["vendor", "model_provider", "hosting_operator"]
    filter_horizontal = ["processing_regions"]
    fieldsets = [
        (None, {"fields": ["name", "key", "product", "summary", "organisation", "draft"]}),
        ("Chain", {"fields": ["vendor", "model_provider", "deployment_mode", "hosting_operator",
                              "processing_regions"]}),
        ("Details", {"fields": ["model_licence", "links"]}),
    ]
    inlines = [SubprocessorInline, QualificationInline, AnswerInline]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["offering", "criterion", "status", "level"]
    list_filter = ["status", "criterion__area", "offering__deployment_mode", "offering__vendor__country"]
    search_fields = ["offering__name", "criterion__key", "criterion__title", "rationale"]
    autocomplete_fields = ["offering", "criterion"]
    fields = ["offering", "criterion", "status", "level", "rationale"]
    inlines = [AnswerEvidenceInline]


@admin.register(Subprocessor)
class SubprocessorAdmin(SimpleHistoryAdmin):
    list_display = ["company", "offering", "role"]
    search_fields = ["company__name", "offering__name"]
    autocomplete_fields = ["offering", "company"]
    inlines = [EvidenceInline]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["name", "offering"]
    search_fields = ["name", "offering__name"]
    autocomplete_fields = ["offering"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "content_type", "source_date", "accessed", "confidence"]
    list_filter = ["confidence", "content_type"]
    search_fields = ["title", "url", "note"]


@admin.register(CatalogRelease)
class CatalogReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "as_of", "loaded_at"]
