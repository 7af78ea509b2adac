"""Read and validate the catalog's data files without touching the database.

`read_catalog(root)` returns a `CatalogBundle` or raises `CatalogInvalid` listing every problem found, each naming the
file, the offering (or company) and the field, and saying what was expected. Nothing here imports Django, so the data
files can be checked anywhere.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from vendoreval.plain import plain

from .schema import (
    CatalogMeta,
    ChecklistData,
    CompaniesData,
    CompanyData,
    Confidence,
    DeploymentMode,
    JurisdictionsData,
    ModelFamiliesData,
    OfferingData,
    SourcesData,
)

CHECKLIST_FILE = "checklist.yaml"
CATALOG_DIR = "catalog"
META_FILE = "catalog.yaml"
JURISDICTIONS_FILE = "jurisdictions.yaml"
COMPANIES_FILE = "companies.yaml"
MODELS_FILE = "models.yaml"
SOURCES_FILE = "sources.yaml"
OFFERINGS_DIR = "offerings"


@dataclasses.dataclass(frozen=True)
class CatalogProblem:
    file: str
    message: str
    subject: str = ""  # "offering mistral-api", "company microsoft"
    field: str = ""  # "answers.C3.level"

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.subject, f"field {self.field}" if self.field else "") if part)
        return f"{self.file}: {where + ': ' if where else ''}{self.message}"


class CatalogInvalid(Exception):
    def __init__(self, problems: list[CatalogProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclasses.dataclass(frozen=True)
class CatalogBundle:
    checklist: ChecklistData
    meta: CatalogMeta
    jurisdictions: JurisdictionsData
    companies: CompaniesData
    model_families: ModelFamiliesData
    sources: SourcesData
    offerings: list[OfferingData]
    offering_files: dict[str, str]  # offering key -> file name relative to the data root


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser where PyYAML has it: 20x faster
    """YAML 1.2 booleans: only true/false. Otherwise Norway's code NO and a ladder step "Yes" turn into booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  [_first])


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


KEY_LINE = re.compile(r"^key:\s*(\S+)", re.MULTILINE)
FIELD_LINE = re.compile(r"^\s*(?:-\s+)?([\w-]+)\s*:")


def _subject_of(rel: str, text: str) -> str:
    """'offering <key>' for an offering file (from its key line), else the file's kind."""
    if f"/{OFFERINGS_DIR}/" in f"/{rel}":
        found = KEY_LINE.search(text)
        return f"offering {found.group(1) if found else Path(rel).stem}"
    return Path(rel).stem


def _duplicate_keys(node: yaml.Node, path: str = "") -> list[tuple[str, int]]:
    """(field path, line) of every mapping key given twice: YAML would silently keep the last one."""
    found = []
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = f"{path}.{key}" if path else key
            if key in seen:
                found.append((here, key_node.start_mark.line + 1))
            seen.add(key)
            found += _duplicate_keys(value_node, here)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, f"{path}.{i}" if path else str(i))
    return found


def _load_yaml(path: Path, root: Path, problems: list[CatalogProblem]) -> Any:
    rel = str(path.relative_to(root))
    if not path.exists():
        problems.append(CatalogProblem(rel, "file is missing"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        lossy = raw.decode("utf-8", errors="replace")
        line_no = lossy.count("\n", 0, lossy.find("\ufffd")) + 1
        field = FIELD_LINE.match(lossy.splitlines()[line_no - 1] if lossy else "")
        problems.append(CatalogProblem(rel, f"is not UTF-8 text: byte {raw[exc.start]:#04x} on line {line_no} cannot "
                                            "be read; save the file as UTF-8", _subject_of(rel, lossy),
                                       field.group(1) if field else ""))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # parsed once: the node tree is checked, then turned into data
        duplicates = _duplicate_keys(node) if node is not None else []
        for field, line in duplicates:
            problems.append(CatalogProblem(rel, f"this key is given twice (again on line {line}); YAML would keep "
                                                "only the last one, so say it once", _subject_of(rel, text), field))
        return None if duplicates or node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        problems.append(CatalogProblem(rel, f"is not valid YAML: {exc}", _subject_of(rel, text)))
        return None
    finally:
        loader.dispose()


def _validate(model: type[BaseModel], raw: Any, rel: str, subject: str, problems: list[CatalogProblem]):
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            field = ".".join(str(part) for part in loc)
            subject_here = _named_subject(raw, loc) or subject
            value = err.get("input")
            shown = f" (got {value!r})" if not isinstance(value, (dict, list)) and value is not None else ""
            message = err["msg"].removeprefix("Value error, ")
            problems.append(CatalogProblem(rel, f"{message}{shown}", subject_here, field))
        return None


def _named_subject(raw: Any, loc: tuple) -> str:
    """For list files (companies, countries, criteria) name the entry an error is in, not just its index."""
    if len(loc) >= 2 and isinstance(raw, dict) and isinstance(loc[1], int):
        items = raw.get(loc[0])
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            item = items[loc[1]]
            name = item.get("key") or item.get("code")
            if name:
                singular = {"companies": "company", "countries": "country", "criteria": "criterion", "laws": "law"}
                return f"{singular.get(str(loc[0]), str(loc[0]))} {name}"
    return ""


def read_catalog(root: Path | str) -> CatalogBundle:
    root = Path(root)
    problems: list[CatalogProblem] = []
    cat = root / CATALOG_DIR

    checklist = _validate(ChecklistData, _load_yaml(root / CHECKLIST_FILE, root, problems), CHECKLIST_FILE,
                          "checklist", problems)
    meta = _validate(CatalogMeta, _load_yaml(cat / META_FILE, root, problems), f"{CATALOG_DIR}/{META_FILE}",
                     "catalog", problems)
    jurisdictions = _validate(JurisdictionsData, _load_yaml(cat / JURISDICTIONS_FILE, root, problems),
                              f"{CATALOG_DIR}/{JURISDICTIONS_FILE}", "jurisdictions", problems)
    companies_rel = f"{CATALOG_DIR}/{COMPANIES_FILE}"
    companies = _validate(CompaniesData, _load_yaml(cat / COMPANIES_FILE, root, problems), companies_rel,
                          "companies", problems)
    models_rel = f"{CATALOG_DIR}/{MODELS_FILE}"
    model_families = _validate(ModelFamiliesData, _load_yaml(cat / MODELS_FILE, root, problems), models_rel,
                               "model families", problems)
    sources_rel = f"{CATALOG_DIR}/{SOURCES_FILE}"
    sources = _validate(SourcesData, _load_yaml(cat / SOURCES_FILE, root, problems), sources_rel, "sources",
                        problems)

    offerings: list[OfferingData] = []
    offering_files: dict[str, str] = {}
    for path in sorted((cat / OFFERINGS_DIR).glob("*.yaml")):
        rel = str(path.relative_to(root))
        raw = _load_yaml(path, root, problems)
        subject = f"offering {raw.get('key')}" if isinstance(raw, dict) and raw.get("key") else "offering"
        offering = _validate(OfferingData, raw, rel, subject, problems)
        if offering is None:
            continue
        if offering.key in offering_files:
            used = offering_files[offering.key]
            problems.append(CatalogProblem(rel, f"duplicate offering key, already used in {used}", subject, "key"))
            continue
        offering_files[offering.key] = rel
        offerings.append(offering)

    if checklist and jurisdictions and companies and model_families:
        countries = {c.code for c in jurisdictions.countries}
        company_by_key = _check_companies(companies.companies, countries, companies_rel, problems)
        families = _check_families(model_families, company_by_key, models_rel, problems)
        for offering in offerings:
            _check_offering(offering, offering_files[offering.key], checklist, countries, company_by_key, families,
                            problems)
    if sources and jurisdictions and companies and model_families:
        _check_sources(sources, jurisdictions, companies, model_families, offerings, offering_files, problems)

    if problems:
        raise CatalogInvalid(problems)
    return CatalogBundle(checklist, meta, jurisdictions, companies, model_families, sources, offerings,
                         offering_files)


def _check_companies(companies: list[CompanyData], countries: set[str], rel: str,
                     problems: list[CatalogProblem]) -> dict[str, CompanyData]:
    by_key: dict[str, CompanyData] = {}
    for company in companies:
        subject = f"company {company.key}"
        if company.key in by_key:
            problems.append(CatalogProblem(rel, "duplicate company key", subject, "key"))
        by_key[company.key] = company
        if company.country not in countries:
            problems.append(CatalogProblem(rel, f"unknown country {company.country!r}; expected an ISO 3166 code "
                                                "listed in jurisdictions.yaml", subject, "country"))
        for i, establishment in enumerate(company.establishments):
            if establishment.country not in countries:
                problems.append(CatalogProblem(rel, f"unknown country {establishment.country!r}; expected an ISO "
                                                    "3166 code listed in jurisdictions.yaml", subject,
                                               f"establishments.{i}.country"))
    for company in companies:
        subject = f"company {company.key}"
        if company.parent is not None and company.parent not in by_key:
            problems.append(CatalogProblem(rel, f"unknown parent company {company.parent!r}", subject, "parent"))
            continue
        seen = [company.key]
        current = company
        while current.parent is not None and current.parent in by_key:
            if current.parent in seen:
                cycle = " -> ".join([*seen, current.parent])
                problems.append(CatalogProblem(rel, f"cyclic parent chain: {cycle}", subject, "parent"))
                break
            seen.append(current.parent)
            current = by_key[current.parent]
    return by_key


def _check_families(data: ModelFamiliesData, companies: dict[str, CompanyData], rel: str,
                    problems: list[CatalogProblem]) -> set[str]:
    keys: set[str] = set()
    for family in data.model_families:
        subject = f"model family {family.key}"
        if family.key in keys:
            problems.append(CatalogProblem(rel, "duplicate model family key", subject, "key"))
        keys.add(family.key)
        if family.developer not in companies:
            problems.append(CatalogProblem(rel, f"unknown company {family.developer!r}; expected a key from "
                                                "companies.yaml", subject, "developer"))
    return keys


def _check_offering(offering: OfferingData, rel: str, checklist: ChecklistData, countries: set[str],
                    companies: dict[str, CompanyData], families: set[str], problems: list[CatalogProblem]) -> None:
    subject = f"offering {offering.key}"

    def problem(field: str, message: str) -> None:
        problems.append(CatalogProblem(rel, message, subject, field))

    _check_references(offering, countries, companies, families, problem)
    _check_answers(offering, checklist, problem)
    if offering.deployment_mode is DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS and offering.hosting_operator is not None:
        problem("hosting_operator", "an open-weights self-hosted offering is hosted by the buyer; leave it empty")


def _check_references(offering: OfferingData, countries: set[str], companies: dict[str, CompanyData],
                      families: set[str], problem) -> None:
    """Every company, model family and country the offering names exists."""
    unknown_company = "unknown company {!r}; expected a key from companies.yaml"
    unknown_country = "unknown country {!r}; expected an ISO 3166 code listed in jurisdictions.yaml"
    for field in ("vendor", "model_provider", "hosting_operator"):
        value = getattr(offering, field)
        if value is not None and value not in companies:
            problem(field, unknown_company.format(value))
    for i, sub in enumerate(offering.subprocessors):
        if sub.company not in companies:
            problem(f"subprocessors.{i}.company", unknown_company.format(sub.company))
    for i, family in enumerate(offering.models):
        if family not in families:
            problem(f"models.{i}", f"unknown model family {family!r}; expected a key from models.yaml")
    for field in ("storage_regions", "processing_regions"):
        for i, region in enumerate(getattr(offering, field)):
            if region not in countries:
                problem(f"{field}.{i}", unknown_country.format(region))


def _check_answers(offering: OfferingData, checklist: ChecklistData, problem) -> None:
    """One answer per typed-in criterion; buyer-controlled exactly where the buyer's own hosting decides."""
    criteria = {c.key: c for c in checklist.criteria}
    buyer_hosted = offering.hosting_operator is None
    decided = ", ".join(c.key for c in checklist.criteria if c.buyer_controlled_when_self_hosted)
    for key, answer in offering.answers.items():
        criterion = criteria.get(key)
        if criterion is None:
            problem(f"answers.{key}", f"unknown criterion {key!r}; checklist v{checklist.version} has "
                                      f"{', '.join(criteria)}")
            continue
        if criterion.derived:
            problem(f"answers.{key}", f"{key} is derived from the ownership and hosting chain; remove this answer")
        if buyer_hosted and criterion.buyer_controlled_when_self_hosted and not answer.buyer_controlled:
            problem(f"answers.{key}", f"{key} is decided by the buyer's own hosting for an offering the buyer hosts; "
                                      "answer it with buyer_controlled: true")
        if answer.buyer_controlled and not (buyer_hosted and criterion.buyer_controlled_when_self_hosted):
            problem(f"answers.{key}.buyer_controlled",
                    f"only criteria {decided} of offerings the buyer hosts (no hosting_operator) can be "
                    "buyer-controlled")
    missing = [c.key for c in checklist.criteria if not c.derived and c.key not in offering.answers]
    if missing:
        problem("answers", f"criteria not answered: {', '.join(missing)} (answer each with a level and evidence, "
                           "or unknown: true with a rationale)")


# --- sources -------------------------------------------------------------------------------------------------------


def is_bare_domain(url: str) -> bool:
    """A site's root (https://example.com/) names no page: it cannot be the source of a fact."""
    parts = urlsplit(str(url))
    return parts.path.strip("/") == "" and not parts.query


def _evidence_lists(jurisdictions: JurisdictionsData, companies: CompaniesData, families: ModelFamiliesData,
                    offerings: list[OfferingData], offering_files: dict[str, str]):
    """(file, subject, field, evidence list, is the evidence of a levelled answer) for every evidence in the catalog."""
    rel = f"{CATALOG_DIR}/"
    for law in jurisdictions.laws:
        yield rel + JURISDICTIONS_FILE, f"law {law.key}", "evidence", law.evidence, False
    for c in companies.companies:
        yield rel + COMPANIES_FILE, f"company {c.key}", "evidence", c.evidence, False
        for i, s in enumerate(c.shareholders):
            yield rel + COMPANIES_FILE, f"company {c.key}", f"shareholders.{i}.evidence", s.evidence, False
        for i, e in enumerate(c.establishments):
            yield rel + COMPANIES_FILE, f"company {c.key}", f"establishments.{i}.evidence", e.evidence, False
    for f in families.model_families:
        yield rel + MODELS_FILE, f"model family {f.key}", "evidence", f.evidence, False
        yield rel + MODELS_FILE, f"model family {f.key}", "training_summary", f.training_summary, False
        for i, r in enumerate(f.restrictions):
            yield rel + MODELS_FILE, f"model family {f.key}", f"restrictions.{i}.evidence", r.evidence, False
    for o in offerings:
        file, subject = offering_files[o.key], f"offering {o.key}"
        yield file, subject, "region_evidence", o.region_evidence, False
        for i, x in enumerate(o.residency_exceptions):
            yield file, subject, f"residency_exceptions.{i}.evidence", x.evidence, False
        for i, sub in enumerate(o.subprocessors):
            yield file, subject, f"subprocessors.{i}.evidence", sub.evidence, False
        for i, q in enumerate(o.sovereign_qualifications):
            yield file, subject, f"sovereign_qualifications.{i}.evidence", q.evidence, False
        for key, answer in o.answers.items():
            yield file, subject, f"answers.{key}.evidence", answer.evidence, answer.level is not None


def _check_sources(sources: SourcesData, jurisdictions: JurisdictionsData, companies: CompaniesData,
                   families: ModelFamiliesData, offerings: list[OfferingData], offering_files: dict[str, str],
                   problems: list[CatalogProblem]) -> None:
    """Every source is a specific page listed in sources.yaml; only the vendor's own or an official document may
    confirm a fact."""
    publishers = {}
    for i, source in enumerate(sources.sources):
        url = str(source.url)
        if url in publishers:
            problems.append(CatalogProblem(f"{CATALOG_DIR}/{SOURCES_FILE}", "this source is listed twice",
                                           f"source {url}", f"sources.{i}.url"))
        publishers[url] = source.publisher
    for file, subject, field, evidence, levelled in _evidence_lists(jurisdictions, companies, families, offerings,
                                                                     offering_files):
        for i, e in enumerate(evidence):
            url, where = str(e.url), f"{field}.{i}.url"
            if is_bare_domain(url):
                why = ("“confirmed” needs the vendor's own or an official page, and a site's root is no page"
                       if e.confidence is Confidence.CONFIRMED else "a site's root names no page that states the fact")
                problems.append(CatalogProblem(file, f"{url} is a bare domain: {why}; cite the specific page, or make "
                                                     "the answer unknown" if levelled else
                                                     f"{url} is a bare domain: {why}; cite the specific page",
                                               subject, where))
                continue
            publisher = publishers.get(url)
            if publisher is None:
                problems.append(CatalogProblem(file, f"{url} is not listed in sources.yaml; list it once there with "
                                                     "its publisher (vendor, official, press or third_party)",
                                               subject, where))
            elif e.confidence is Confidence.CONFIRMED and not publisher.can_confirm:
                problems.append(CatalogProblem(file, f"“confirmed” needs the vendor's own or an official document; "
                                                     f"{url} is published by the {publisher.value.replace('_', ' ')}: "
                                                     "tag it third_party", subject, f"{field}.{i}.confidence"))


# --- writing ------------------------------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 100 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def dump_yaml(model: BaseModel, header: str = "") -> str:
    data = plain(model.model_dump(mode="python", exclude_defaults=True), dates_as_text=False)
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=118)
    return (f"# {header}\n" if header else "") + body


def write_catalog(bundle: CatalogBundle, root: Path | str) -> list[Path]:
    """Write every catalog file under `root`; offerings no longer present are removed. Returns the files written."""
    root = Path(root)
    offerings_dir = root / CATALOG_DIR / OFFERINGS_DIR
    offerings_dir.mkdir(parents=True, exist_ok=True)
    files = {
        root / CHECKLIST_FILE: dump_yaml(bundle.checklist, "VendorEval checklist (written by export_catalog)"),
        root / CATALOG_DIR / META_FILE: dump_yaml(bundle.meta),
        root / CATALOG_DIR / JURISDICTIONS_FILE: dump_yaml(bundle.jurisdictions),
        root / CATALOG_DIR / COMPANIES_FILE: dump_yaml(bundle.companies),
        root / CATALOG_DIR / MODELS_FILE: dump_yaml(bundle.model_families),
        root / CATALOG_DIR / SOURCES_FILE: dump_yaml(bundle.sources),
    }
    for offering in bundle.offerings:
        files[offerings_dir / f"{offering.key}.yaml"] = dump_yaml(offering)
    for stale in offerings_dir.glob("*.yaml"):
        if stale not in files:
            stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return sorted(files)
