"""The sovereignty domain: jurisdictions, companies and their chains, offerings, answers and their evidence."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import lazy
from simple_history.models import HistoricalRecords

from vendoreval.checklist.models import localized
from vendoreval.scoring.text import mode_label

from .schema import Confidence, DeploymentMode, Publisher, RestrictionKind
from .validators import validate_links, validate_web_url


class Evidence(models.Model):
    """A dated source for a fact: an answer, a company's headquarters, a shareholding, a sub-processor, a law."""

    CONFIDENCE_CHOICES = [(c.value, lazy(lambda v: Confidence(v).label, str)(c.value)) for c in Confidence]

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=500, validators=[validate_web_url])
    title = models.CharField(max_length=300, blank=True)
    source_date = models.DateField(null=True, blank=True, help_text="Leave empty when the source is undated")
    accessed = models.DateField()
    confidence = models.CharField(max_length=16, choices=CONFIDENCE_CHOICES)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["content_type", "object_id", "position", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title or self.url


class Source(models.Model):
    """A source document, once: who published it (only the vendor's own or an official document confirms a fact) and
    any remark about the document itself."""

    PUBLISHER_CHOICES = [(p.value, p.value.replace("_", " ")) for p in Publisher]

    url = models.URLField(max_length=500, unique=True)
    publisher = models.CharField(max_length=12, choices=PUBLISHER_CHOICES)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class Law(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=80)
    eu = models.BooleanField("EU member", default=False)
    eea = models.BooleanField("EEA member", default=False)
    laws = models.ManyToManyField(Law, blank=True, related_name="countries",
                                  help_text="Laws that let this country's authorities reach data its companies hold "
                                            "abroad")
    translations = models.JSONField(default=dict, blank=True, help_text='The name in French and German: '
                                    '{"fr": {"name": ...}, "de": {"name": ...}}')
    history = HistoricalRecords(m2m_fields=[laws])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.local_name} ({self.code})"

    @property
    def local_name(self) -> str:
        return localized(self.translations, "name", self.name)


class Company(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="companies",
                                help_text="Headquarters jurisdiction")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subsidiaries")
    description = models.TextField(blank=True)
    pending_change_of_control = models.TextField(blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        seen = {self.pk}
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": "This parent would make the ownership chain cyclic."})
            seen.add(parent.pk)
            parent = parent.parent


class Establishment(models.Model):
    """A subsidiary, branch or office of a company in another jurisdiction."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="establishments")
    position = models.PositiveSmallIntegerField(default=0)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="establishments")
    name = models.CharField(max_length=200)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class ModelFamily(models.Model):
    """Models released under one licence by one developer; without evidence the licence is unknown."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    developer = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="model_families")
    open_weights = models.BooleanField(default=False)
    licence = models.CharField(max_length=300, blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "model families"

    def __str__(self) -> str:
        return self.name


class LicenceRestriction(models.Model):
    KIND_CHOICES = [(k.value, k.value.replace("_", " ")) for k in RestrictionKind]

    family = models.ForeignKey(ModelFamily, on_delete=models.CASCADE, related_name="restrictions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    clause = models.TextField()
    threshold = models.PositiveBigIntegerField(null=True, blank=True, help_text="Monthly active users (user "
                                                                                "thresholds only)")
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.family}: {self.get_kind_display()}"


class TrainingSummary(models.Model):
    """The public summary of training content a GPAI model provider publishes (AI Act art. 53(1)(d))."""

    family = models.OneToOneField(ModelFamily, on_delete=models.CASCADE, related_name="training_summary")
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Training-content summary of {self.family}"


class Shareholding(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="shareholdings")
    position = models.PositiveSmallIntegerField(default=0)
    holder_company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="holdings")
    holder_name = models.CharField(max_length=200, blank=True, help_text="When the holder is not a catalog company")
    stake_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                        help_text="Empty when the stake is not disclosed")
    note = models.TextField(blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "position", "pk"]

    def __str__(self) -> str:
        stake = f" {self.stake_percent}%" if self.stake_percent is not None else ""
        return f"{self.holder}{stake} of {self.company.name}"

    @property
    def holder(self) -> str:
        return self.holder_company.name if self.holder_company else self.holder_name


class CatalogRevision(models.Model):
    """A numbered change of the shared catalog: who, when, why, through which path, and what changed.

    Every write to the shared catalog (the admin, `load_catalog`, an accepted vendor submission) belongs to exactly one
    revision; "catalog as of" is the date of the latest one.
    """

    ADMIN, LOAD, VENDOR, OTHER = "admin", "load", "vendor", "other"
    SOURCE_CHOICES = [(ADMIN, "catalog admin"), (LOAD, "data files (load_catalog)"),
                      (VENDOR, "vendor self-assessment"), (OTHER, "other")]

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    reason = models.TextField()
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default=OTHER)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Catalog revision {self.pk}: {self.reason[:60]}"

    @property
    def number(self) -> int:
        return self.pk


class RevisionChange(models.Model):
    """One changed record of a revision, with the offering and criterion it concerns (for alerts and the work
    queue); answers keep their old and new level."""

    revision = models.ForeignKey(CatalogRevision, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80)  # primary key as text (countries are keyed by their code)
    action = models.CharField(max_length=1)  # + created, ~ changed, - deleted (simple-history's types)
    offering_key = models.CharField(max_length=80, blank=True, db_index=True)
    criterion_key = models.CharField(max_length=4, blank=True)
    old_level = models.PositiveSmallIntegerField(null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(null=True, blank=True)
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["revision", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.summary}"


class CatalogRelease(models.Model):
    """The loaded catalog's as-of date (the latest row is current)."""

    as_of = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} as of {self.as_of}"


class OfferingQuerySet(models.QuerySet):
    def visible_to(self, organisations=()) -> OfferingQuerySet:
        """The shared catalog plus the private offerings of the given organisations; drafts are nobody's yet."""
        return self.filter(models.Q(organisation__isnull=True) | models.Q(organisation__in=list(organisations)),
                           draft=False)

    def shared(self) -> OfferingQuerySet:
        """The shared catalog as the data files hold it: no private offering, no draft."""
        return self.filter(organisation__isnull=True, draft=False)


class Offering(models.Model):
    MODE_CHOICES = [(m.value, lazy(mode_label, str)(m.value)) for m in DeploymentMode]

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    vendor = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="offerings",
                               help_text="Contracting entity")
    model_provider = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="models_offered")
    product = models.CharField(max_length=200)
    deployment_mode = models.CharField(max_length=32, choices=MODE_CHOICES)
    hosting_operator = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="hosted_offerings",
                                         help_text="Empty when the buyer hosts it")
    model_families = models.ManyToManyField(ModelFamily, blank=True, related_name="offerings",
                                            help_text="Model families the offering serves")
    storage_regions = models.ManyToManyField(Country, blank=True, related_name="stored_offerings",
                                             help_text="Where content at rest is stored")
    processing_regions = models.ManyToManyField(Country, blank=True, related_name="offerings",
                                                help_text="Where inference runs")
    region_evidence = GenericRelation(Evidence)
    model_licence = models.CharField(max_length=400, blank=True)
    summary = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True, validators=[validate_links],
                             help_text='[{"title": "…", "url": "https://…"}]: web addresses (http or https) only')
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="private_offerings",
                                     help_text="Set for an organisation's private offering; empty for the shared "
                                               "catalog")
    draft = models.BooleanField(
        default=False, help_text="A new offering a vendor is asked about: not in the catalog, the data files or any "
                                 "evaluation until an editor clears this")
    history = HistoricalRecords(m2m_fields=[processing_regions, storage_regions, model_families])

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def buyer_hosted(self) -> bool:
        return self.hosting_operator_id is None


class Subprocessor(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="subprocessors")
    position = models.PositiveSmallIntegerField(default=0)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="subprocessing")
    role = models.CharField(max_length=400)
    content = models.BooleanField(default=True, help_text="Processes customer content (prompts, outputs, files)")
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering", "position", "pk"]
        verbose_name = "sub-processor"

    def __str__(self) -> str:
        return f"{self.company.name} ({self.role})"


class ResidencyException(models.Model):
    """A documented case where content or metadata leaves the offering's storage and processing regions."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="residency_exceptions")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField()
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering", "position", "pk"]

    def __str__(self) -> str:
        return self.note[:80]


class Qualification(models.Model):
    """A sovereign qualification (SecNumCloud, BSI C5 type 2) that covers the offering."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="qualifications")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    LEVEL = "level"
    UNKNOWN = "unknown"
    BUYER_CONTROLLED = "buyer_controlled"
    STATUS_CHOICES = [(LEVEL, "Level"), (UNKNOWN, "Unknown"), (BUYER_CONTROLLED, "Buyer-controlled")]

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("checklist.Criterion", on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=LEVEL)
    level = models.PositiveSmallIntegerField(null=True, blank=True, choices=[(i, str(i)) for i in range(5)])
    event = models.BooleanField(default=False, help_text="A dated event (a ban, an order, a signature): it keeps its "
                                                         "date and is never flagged stale")
    rationale = models.TextField(blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offering", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "criterion"], name="one_answer_per_criterion"),
            models.CheckConstraint(
                condition=(models.Q(status="level", level__isnull=False, level__lte=4)
                           | (~models.Q(status="level") & models.Q(level__isnull=True))),
                name="level_only_with_level_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} {self.criterion.key}: {self.display_level}"

    @property
    def display_level(self) -> str:
        if self.status == self.LEVEL:
            return str(self.level)
        return self.get_status_display().lower()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.status == self.LEVEL and self.level is None:
            raise ValidationError({"level": "Give a level 0–4, or mark the answer unknown."})
        if self.status != self.LEVEL and self.level is not None:
            raise ValidationError({"level": "Only answers with status 'Level' carry a level."})
        if self.status == self.UNKNOWN and not self.rationale.strip():
            raise ValidationError({"rationale": "Say what was looked for and not found."})
