"""Side-by-side comparison of 2–6 offerings per area and criterion, with differences marked.

A row differs when the levels shown differ: an unknown answer reads "unknown" whether the vendor's answer is unknown
or the buyer's own hosting is not described yet, so two unknowns never differ.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _

from vendoreval.scoring.models import CriterionResult, OfferingResult
from vendoreval.scoring.numbers import shown

from .charts import fluid_profile_svg
from .context import EvaluationContext


@dataclasses.dataclass(frozen=True)
class Row:
    key: str
    title: str
    cells: list[CriterionResult]
    differs: bool


@dataclasses.dataclass(frozen=True)
class AreaBlock:
    key: str
    name: str
    scores: list[float]
    differs: bool
    rows: list[Row]


@dataclasses.dataclass(frozen=True)
class ObjectiveRow:
    key: str
    name: str
    cells: list  # ObjectiveScore per compared offering
    differs: bool


@dataclasses.dataclass(frozen=True)
class ComparisonTable:
    offerings: list[OfferingResult]
    areas: list[AreaBlock]
    chart: str
    objectives: list[ObjectiveRow]
    objective_chart: str


def shown_level(cell: CriterionResult) -> int | None:
    """The level a comparison cell shows: None for unknown (a vendor's unknown and an undescribed own hosting alike)."""
    return None if cell.unknown else cell.level


def comparison_table(outcome, keys: list[str], context: EvaluationContext) -> ComparisonTable:
    by_key = {r.key: r for r in (*outcome.result.ranking, *outcome.result.excluded)}
    offerings = [by_key[k] for k in keys]
    criteria = {c.key: c for c in context.criteria}
    blocks = []
    for area in context.spec.areas:
        scores = [next(a.score for a in o.areas if a.area == area.key) for o in offerings]
        rows = []
        for c in context.criteria:
            if c.area.key != area.key:
                continue
            cells = [next(r for r in o.criteria if r.criterion == c.key) for o in offerings]
            differs = len({shown_level(cell) for cell in cells}) > 1
            rows.append(Row(c.key, criteria[c.key].local_title, cells, differs))
        blocks.append(AreaBlock(area.key, area.name, scores, len({shown(s) for s in scores}) > 1, rows))
    chart = fluid_profile_svg([(a.key, a.name) for a in context.spec.areas],
                             [(o.name, [next(a.score for a in o.areas if a.area == area.key)
                                        for area in context.spec.areas]) for o in offerings],
                             title=_("Area profile of the compared offerings (0–100)"))
    objectives = []
    for objective in context.measured_objectives:
        cells = [next(x for x in o.objectives if x.objective == objective.key) for o in offerings]
        objectives.append(ObjectiveRow(objective.key, objective.name, cells,
                                       len({(c.seal, c.attainable, shown(c.score, 0)) for c in cells}) > 1))
    objective_chart = fluid_profile_svg(
        [(row.key, row.name) for row in objectives],
        [(o.name, [row.cells[i].score for row in objectives]) for i, o in enumerate(offerings)],
        title=_("CSF objective scores of the compared offerings (0–1000)"), maximum=1000, id_prefix="csf-")
    return ComparisonTable(offerings, blocks, chart, objectives, objective_chart)
