"""What an evaluation is read against: the checklist, its presets and rules, the countries."""

from __future__ import annotations

import dataclasses
import time
import unicodedata

from vendoreval.catalog.models import Country
from vendoreval.catalog.schema import DEPLOYMENT_MODE_LABELS, DeploymentMode
from vendoreval.checklist.models import ChecklistVersion, Criterion, reading_language
from vendoreval.checklist.selectors import checklist_spec, regulation_name
from vendoreval.scoring.models import ChecklistSpec

from .models import Classification


@dataclasses.dataclass(frozen=True)
class EvaluationContext:
    checklist: ChecklistVersion
    spec: ChecklistSpec
    criteria: tuple[Criterion, ...]
    presets: dict[str, dict]  # key -> {key, name, weights, must_haves}
    countries: tuple[Country, ...]
    default_trusted: tuple[str, ...]
    language: str = "en"  # the language of the names above (a context is built per checklist and language)
    regulation_names: tuple[str, ...] = ()

    @property
    def criterion_order(self) -> list[str]:
        return [c.key for c in self.criteria]

    @property
    def criteria_by_key(self) -> dict[str, Criterion]:
        return {c.key: c for c in self.criteria}

    @property
    def area_names(self) -> dict[str, str]:
        return {a.key: a.name for a in self.spec.areas}  # the spec's names are in the context's language

    @property
    def regulations(self) -> list[dict]:
        """The regulation rules, each with its `name` in the language the context was built for."""
        return [{**rule, "name": name} for rule, name in zip(self.checklist.regulation_rules, self.regulation_names,
                                                               strict=True)]

    @property
    def mode_choices(self) -> list[tuple[str, str]]:
        return [(m.value, DEPLOYMENT_MODE_LABELS[m]) for m in DeploymentMode]

    @property
    def classification_choices(self) -> list[tuple[str, str]]:
        return list(Classification.choices)

    @property
    def measured_objectives(self) -> list:
        """The CSF objectives at least one criterion measures (the others have no score or SEAL)."""
        measured = {c.csf_objective for c in self.spec.criteria}
        return [o for o in self.spec.objectives if o.key in measured]

    def preset(self, key: str) -> dict | None:
        return self.presets.get(key)


# The context changes only when the checklist or the countries are loaded or edited: it is built once per process,
# checklist version and reading language, dropped by the signals in `apps.py` when those tables change here, and
# rebuilt after CONTEXT_TTL seconds at most (another process may have changed them).
CONTEXT_TTL = 60.0
_cache: dict[tuple[int, str], tuple[float, EvaluationContext]] = {}


def evaluation_context(checklist: ChecklistVersion) -> EvaluationContext:
    """What an evaluation on `checklist` is read against, named in the reading language (no query when built
    recently)."""
    key = (checklist.pk, reading_language())
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CONTEXT_TTL:
        return cached[1]
    context = _build(checklist)
    _cache[key] = (now, context)
    return context


def forget_contexts(**_kwargs) -> None:
    """Drop every cached context (a checklist or country changed)."""
    _cache.clear()


def _sort_key(name: str) -> str:
    """Alphabetical as a reader of the language expects: É sorts with E."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(ch))


def _build(checklist: ChecklistVersion) -> EvaluationContext:
    countries = tuple(sorted(Country.objects.all(), key=lambda c: _sort_key(c.local_name)))
    return EvaluationContext(
        checklist=checklist,
        spec=checklist_spec(checklist, countries=[c.code for c in countries],
                            deployment_modes=[m.value for m in DeploymentMode]),
        criteria=tuple(checklist.criteria.select_related("area", "csf_objective").order_by("position", "key")),
        presets={p.key: {"key": p.key, "name": p.local_name, "weights": p.weights, "must_haves": p.must_haves,
                         "uses": p.uses}
                 for p in checklist.sector_presets.order_by("position")},
        countries=countries,
        default_trusted=tuple(sorted(c.code for c in countries if c.eu or c.eea)),
        language=reading_language(),
        regulation_names=tuple(regulation_name(rule) for rule in checklist.regulation_rules),
    )
