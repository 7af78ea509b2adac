"""Pydantic models of the version-controlled catalog files (data/checklist.yaml, data/catalog/**).

These models are the single definition of what a valid data file is: the loader validates with them, the exporter
writes through them, and analysts' mistakes are reported from their error locations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, field_validator, model_validator

from vendoreval.scoring.models import USES, Confidence
from vendoreval.scoring.text import mode_label

from .rules import level_is_sourced

__all__ = ["Confidence"]  # the scoring core's: one scale of confidence for files, database and scores

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CriterionKey = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{1,2}$")]
Level = Annotated[int, Field(ge=0, le=4)]


def line(max_length: int) -> type[str]:
    """Text stored in a database column of `max_length` characters: longer text is refused here, naming the file,
    the subject and the field, and never reaches the database (SQLite would keep it, PostgreSQL refuse it)."""
    return Annotated[str, StringConstraints(max_length=max_length)]  # type: ignore[return-value]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeploymentMode(StrEnum):
    PUBLIC_API = "public_api"
    THIRD_PARTY_CLOUD = "third_party_cloud"
    DEDICATED_CLOUD = "dedicated_cloud"
    ON_PREMISES = "on_premises"
    SELF_HOSTED_OPEN_WEIGHTS = "self_hosted_open_weights"

    @property
    def label(self) -> str:
        return DEPLOYMENT_MODE_LABELS[self]


class _ModeLabels(Mapping):
    """Deployment mode -> its label in the reader's language (read at use, not at import)."""

    def __getitem__(self, mode: str) -> str:
        return mode_label(str(mode))

    def __iter__(self):
        return iter(DeploymentMode)

    def __len__(self) -> int:
        return len(DeploymentMode)


DEPLOYMENT_MODE_LABELS = _ModeLabels()


class Publisher(StrEnum):
    """Who published a source document: only the vendor's own or an official document can confirm a fact."""

    VENDOR = "vendor"
    OFFICIAL = "official"
    PRESS = "press"
    THIRD_PARTY = "third_party"

    @property
    def can_confirm(self) -> bool:
        return self in (Publisher.VENDOR, Publisher.OFFICIAL)


class RestrictionKind(StrEnum):
    """A licence or acceptable-use clause that matters to buyers, by the use it withholds."""

    MILITARY = "military"  # military, warfare, defence use
    GOVERNMENT = "government"  # use by or for public authorities
    USER_THRESHOLD = "user_threshold"  # a separate licence above a number of monthly active users
    COMPETING_MODELS = "competing_models"  # outputs may not train or improve other models
    MULTIMODAL_EU = "multimodal_eu"  # multimodal rights withheld from organisations based in the EU
    NON_COMMERCIAL = "non_commercial"  # research or evaluation only
    OTHER = "other"  # recorded and shown, never a knock-out by itself


# --- checklist -----------------------------------------------------------------------------------------------


TRANSLATED = ("fr", "de")  # the checklist's other languages; English is the source text
Language = Literal["fr", "de"]


class NameTranslation(Strict):
    name: line(100)


class CriterionTranslation(Strict):
    title: line(120)
    question: str
    levels: dict[Level, str]

    @field_validator("levels")
    @classmethod
    def _top_first(cls, levels: dict[int, str]) -> dict[int, str]:
        return dict(sorted(levels.items(), reverse=True))


class CsfObjectiveData(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^SOV-[1-8]$")]
    name: line(100)
    weight: Annotated[float, Field(ge=0)]
    translations: dict[Language, NameTranslation] = {}


class AreaData(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    name: line(100)
    csf_objectives: list[str]
    translations: dict[Language, NameTranslation] = {}


class CriterionData(Strict):
    key: CriterionKey
    area: str
    title: line(120)
    question: str
    csf_objective: str | None = None
    references: list[str] = []
    derived: bool = False
    buyer_controlled_when_self_hosted: bool = False
    levels: dict[Level, str]
    translations: dict[Language, CriterionTranslation] = {}

    @field_validator("levels")
    @classmethod
    def _has_top_and_bottom(cls, levels: dict[int, str]) -> dict[int, str]:
        if 0 not in levels or 4 not in levels:
            raise ValueError("a ladder must define level 0 and level 4")
        return dict(sorted(levels.items(), reverse=True))

    @model_validator(mode="after")
    def _translations_follow_the_ladder(self) -> CriterionData:
        for language, translation in self.translations.items():
            if set(translation.levels) != set(self.levels):
                raise ValueError(f"the {language} ladder must name the levels {sorted(self.levels)}, "
                                 f"not {sorted(translation.levels)}")
        return self


class SectorPresetData(Strict):
    key: Key
    name: line(100)
    weights: dict[str, Annotated[float, Field(ge=0)]]
    must_haves: dict[CriterionKey, Level] = {}
    uses: list[Literal[USES]] = []  # uses the model licence must permit in this sector (e.g. military for defence)
    translations: dict[Language, NameTranslation] = {}


class ClassificationRuleData(Strict):
    classification: str
    must_haves: dict[CriterionKey, Level]


class RegulationRuleData(Strict):
    key: Key
    name: line(100)
    must_haves: dict[CriterionKey, Level] = {}
    translations: dict[Language, NameTranslation] = {}


class ChecklistData(Strict):
    version: line(20)
    published: dt.date
    reference_notes: str = ""
    csf_objectives: list[CsfObjectiveData]
    areas: list[AreaData]
    criteria: list[CriterionData]
    sector_presets: list[SectorPresetData] = []
    classification_rules: list[ClassificationRuleData] = []
    regulation_rules: list[RegulationRuleData] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> ChecklistData:
        areas = {a.key for a in self.areas}
        objectives = {o.key for o in self.csf_objectives}
        criteria = {c.key for c in self.criteria}
        for c in self.criteria:
            if c.area not in areas:
                raise ValueError(f"criterion {c.key}: unknown area {c.area!r}; expected one of {sorted(areas)}")
            if c.csf_objective is not None and c.csf_objective not in objectives:
                raise ValueError(f"criterion {c.key}: unknown CSF objective {c.csf_objective!r}")
        for p in self.sector_presets:
            if set(p.weights) != areas:
                raise ValueError(f"sector preset {p.key}: weights must name every area {sorted(areas)}")
        rules = [("sector preset", p.key, p.must_haves) for p in self.sector_presets]
        rules += [("classification rule", r.classification, r.must_haves) for r in self.classification_rules]
        rules += [("regulation rule", r.key, r.must_haves) for r in self.regulation_rules]
        for kind, name, must_haves in rules:
            for key in must_haves:
                if key not in criteria:
                    raise ValueError(f"{kind} {name}: unknown criterion {key!r}")
        return self


# --- jurisdictions -------------------------------------------------------------------------------------------


class EvidenceData(Strict):
    url: HttpUrl
    title: line(300) = ""
    source_date: dt.date | None = None  # None: the source is undated
    accessed: dt.date
    confidence: Confidence
    note: str = ""


class SourceData(Strict):
    """A source document, listed once: who published it and any remark about the document itself."""

    url: HttpUrl
    publisher: Publisher
    note: str = ""


class SourcesData(Strict):
    sources: list[SourceData]


class LawData(Strict):
    key: Key
    name: line(120)
    summary: str
    evidence: list[EvidenceData] = []


class CountryData(Strict):
    code: CountryCode
    name: line(80)
    eu: bool = False
    eea: bool = False
    laws: list[Key] = []  # extraterritorial-access laws binding companies of this country
    translations: dict[Language, NameTranslation] = {}  # the country's name in French and German


class JurisdictionsData(Strict):
    laws: list[LawData]
    countries: list[CountryData]

    @model_validator(mode="after")
    def _laws_resolve(self) -> JurisdictionsData:
        known = {law.key for law in self.laws}
        for country in self.countries:
            for law in country.laws:
                if law not in known:
                    raise ValueError(f"country {country.code}: unknown law {law!r}")
        return self


# --- companies -----------------------------------------------------------------------------------------------


class ShareholdingData(Strict):
    holder: line(200)  # a company key from companies.yaml, or a free-text holder name
    stake_percent: Annotated[float, Field(gt=0, le=100)] | None = None  # None: stake not disclosed
    note: str = ""
    evidence: list[EvidenceData] = Field(min_length=1)


class EstablishmentData(Strict):
    """A subsidiary, branch or office abroad, whose authorities can order it to produce data its group controls."""

    country: CountryCode
    name: line(200)
    evidence: list[EvidenceData] = Field(min_length=1)


class CompanyData(Strict):
    key: Key
    name: line(200)
    country: CountryCode
    parent: Key | None = None  # the controlling company (majority or controlling stake)
    description: str = ""
    pending_change_of_control: str = ""
    shareholders: list[ShareholdingData] = []
    establishments: list[EstablishmentData] = []
    evidence: list[EvidenceData] = Field(min_length=1)  # sources for the headquarters and parent facts


class CompaniesData(Strict):
    companies: list[CompanyData]


# --- model families ------------------------------------------------------------------------------------------


class RestrictionData(Strict):
    kind: RestrictionKind
    clause: str  # the clause, quoted
    threshold: Annotated[int, Field(gt=0)] | None = None  # monthly active users, for user_threshold
    evidence: list[EvidenceData] = Field(min_length=1)

    @model_validator(mode="after")
    def _threshold_only_for_users(self) -> RestrictionData:
        if (self.kind is RestrictionKind.USER_THRESHOLD) != (self.threshold is not None):
            raise ValueError("a user_threshold restriction gives its threshold (monthly active users); "
                             "other kinds give none")
        return self


class ModelFamilyData(Strict):
    """Models released under one licence by one developer. Without evidence the licence is unknown."""

    key: Key
    name: line(300)
    developer: Key  # company key: its country is the developer's jurisdiction
    open_weights: bool = False
    licence: line(300) = ""
    restrictions: list[RestrictionData] = []
    training_summary: list[EvidenceData] = []  # AI Act art. 53(1)(d) public summary of training content
    evidence: list[EvidenceData] = []  # the licence, terms or acceptable-use policy read


class ModelFamiliesData(Strict):
    model_families: list[ModelFamilyData]


# --- offerings -----------------------------------------------------------------------------------------------


class AnswerData(Strict):
    """One checklist answer. Exactly one of: a level with evidence, unknown with a reason, or buyer-controlled."""

    level: Level | None = None
    unknown: bool = False
    buyer_controlled: bool = False
    event: bool = False  # a dated event (a ban, an order, a signature): its date is kept, it does not go stale
    rationale: str = ""
    evidence: list[EvidenceData] = []

    @model_validator(mode="after")
    def _one_kind(self) -> AnswerData:
        kinds = [self.level is not None, self.unknown, self.buyer_controlled]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of: level (with evidence), unknown: true (with rationale), "
                             "buyer_controlled: true")
        if not level_is_sourced(has_level=self.level is not None, sources=len(self.evidence)):
            raise ValueError("a level needs at least one evidence entry (url, accessed, confidence); "
                             "without a source the answer is unknown")
        if self.unknown and not self.rationale.strip():
            raise ValueError("an unknown answer needs a rationale saying what was looked for")
        return self


class LinkData(Strict):
    title: str
    url: HttpUrl


class SubprocessorData(Strict):
    company: Key
    role: line(400)
    content: bool = True  # processes customer content (prompts, outputs, files), not only account or billing data
    evidence: list[EvidenceData] = Field(min_length=1)


class ResidencyExceptionData(Strict):
    """A documented case where content or metadata leaves the storage and processing regions."""

    note: str
    evidence: list[EvidenceData] = Field(min_length=1)


class QualificationData(Strict):
    name: line(120)  # e.g. SecNumCloud 3.2, BSI C5 type 2 — a sovereign qualification covering this service
    evidence: list[EvidenceData] = Field(min_length=1)


class OfferingData(Strict):
    key: Key
    name: line(200)
    vendor: Key  # contracting entity (company key)
    model_provider: Key | None = None
    product: line(200)
    deployment_mode: DeploymentMode
    hosting_operator: Key | None = None  # None: the buyer hosts it
    models: list[Key] = []  # model families served (keys from models.yaml)
    storage_regions: list[CountryCode] = []  # where content at rest is stored
    processing_regions: list[CountryCode] = []  # where inference runs
    residency_exceptions: list[ResidencyExceptionData] = []
    region_evidence: list[EvidenceData] = []  # sources for the storage and processing regions
    model_licence: line(400) = ""
    summary: str = ""
    links: list[LinkData] = []
    subprocessors: list[SubprocessorData] = []
    sovereign_qualifications: list[QualificationData] = []
    answers: dict[CriterionKey, AnswerData]

    @model_validator(mode="after")
    def _hosting_matches_mode(self) -> OfferingData:
        if self.hosting_operator is None and self.deployment_mode not in (
            DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS, DeploymentMode.ON_PREMISES
        ):
            raise ValueError("hosting_operator is required unless the buyer hosts the offering "
                             "(on_premises or self_hosted_open_weights)")
        return self


class CatalogMeta(Strict):
    as_of: dt.date
    title: line(200) = "VendorEval starting catalog"
    notes: str = ""
