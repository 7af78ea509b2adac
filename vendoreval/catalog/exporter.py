"""Read the catalog out of the database into the same pydantic models the files are validated with."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from vendoreval.checklist.models import ChecklistVersion
from vendoreval.checklist.selectors import current_checklist

from . import schema
from .files import CatalogBundle, write_catalog
from .models import (
    Answer,
    CatalogRelease,
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


class _EvidenceIndex:
    """All evidence in one query, looked up by (model, pk)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[int, int], list[schema.EvidenceData]] = defaultdict(list)
        for e in Evidence.objects.order_by("content_type_id", "object_id", "position", "pk"):
            self._rows[(e.content_type_id, e.object_id)].append(schema.EvidenceData(
                url=e.url, title=e.title, source_date=e.source_date, accessed=e.accessed,
                confidence=schema.Confidence(e.confidence), note=e.note))
        self._types = {m: ContentType.objects.get_for_model(m).pk
                       for m in (Answer, Company, Law, Shareholding, Subprocessor, Qualification, Establishment,
                                 ModelFamily, LicenceRestriction, TrainingSummary, Offering, ResidencyException)}

    def __call__(self, obj) -> list[schema.EvidenceData]:
        return list(self._rows.get((self._types[type(obj)], obj.pk), []))


def checklist_data(checklist: ChecklistVersion) -> schema.ChecklistData:
    return schema.ChecklistData(
        version=checklist.version, published=checklist.published, reference_notes=checklist.reference_notes,
        csf_objectives=[schema.CsfObjectiveData(key=o.key, name=o.name, weight=o.weight, translations=o.translations)
                        for o in checklist.objectives.order_by("key")],
        areas=[schema.AreaData(key=a.key, name=a.name, csf_objectives=a.csf_objectives, translations=a.translations)
               for a in checklist.areas.order_by("key")],
        criteria=[schema.CriterionData(
            key=c.key, area=c.area.key, title=c.title, question=c.question,
            csf_objective=c.csf_objective.key if c.csf_objective else None, references=c.references,
            derived=c.derived, buyer_controlled_when_self_hosted=c.buyer_controlled_when_self_hosted,
            levels={int(k): v for k, v in c.levels.items()}, translations=c.translations)
            for c in checklist.criteria.select_related("area", "csf_objective").order_by("position", "key")],
        sector_presets=[schema.SectorPresetData(key=p.key, name=p.name, weights=p.weights, must_haves=p.must_haves,
                                                uses=p.uses, translations=p.translations)
                        for p in checklist.sector_presets.order_by("position")],
        classification_rules=[schema.ClassificationRuleData.model_validate(r) for r in checklist.classification_rules],
        regulation_rules=[schema.RegulationRuleData.model_validate(r) for r in checklist.regulation_rules],
    )


def build_bundle() -> CatalogBundle:
    evidence = _EvidenceIndex()
    release = CatalogRelease.objects.first()
    laws = [schema.LawData(key=law.key, name=law.name, summary=law.summary, evidence=evidence(law))
            for law in Law.objects.order_by("key")]
    countries = [schema.CountryData(code=c.code, name=c.name, eu=c.eu, eea=c.eea,
                                    laws=sorted(law.key for law in c.laws.all()), translations=c.translations)
                 for c in Country.objects.prefetch_related("laws").order_by("code")]
    companies = []
    companies_query = (Company.objects.select_related("parent")
                       .prefetch_related("shareholdings__holder_company", "establishments"))
    for company in companies_query.order_by("key"):
        companies.append(schema.CompanyData(
            key=company.key, name=company.name, country=company.country_id,
            parent=company.parent.key if company.parent else None, description=company.description,
            pending_change_of_control=company.pending_change_of_control,
            shareholders=[schema.ShareholdingData(
                holder=s.holder_company.key if s.holder_company else s.holder_name,
                stake_percent=float(s.stake_percent) if s.stake_percent is not None else None, note=s.note,
                evidence=evidence(s)) for s in company.shareholdings.all()],
            establishments=[schema.EstablishmentData(country=e.country_id, name=e.name, evidence=evidence(e))
                            for e in company.establishments.all()],
            evidence=evidence(company)))
    families = []
    for f in (ModelFamily.objects.filter(developer__isnull=False).select_related("developer", "training_summary")
              .prefetch_related("restrictions").order_by("key")):
        summary = getattr(f, "training_summary", None)
        families.append(schema.ModelFamilyData(
            key=f.key, name=f.name, developer=f.developer.key, open_weights=f.open_weights, licence=f.licence,
            restrictions=[schema.RestrictionData(kind=schema.RestrictionKind(r.kind), clause=r.clause,
                                                 threshold=r.threshold, evidence=evidence(r))
                          for r in f.restrictions.all()],
            training_summary=evidence(summary) if summary else [], evidence=evidence(f)))
    sources = [schema.SourceData(url=s.url, publisher=schema.Publisher(s.publisher), note=s.note)
               for s in Source.objects.order_by("url")]
    offerings = []
    for o in (Offering.objects.shared()
              .select_related("vendor", "model_provider", "hosting_operator")
              .prefetch_related("processing_regions", "storage_regions", "model_families",
                                "subprocessors__company", "qualifications", "residency_exceptions",
                                "answers__criterion")
              .order_by("key")):
        answers = {}
        for a in sorted(o.answers.all(), key=lambda a: (a.criterion.position, a.criterion.key)):
            answers[a.criterion.key] = schema.AnswerData(
                level=a.level if a.status == Answer.LEVEL else None, unknown=a.status == Answer.UNKNOWN,
                buyer_controlled=a.status == Answer.BUYER_CONTROLLED, event=a.event, rationale=a.rationale,
                evidence=evidence(a))
        offerings.append(schema.OfferingData(
            key=o.key, name=o.name, vendor=o.vendor.key,
            model_provider=o.model_provider.key if o.model_provider else None,
            product=o.product, deployment_mode=schema.DeploymentMode(o.deployment_mode),
            hosting_operator=o.hosting_operator.key if o.hosting_operator else None,
            models=sorted(f.key for f in o.model_families.all()),
            storage_regions=sorted(c.code for c in o.storage_regions.all()),
            processing_regions=sorted(c.code for c in o.processing_regions.all()),
            residency_exceptions=[schema.ResidencyExceptionData(note=x.note, evidence=evidence(x))
                                  for x in o.residency_exceptions.all()],
            region_evidence=evidence(o), model_licence=o.model_licence,
            summary=o.summary, links=[schema.LinkData(**link) for link in o.links],
            subprocessors=[schema.SubprocessorData(company=s.company.key, role=s.role, content=s.content,
                                                   evidence=evidence(s))
                           for s in o.subprocessors.all()],
            sovereign_qualifications=[schema.QualificationData(name=q.name, evidence=evidence(q))
                                      for q in o.qualifications.all()],
            answers=answers))
    return CatalogBundle(
        checklist=checklist_data(current_checklist()),
        meta=schema.CatalogMeta(as_of=release.as_of, title=release.title, notes=release.notes),
        jurisdictions=schema.JurisdictionsData(laws=laws, countries=countries),
        companies=schema.CompaniesData(companies=companies),
        model_families=schema.ModelFamiliesData(model_families=families),
        sources=schema.SourcesData(sources=sources),
        offerings=offerings,
        offering_files={o.key: f"catalog/offerings/{o.key}.yaml" for o in offerings},
    )


def catalog_export(*, root: Path | str) -> list[Path]:
    return write_catalog(build_bundle(), root)
