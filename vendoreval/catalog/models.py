"""The sovereignty domain: jurisdictions, companies and their chains, offerings, answers and their evidence."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from vendoreval.checklist.models import localized
from vendoreval.scoring.text import mode_label

from .schema import Confidence, DeploymentMode, Publisher, RestrictionKind
from .validators import validate_links, validate_web_url


class Evidence(models.Model):
    """A dated source for a fact: an answer, a company's headquarters, a shareholding, a sub-processor, a law."""

    CONFIDENCE_CHOICES = [(c.value, lazy(lambda v: Confidence(v).label, str)(c.value)) for c in Confidence]

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(_("object ID"))
    subject = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    url = models.URLField(_("URL"), max_length=500, validators=[validate_web_url])
    title = models.CharField(_("title"), max_length=300, blank=True)
    source_date = models.DateField(_("source date"),
                                   null=True, blank=True, help_text=_("Leave empty when the source is undated"))
    accessed = models.DateField(_("accessed"))
    confidence = models.CharField(_("confidence"), max_length=16, choices=CONFIDENCE_CHOICES)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords(verbose_name=_("historical evidence"),
                                verbose_name_plural=_("historical evidence"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["content_type", "object_id", "position", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title or self.url


class Source(models.Model):
    """A source document, once: who published it (only the vendor's own or an official document confirms a fact) and
    any remark about the document itself."""

    PUBLISHER_CHOICES = [(p.value, p.value.replace("_", " ")) for p in Publisher]

    url = models.URLField(_("URL"), max_length=500, unique=True)
    publisher = models.CharField(_("publisher"), max_length=12, choices=PUBLISHER_CHOICES)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords(verbose_name=_("historical source"),
                                verbose_name_plural=_("historical sources"))

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class Law(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    summary = models.TextField(_("summary"))
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical law"), verbose_name_plural=_("historical laws"))

    class Meta:
        verbose_name = _("law")
        verbose_name_plural = _("laws")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    eu = models.BooleanField(_("EU member"), default=False)
    eea = models.BooleanField(_("EEA member"), default=False)
    laws = models.ManyToManyField(Law, blank=True, related_name="countries",
                                  help_text=_("Laws that let this country's authorities reach data its "
                                                  "companies hold abroad"), verbose_name=_("laws"))
    translations = models.JSONField(_("translations"),
                                    default=dict, blank=True, help_text=_('The name in French and German: '
                                    '{"fr": {"name": ...}, "de": {"name": ...}}'))
    history = HistoricalRecords(m2m_fields=[laws],
                                verbose_name=_("historical country"),
                                verbose_name_plural=_("historical countries"))

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.local_name} ({self.code})"

    @property
    def local_name(self) -> str:
        return localized(self.translations, "name", self.name)


class Company(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="companies",
                                help_text=_("Headquarters jurisdiction"), verbose_name=_("country"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subsidiaries",
                               verbose_name=_("parent"))
    description = models.TextField(_("description"), blank=True)
    pending_change_of_control = models.TextField(_("pending change of control"), blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical company"),
                                verbose_name_plural=_("historical companies"))

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        seen = {self.pk}
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("This parent would make the ownership chain cyclic.")})
            seen.add(parent.pk)
            parent = parent.parent


class Establishment(models.Model):
    """A subsidiary, branch or office of a company in another jurisdiction."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="establishments",
                                verbose_name=_("company"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="establishments",
                                verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=200)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical establishment"),
                                verbose_name_plural=_("historical establishments"))

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["company", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class ModelFamily(models.Model):
    """Models released under one licence by one developer; without evidence the licence is unknown."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    developer = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="model_families",
                                  verbose_name=_("developer"))
    open_weights = models.BooleanField(_("open weights"), default=False)
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical model family"),
                                verbose_name_plural=_("historical model families"))

    class Meta:
        verbose_name = _("model family")
        verbose_name_plural = _("model families")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LicenceRestriction(models.Model):
    KIND_CHOICES = [(k.value, k.value.replace("_", " ")) for k in RestrictionKind]

    family = models.ForeignKey(ModelFamily, on_delete=models.CASCADE, related_name="restrictions",
                               verbose_name=_("family"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    clause = models.TextField(_("clause"))
    threshold = models.PositiveBigIntegerField(_("threshold"),
                                               null=True, blank=True, help_text=_("Monthly active users (user "
                                                                                "thresholds only)"))
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical licence restriction"),
                                verbose_name_plural=_("historical licence restrictions"))

    class Meta:
        verbose_name = _("licence restriction")
        verbose_name_plural = _("licence restrictions")
        ordering = ["family", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.family}: {self.get_kind_display()}"


class TrainingSummary(models.Model):
    """The public summary of training content a GPAI model provider publishes (AI Act art. 53(1)(d))."""

    family = models.OneToOneField(ModelFamily, on_delete=models.CASCADE, related_name="training_summary",
                                  verbose_name=_("family"))
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical training-content summary"),
                                verbose_name_plural=_("historical training-content summaries"))

    class Meta:
        verbose_name = _("training-content summary")
        verbose_name_plural = _("training-content summaries")

    def __str__(self) -> str:
        return f"Training-content summary of {self.family}"


class Shareholding(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="shareholdings",
                                verbose_name=_("company"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    holder_company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="holdings", verbose_name=_("holder company"))
    holder_name = models.CharField(_("holder name"), max_length=200, blank=True,
                                   help_text=_("When the holder is not a catalog company"))
    stake_percent = models.DecimalField(_("stake (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                        help_text=_("Empty when the stake is not disclosed"))
    note = models.TextField(_("note"), blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical shareholding"),
                                verbose_name_plural=_("historical shareholdings"))

    class Meta:
        verbose_name = _("shareholding")
        verbose_name_plural = _("shareholdings")
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
    SOURCE_CHOICES = [(ADMIN, _("catalog admin")), (LOAD, _("data files (load_catalog)")),
                      (VENDOR, _("vendor self-assessment")), (OTHER, pgettext_lazy("revision source", "other"))]

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=10, choices=SOURCE_CHOICES, default=OTHER)

    class Meta:
        verbose_name = _("catalog revision")
        verbose_name_plural = _("catalog revisions")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Catalog revision {self.pk}: {self.reason[:60]}"

    @property
    def number(self) -> int:
        return self.pk


class RevisionChange(models.Model):
    """One changed record of a revision, with the offering and criterion it concerns (for alerts and the work
    queue); answers keep their old and new level."""

    revision = models.ForeignKey(CatalogRevision, on_delete=models.CASCADE, related_name="changes",
                                 verbose_name=_("revision"))
    model = models.CharField(_("model"), max_length=40)
    object_id = models.CharField(_("object ID"),
                                 max_length=80)  # primary key as text (countries are keyed by their code)
    action = models.CharField(_("action"), max_length=1)  # + created, ~ changed, - deleted (simple-history's types)
    offering_key = models.CharField(_("offering key"), max_length=80, blank=True, db_index=True)
    criterion_key = models.CharField(_("criterion key"), max_length=4, blank=True)
    old_level = models.PositiveSmallIntegerField(_("old level"), null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(_("new level"), null=True, blank=True)
    old_status = models.CharField(_("old status"), max_length=20, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("revision change")
        verbose_name_plural = _("revision changes")
        ordering = ["revision", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.summary}"


class CatalogRelease(models.Model):
    """The loaded catalog's as-of date (the latest row is current)."""

    as_of = models.DateField(_("as of"))
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("catalog release")
        verbose_name_plural = _("catalog releases")
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

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    vendor = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="offerings",
                               help_text=_("Contracting entity"), verbose_name=_("vendor"))
    model_provider = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="models_offered", verbose_name=_("model provider"))
    product = models.CharField(_("product"), max_length=200)
    deployment_mode = models.CharField(_("deployment mode"), max_length=32, choices=MODE_CHOICES)
    hosting_operator = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="hosted_offerings",
                                         help_text=_("Empty when the buyer hosts it"),
                                         verbose_name=_("hosting operator"))
    model_families = models.ManyToManyField(ModelFamily, blank=True, related_name="offerings",
                                            help_text=_("Model families the offering serves"),
                                            verbose_name=_("model families"))
    storage_regions = models.ManyToManyField(Country, blank=True, related_name="stored_offerings",
                                             help_text=_("Where content at rest is stored"),
                                             verbose_name=_("storage regions"))
    processing_regions = models.ManyToManyField(Country, blank=True, related_name="offerings",
                                                help_text=_("Where inference runs"),
                                                verbose_name=_("processing regions"))
    region_evidence = GenericRelation(Evidence)
    model_licence = models.CharField(_("model licence"), max_length=400, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True, validators=[validate_links],
                             help_text=_('[{"title": "…", "url": "https://…"}]: web addresses (http or https) '
                                             'only'))
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="private_offerings",
                                     help_text=_("Set for an organisation's private offering; empty for the "
                                                     "shared catalog"), verbose_name=_("organisation"))
    draft = models.BooleanField(_("draft"), default=False, help_text=_(
        "A new offering a vendor is asked about: not in the catalog, the data files or any evaluation until an editor "
        "clears this"))
    history = HistoricalRecords(m2m_fields=[processing_regions, storage_regions, model_families],
                                verbose_name=_("historical offering"),
                                verbose_name_plural=_("historical offerings"))

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def buyer_hosted(self) -> bool:
        return self.hosting_operator_id is None


class Subprocessor(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="subprocessors",
                                 verbose_name=_("offering"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="subprocessing",
                                verbose_name=_("company"))
    role = models.CharField(_("role"), max_length=400)
    content = models.BooleanField(_("content"),
                                  default=True, help_text=_("Processes customer content (prompts, outputs, files)"))
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical sub-processor"),
                                verbose_name_plural=_("historical sub-processors"))

    class Meta:
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")
        ordering = ["offering", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.company.name} ({self.role})"


class ResidencyException(models.Model):
    """A documented case where content or metadata leaves the offering's storage and processing regions."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="residency_exceptions",
                                 verbose_name=_("offering"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    note = models.TextField(_("note"))
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical residency exception"),
                                verbose_name_plural=_("historical residency exceptions"))

    class Meta:
        verbose_name = _("residency exception")
        verbose_name_plural = _("residency exceptions")
        ordering = ["offering", "position", "pk"]

    def __str__(self) -> str:
        return self.note[:80]


class Qualification(models.Model):
    """A sovereign qualification (SecNumCloud, BSI C5 type 2) that covers the offering."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="qualifications",
                                 verbose_name=_("offering"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=120)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical qualification"),
                                verbose_name_plural=_("historical qualifications"))

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["offering", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    LEVEL = "level"
    UNKNOWN = "unknown"
    BUYER_CONTROLLED = "buyer_controlled"
    STATUS_CHOICES = [(LEVEL, _("Level")), (UNKNOWN, pgettext_lazy("answer status", "Unknown")),
                      (BUYER_CONTROLLED, _("Buyer-controlled"))]

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("offering"))
    criterion = models.ForeignKey("checklist.Criterion", on_delete=models.PROTECT, related_name="answers",
                                  verbose_name=_("criterion"))
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=LEVEL)
    level = models.PositiveSmallIntegerField(_("level"),
                                             null=True, blank=True, choices=[(i, str(i)) for i in range(5)])
    event = models.BooleanField(_("event"), default=False, help_text=_(
        "A dated event (a ban, an order, a signature): it keeps its date and is never flagged stale"))
    rationale = models.TextField(_("rationale"), blank=True)
    evidence = GenericRelation(Evidence)
    history = HistoricalRecords(verbose_name=_("historical answer"),
                                verbose_name_plural=_("historical answers"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
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
            raise ValidationError({"level": _("Give a level 0–4, or mark the answer unknown.")})
        if self.status != self.LEVEL and self.level is not None:
            raise ValidationError({"level": _("Only answers with status “Level” carry a level.")})
        if self.status == self.UNKNOWN and not self.rationale.strip():
            raise ValidationError({"rationale": _("Say what was looked for and not found.")})
