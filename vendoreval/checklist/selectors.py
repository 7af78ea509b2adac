from __future__ import annotations

from vendoreval.catalog.models import Country
from vendoreval.catalog.schema import DeploymentMode
from vendoreval.scoring.models import AreaSpec, ChecklistSpec, CriterionSpec, ObjectiveSpec

from .models import ChecklistVersion


def current_checklist() -> ChecklistVersion | None:
    return ChecklistVersion.objects.order_by("-published", "-pk").first()


def checklist_spec(checklist: ChecklistVersion) -> ChecklistSpec:
    """The checklist as the scoring core sees it (4 queries)."""
    return ChecklistSpec(
        version=checklist.version,
        areas=tuple(AreaSpec(key=a.key, name=a.name) for a in checklist.areas.order_by("key")),
        criteria=tuple(
            CriterionSpec(key=c.key, area=c.area.key, title=c.title,
                          csf_objective=c.csf_objective.key if c.csf_objective else None,
                          buyer_controlled_when_self_hosted=c.buyer_controlled_when_self_hosted)
            for c in checklist.criteria.select_related("area", "csf_objective").order_by("position", "key")),
        objectives=tuple(ObjectiveSpec(key=o.key, name=o.name, weight=o.weight)
                         for o in checklist.objectives.order_by("key")),
        countries=frozenset(Country.objects.values_list("code", flat=True)),
        deployment_modes=frozenset(m.value for m in DeploymentMode),
    )

