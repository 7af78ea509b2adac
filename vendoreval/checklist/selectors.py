from __future__ import annotations

from collections.abc import Iterable

from vendoreval.scoring.models import AreaSpec, ChecklistSpec, CriterionSpec, ObjectiveSpec

from .models import ChecklistVersion, localized


def regulation_name(rule: dict) -> str:
    """A regulation rule's name (the checklist keeps rules as data) in the reading language."""
    return localized(rule.get("translations"), "name", rule["name"])


def current_checklist() -> ChecklistVersion | None:
    return ChecklistVersion.objects.order_by("-published", "-pk").first()


def checklist_spec(checklist: ChecklistVersion, *, countries: Iterable[str] = (),
                   deployment_modes: Iterable[str] = ()) -> ChecklistSpec:
    """The checklist as the scoring core sees it (3 queries), its names in the reading language. `countries` and
    `deployment_modes` are the values a requirement profile may name (the catalog knows them; the checklist does
    not)."""
    return ChecklistSpec(
        version=checklist.version,
        areas=tuple(AreaSpec(key=a.key, name=a.local_name) for a in checklist.areas.order_by("key")),
        criteria=tuple(
            CriterionSpec(key=c.key, area=c.area.key, title=c.local_title,
                          csf_objective=c.csf_objective.key if c.csf_objective else None,
                          buyer_controlled_when_self_hosted=c.buyer_controlled_when_self_hosted)
            for c in checklist.criteria.select_related("area", "csf_objective").order_by("position", "key")),
        objectives=tuple(ObjectiveSpec(key=o.key, name=o.local_name, weight=o.weight)
                         for o in checklist.objectives.order_by("key")),
        countries=frozenset(countries),
        deployment_modes=frozenset(deployment_modes),
    )

