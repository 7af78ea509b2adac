"""The versioned checklist: areas, criteria with level ladders, CSF objectives and sector presets."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
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


TRANSLATIONS_HELP = _('{"fr": {...}, "de": {...}}: the same texts in French and German, kept with the checklist data')


class Translated(models.Model):
    """Texts with their French and German versions in `translations` (kept with the checklist data)."""

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        return localized(self.translations, "name", self.name)


class ChecklistVersion(models.Model):
    version = models.CharField(_("version"), max_length=20, unique=True)
    published = models.DateField(_("published"))
    reference_notes = models.TextField(_("reference notes"), blank=True)
    # [{classification, must_haves: {key: level}}]
    classification_rules = models.JSONField(_("classification rules"), default=list, blank=True)
    # [{key, name, must_haves: {key: level}}]
    regulation_rules = models.JSONField(_("regulation rules"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "-version"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")

    def __str__(self) -> str:
        return translation.gettext("Checklist v%(version)s") % {"version": self.version}


class CsfObjective(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="objectives",
                                  verbose_name=_("checklist version"))
    key = models.CharField(_("key"), max_length=8)
    name = models.CharField(_("name"), max_length=100)
    weight = models.FloatField(_("weight"), help_text=_("CSF v1.2.1 weight, percent"))
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text=TRANSLATIONS_HELP)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_objective_per_checklist")]
        verbose_name = _("CSF objective")
        verbose_name_plural = _("CSF objectives")

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Area(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="areas",
                                  verbose_name=_("checklist version"))
    key = models.CharField(_("key"), max_length=2)
    name = models.CharField(_("name"), max_length=100)
    csf_objectives = models.JSONField(_("CSF objectives"), default=list, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text=TRANSLATIONS_HELP)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_area_per_checklist")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Criterion(Translated):
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="criteria",
                                  verbose_name=_("checklist version"))
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("area"))
    key = models.CharField(_("key"), max_length=4)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=120)
    question = models.TextField(_("question"))
    csf_objective = models.ForeignKey(CsfObjective, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="criteria", verbose_name=_("CSF objective"))
    references = models.JSONField(_("references"), default=list, blank=True)
    derived = models.BooleanField(_("derived"), default=False,
                                  help_text=_("Computed from the ownership and hosting chain"))
    buyer_controlled_when_self_hosted = models.BooleanField(_("buyer-controlled when self-hosted"), default=False)
    levels = models.JSONField(_("levels"), help_text=_('Ladder: {"4": "meaning", ..., "0": "meaning"}'))
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text=TRANSLATIONS_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "key"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_criterion_per_checklist")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

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
    checklist = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="sector_presets",
                                  verbose_name=_("checklist version"))
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    weights = models.JSONField(_("area weights"))
    must_haves = models.JSONField(_("must-haves"), default=dict, blank=True)
    uses = models.JSONField(_("uses"), default=list, blank=True,
                            help_text=_("Uses the model licence must permit in this sector"))
    translations = models.JSONField(_("translations"), default=dict, blank=True, help_text=TRANSLATIONS_HELP)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "key"], name="unique_preset_per_checklist")]
        verbose_name = _("sector preset")
        verbose_name_plural = _("sector presets")

    def __str__(self) -> str:
        return self.name
