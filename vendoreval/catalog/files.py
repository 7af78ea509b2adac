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

import yaml
from pydantic import BaseModel, ValidationError

from .schema import (
    CatalogMeta,
    ChecklistData,
    CompaniesData,
    CompanyData,
    DeploymentMode,
    JurisdictionsData,
    OfferingData,
)

CHECKLIST_FILE = "checklist.yaml"
CATALOG_DIR = "catalog"
META_FILE = "catalog.yaml"
JURISDICTIONS_FILE = "jurisdictions.yaml"
COMPANIES_FILE = "companies.yaml"
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
    offerings: list[OfferingData]
    offering_files: dict[str, str]  # offering key -> file name relative to the data root


class _Loader(yaml.SafeLoader):
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


def _load_yaml(path: Path, root: Path, problems: list[CatalogProblem]) -> Any:
    rel = str(path.relative_to(root))
    if not path.exists():
        problems.append(CatalogProblem(rel, "file is missing"))
        return None
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(CatalogProblem(rel, f"is not valid YAML: {exc}"))
        return None


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

    if checklist and jurisdictions and companies:
        countries = {c.code for c in jurisdictions.countries}
        company_by_key = _check_companies(companies.companies, countries, companies_rel, problems)
        for offering in offerings:
            _check_offering(offering, offering_files[offering.key], checklist, countries, company_by_key, problems)

    if problems:
        raise CatalogInvalid(problems)
    return CatalogBundle(checklist, meta, jurisdictions, companies, offerings, offering_files)


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


def _check_offering(offering: OfferingData, rel: str, checklist: ChecklistData, countries: set[str],
                    companies: dict[str, CompanyData], problems: list[CatalogProblem]) -> None:
    subject = f"offering {offering.key}"

    def problem(field: str, message: str) -> None:
        problems.append(CatalogProblem(rel, message, subject, field))

    for field in ("vendor", "model_provider", "hosting_operator"):
        value = getattr(offering, field)
        if value is not None and value not in companies:
            problem(field, f"unknown company {value!r}; expected a key from companies.yaml")
    for i, sub in enumerate(offering.subprocessors):
        if sub.company not in companies:
            problem(f"subprocessors.{i}.company",
                    f"unknown company {sub.company!r}; expected a key from companies.yaml")
    for i, region in enumerate(offering.processing_regions):
        if region not in countries:
            problem(f"processing_regions.{i}", f"unknown country {region!r}; expected an ISO 3166 code listed in "
                                               "jurisdictions.yaml")

    criteria = {c.key: c for c in checklist.criteria}
    buyer_hosted = offering.hosting_operator is None
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
            decided = ", ".join(c.key for c in checklist.criteria if c.buyer_controlled_when_self_hosted)
            problem(f"answers.{key}.buyer_controlled",
                    f"only criteria {decided} of offerings the buyer hosts (no hosting_operator) can be "
                    "buyer-controlled")
    missing = [c.key for c in checklist.criteria if not c.derived and c.key not in offering.answers]
    if missing:
        problem("answers", f"criteria not answered: {', '.join(missing)} (answer each with a level and evidence, "
                           "or unknown: true with a rationale)")
    if offering.deployment_mode is DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS and offering.hosting_operator is not None:
        problem("hosting_operator", "an open-weights self-hosted offering is hosted by the buyer; leave it empty")


# --- writing ------------------------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """pydantic python-mode dump -> YAML-safe builtins (URLs and enums as strings), keeping dates as dates."""
    if isinstance(value, dict):
        return {(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (frozenset, set)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, str):
        return str(value)  # StrEnum -> str
    if value is None or isinstance(value, (bool, int, float)) or hasattr(value, "isoformat"):
        return value
    return str(value)  # pydantic Url


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 100 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def dump_yaml(model: BaseModel, header: str = "") -> str:
    data = _plain(model.model_dump(mode="python", exclude_defaults=True))
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
    }
    for offering in bundle.offerings:
        files[offerings_dir / f"{offering.key}.yaml"] = dump_yaml(offering)
    for stale in offerings_dir.glob("*.yaml"):
        if stale not in files:
            stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return sorted(files)
