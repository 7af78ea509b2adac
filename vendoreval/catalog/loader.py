"""Write a validated catalog bundle into the database (one transaction) and read it back out for export."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from vendoreval.checklist.models import Area, ChecklistVersion, Criterion, CsfObjective, SectorPreset

from . import schema
from .files import CatalogBundle, read_catalog
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
    Shareholding,
    Source,
    Subprocessor,
    TrainingSummary,
)
from .revisions import catalog_revision


@dataclasses.dataclass
class LoadSummary:
    checklist_version: str
    countries: int
    companies: int
    offerings: int
    answers: int
    removed_offerings: list[str]


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """Create or update; saves (and so records history) only when something changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


EVIDENCE_FIELDS = ("url", "title", "source_date", "accessed", "confidence", "note")


def _evidence_rows(evidence: list[schema.EvidenceData]) -> list[tuple]:
    return [(str(e.url), e.title, e.source_date, e.accessed, e.confidence.value, e.note) for e in evidence]


def _replace_evidence(obj: models.Model, evidence: list[schema.EvidenceData]) -> None:
    """The object's sources as the files give them; untouched (no history, no revision) when they are the same."""
    content_type = ContentType.objects.get_for_model(obj)
    current = Evidence.objects.filter(content_type=content_type, object_id=obj.pk)
    wanted = _evidence_rows(evidence)
    if list(current.order_by("position", "pk").values_list(*EVIDENCE_FIELDS)) == wanted:
        return
    for row in current:
        row.delete()  # one by one, so the history records each removal
    for position, values in enumerate(wanted):
        Evidence.objects.create(content_type=content_type, object_id=obj.pk, position=position,
                                **dict(zip(EVIDENCE_FIELDS, values, strict=True)))


def _translations(item) -> dict:
    """{"fr": {...}, "de": {...}} as stored: ladder levels keyed by text, like the English ladder."""
    return {language: {name: ({str(k): v for k, v in value.items()} if name == "levels" else value)
                       for name, value in translation.model_dump(mode="json").items()}
            for language, translation in item.translations.items()}


def load_checklist(data: schema.ChecklistData) -> ChecklistVersion:
    checklist = _upsert(ChecklistVersion, {"version": data.version}, {
        "published": data.published, "reference_notes": data.reference_notes,
        "classification_rules": [r.model_dump(mode="json") for r in data.classification_rules],
        "regulation_rules": [r.model_dump(mode="json") for r in data.regulation_rules],
    })
    objectives = {o.key: _upsert(CsfObjective, {"checklist": checklist, "key": o.key},
                                 {"name": o.name, "weight": o.weight, "translations": _translations(o)})
                  for o in data.csf_objectives}
    areas = {a.key: _upsert(Area, {"checklist": checklist, "key": a.key},
                            {"name": a.name, "csf_objectives": list(a.csf_objectives),
                             "translations": _translations(a)})
             for a in data.areas}
    for position, c in enumerate(data.criteria):
        _upsert(Criterion, {"checklist": checklist, "key": c.key}, {
            "area": areas[c.area], "position": position, "title": c.title, "question": c.question,
            "csf_objective": objectives.get(c.csf_objective) if c.csf_objective else None,
            "references": list(c.references), "derived": c.derived,
            "buyer_controlled_when_self_hosted": c.buyer_controlled_when_self_hosted,
            "levels": {str(level): meaning for level, meaning in c.levels.items()},
            "translations": _translations(c),
        })
    for position, p in enumerate(data.sector_presets):
        _upsert(SectorPreset, {"checklist": checklist, "key": p.key},
                {"position": position, "name": p.name, "weights": dict(p.weights), "must_haves": dict(p.must_haves),
                 "uses": list(p.uses), "translations": _translations(p)})
    removed = Criterion.objects.filter(checklist=checklist).exclude(key__in=[c.key for c in data.criteria])
    Answer.objects.filter(criterion__in=removed).delete()  # a criterion's answers go with it
    removed.delete()
    SectorPreset.objects.filter(checklist=checklist).exclude(key__in=[p.key for p in data.sector_presets]).delete()
    Area.objects.filter(checklist=checklist).exclude(key__in=list(areas)).delete()
    CsfObjective.objects.filter(checklist=checklist).exclude(key__in=list(objectives)).delete()
    return checklist


def _load_jurisdictions(data: schema.JurisdictionsData) -> None:
    laws = {}
    for law in data.laws:
        laws[law.key] = _upsert(Law, {"key": law.key}, {"name": law.name, "summary": law.summary})
        _replace_evidence(laws[law.key], law.evidence)
    for c in data.countries:
        country = _upsert(Country, {"code": c.code}, {"name": c.name, "eu": c.eu, "eea": c.eea,
                                                      "translations": _translations(c)})
        country.laws.set([laws[key] for key in c.laws])


def _load_sources(data: schema.SourcesData) -> None:
    for source in data.sources:
        _upsert(Source, {"url": str(source.url)}, {"publisher": source.publisher.value, "note": source.note})
    Source.objects.exclude(url__in=[str(s.url) for s in data.sources]).delete()


def _row_matches(row: models.Model, values: dict, evidence: list[schema.EvidenceData]) -> bool:
    for name, value in values.items():
        if isinstance(value, models.Model):
            if getattr(row, f"{name}_id") != value.pk:
                return False
        elif getattr(row, name) != value:
            return False
    return list(row.evidence.order_by("position", "pk").values_list(*EVIDENCE_FIELDS)) == _evidence_rows(evidence)


def _replace_rows(manager, model: type[models.Model], items: list, values) -> None:
    """Replace the related rows of one owner (establishments, restrictions, ...) and their evidence, in order;
    untouched when they are already the same, so loading unchanged files records no change."""
    rows = list(manager.all().order_by("position", "pk"))
    wanted = [values(item) for item in items]
    if len(rows) == len(wanted) and all(_row_matches(row, row_values, item.evidence)
                                        for row, row_values, item in zip(rows, wanted, items, strict=True)):
        return
    for row in rows:
        row.delete()
    for position, (item, row_values) in enumerate(zip(items, wanted, strict=True)):
        row = model.objects.create(position=position, **row_values)
        _replace_evidence(row, item.evidence)


def _load_companies(data: schema.CompaniesData) -> dict[str, Company]:
    companies = {}
    for c in data.companies:
        companies[c.key] = _upsert(Company, {"key": c.key}, {
            "name": c.name, "country_id": c.country, "description": c.description,
            "pending_change_of_control": c.pending_change_of_control,
        })
        _replace_evidence(companies[c.key], c.evidence)
    for c in data.companies:
        company = _upsert(Company, {"key": c.key}, {"parent": companies[c.parent] if c.parent else None})
        _replace_rows(company.shareholdings, Shareholding, c.shareholders,
                      lambda s, company=company: {
                          "company": company, "holder_company": companies.get(s.holder),
                          "holder_name": "" if s.holder in companies else s.holder,
                          "stake_percent": Decimal(str(s.stake_percent)) if s.stake_percent is not None else None,
                          "note": s.note})
        _replace_rows(company.establishments, Establishment, c.establishments,
                      lambda e, company=company: {"company": company, "country_id": e.country, "name": e.name})
    return companies


def _load_model_families(data: schema.ModelFamiliesData, companies: dict[str, Company]) -> dict[str, ModelFamily]:
    families = {}
    for f in data.model_families:
        family = families[f.key] = _upsert(ModelFamily, {"key": f.key}, {
            "name": f.name, "developer": companies[f.developer], "open_weights": f.open_weights, "licence": f.licence})
        _replace_evidence(family, f.evidence)
        _replace_rows(family.restrictions, LicenceRestriction, f.restrictions,
                      lambda r, family=family: {"family": family, "kind": r.kind.value, "clause": r.clause,
                                                "threshold": r.threshold})
        summary = TrainingSummary.objects.filter(family=family).first()
        if f.training_summary:
            _replace_evidence(summary or TrainingSummary.objects.create(family=family), f.training_summary)
        elif summary is not None:
            summary.delete()
    ModelFamily.objects.exclude(key__in=list(families)).filter(offerings__isnull=True).delete()
    return families


def _load_offering(o: schema.OfferingData, companies: dict[str, Company], families: dict[str, ModelFamily],
                   criteria: dict[str, Criterion]) -> int:
    offering = _upsert(Offering, {"key": o.key}, {
        "name": o.name, "vendor": companies[o.vendor],
        "model_provider": companies[o.model_provider] if o.model_provider else None, "product": o.product,
        "deployment_mode": o.deployment_mode.value,
        "hosting_operator": companies[o.hosting_operator] if o.hosting_operator else None,
        "model_licence": o.model_licence, "summary": o.summary,
        "links": [{"title": link.title, "url": str(link.url)} for link in o.links], "organisation": None,
    })
    offering.processing_regions.set(o.processing_regions)
    offering.storage_regions.set(o.storage_regions)
    offering.model_families.set([families[key] for key in o.models])
    _replace_evidence(offering, o.region_evidence)
    _replace_rows(offering.subprocessors, Subprocessor, o.subprocessors,
                  lambda sub: {"offering": offering, "company": companies[sub.company], "role": sub.role,
                               "content": sub.content})
    _replace_rows(offering.qualifications, Qualification, o.sovereign_qualifications,
                  lambda q: {"offering": offering, "name": q.name})
    _replace_rows(offering.residency_exceptions, ResidencyException, o.residency_exceptions,
                  lambda x: {"offering": offering, "note": x.note})
    kept = []
    for key, a in o.answers.items():
        status = Answer.LEVEL if a.level is not None else Answer.UNKNOWN if a.unknown else Answer.BUYER_CONTROLLED
        answer = _upsert(Answer, {"offering": offering, "criterion": criteria[key]},
                         {"status": status, "level": a.level, "rationale": a.rationale, "event": a.event})
        _replace_evidence(answer, a.evidence)
        kept.append(answer.pk)
    offering.answers.exclude(pk__in=kept).delete()
    return len(o.answers)


@transaction.atomic
def catalog_load(*, bundle: CatalogBundle, author=None, reason: str = "") -> LoadSummary:
    """Write the bundle in one transaction and one catalog revision (none when nothing changed)."""
    with catalog_revision(author=author, source=CatalogRevision.LOAD,
                          reason=reason or f"data files loaded (catalog as of {bundle.meta.as_of})"):
        return _load(bundle)


def _load(bundle: CatalogBundle) -> LoadSummary:
    checklist = load_checklist(bundle.checklist)
    _load_sources(bundle.sources)
    _load_jurisdictions(bundle.jurisdictions)
    companies = _load_companies(bundle.companies)
    families = _load_model_families(bundle.model_families, companies)
    criteria = {c.key: c for c in checklist.criteria.all()}
    answers = sum(_load_offering(o, companies, families, criteria) for o in bundle.offerings)
    stale = Offering.objects.shared().exclude(key__in=[o.key for o in bundle.offerings])
    removed = sorted(stale.values_list("key", flat=True))
    stale.delete()
    CatalogRelease.objects.all().delete()
    CatalogRelease.objects.create(as_of=bundle.meta.as_of, title=bundle.meta.title, notes=bundle.meta.notes)
    return LoadSummary(checklist.version, len(bundle.jurisdictions.countries), len(companies), len(bundle.offerings),
                       answers, removed)


def catalog_load_files(*, root: Path | str, author=None, reason: str = "") -> LoadSummary:
    """Validate every file first (pure), then write everything in one transaction: a bad file loads nothing."""
    return catalog_load(bundle=read_catalog(root), author=author, reason=reason)
