from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, ChecklistVersion, Criterion, CsfObjective, SectorPreset


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0


class ObjectiveInline(admin.TabularInline):
    model = CsfObjective
    extra = 0


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(SimpleHistoryAdmin):
    list_display = ["version", "published"]
    inlines = [ObjectiveInline, AreaInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["key", "title", "area", "csf_objective", "derived", "buyer_controlled_when_self_hosted"]
    list_filter = ["checklist", "area", "derived", "csf_objective"]
    search_fields = ["key", "title", "question"]
    ordering = ["checklist", "position"]


@admin.register(SectorPreset)
class SectorPresetAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "checklist"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "checklist"]
    list_filter = ["checklist"]


@admin.register(CsfObjective)
class CsfObjectiveAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "weight", "checklist"]
