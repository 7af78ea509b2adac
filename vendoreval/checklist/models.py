"""The versioned checklist: areas, criteria with level ladders, CSF objectives and sector presets."""

from django.db import models
from django.utils import translation
from simple_history.models import HistoricalRecords


def reading_language() -> str:
    """The language texts are read in now ("en", "fr" or "de")."""
    return (translation.get_language() or "en").split("-")[0]


def localized(translations: dict | None, field: str, english):
    """`field` in the reading language when the checklist data translate it, else the English source."""
    language = reading_language()
    if language != "en":
        value = (translations or {}).get(language, {}).get(field)
        if value:
            return value
    return english


class Translated(models.Model):
    """Texts with their French and German versions in `translations` (kept with the checklist data)."""

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        return localized(self.translations, "name", self.name)


class ChecklistVersion(models.Model):
    version = models.CharField(max_length=20, unique=True)
    published = models.DateField()
    reference_notes = models.TextField(blank=True)
    classification_rules = models.JSONField(default=list, blank=True)  # [{classification, must_haves: {key: level}}]
    regulation_rules = models.JSONField(default=list, blank=True)  # [{key, name, must_haves: {key: level}}]
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "-version"]

    def __str__(self) -> str:
        return f"Checklist v{self.version}"


class CsfObjective(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="objectives")
    key = models.CharField(max_length=8)
    name = models.CharField(max_length=100)
    weight = models.FloatField(help_text="CSF v1.2.1 weight, percent")
    translations = models.JSONField(default=dict, blank=True, help_text='{"fr": {...}, "de": {...}}: the same texts '
                                    "in French and German, kept with the checklist data")

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_objective_per_checklist")]
        verbose_name = "CSF objective"

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Area(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="areas")
    key = models.CharField(max_length=2)
    name = models.CharField(max_length=100)
    csf_objectives = models.JSONField(default=list, blank=True)
    translations = models.JSONField(default=dict, blank=True, help_text='{"fr": {...}, "de": {...}}: the same texts '
                                    "in French and German, kept with the checklist data")

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_area_per_checklist")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Criterion(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="criteria")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField(max_length=4)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    question = models.TextField()
    csf_objective = models.ForeignKey(CsfObjective, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="criteria")
    references = models.JSONField(default=list, blank=True)
    derived = models.BooleanField(default=False, help_text="Computed from the ownership and hosting chain")
    buyer_controlled_when_self_hosted = models.BooleanField(default=False)
    levels = models.JSONField(help_text='Ladder: {"4": "meaning", ..., "0": "meaning"}')
    translations = models.JSONField(default=dict, blank=True, help_text='{"fr": {...}, "de": {...}}: the same texts '
                                    "in French and German, kept with the checklist data")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_criterion_per_checklist")]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def local_title(self) -> str:
        return localized(self.translations, "title", self.title)

    @property
    def local_question(self) -> str:
        return localized(self.translations, "question", self.question)

    @property
    def local_levels(self) -> dict[str, str]:
        return localized(self.translations, "levels", self.levels)

    def level_meaning(self, level: int | None) -> str:
        if level is None:
            return translation.gettext("unknown")
        return self.local_levels.get(str(level), "")


class SectorPreset(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="sector_presets")
    key = models.SlugField(max_length=40)
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=100)
    weights = models.JSONField()
    must_haves = models.JSONField(default=dict, blank=True)
    uses = models.JSONField(default=list, blank=True, help_text="Uses the model licence must permit in this sector")
    translations = models.JSONField(default=dict, blank=True, help_text='{"fr": {...}, "de": {...}}: the same texts '
                                    "in French and German, kept with the checklist data")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_preset_per_checklist")]

    def __str__(self) -> str:
        return self.name
