"""The ranking and the comparison as spreadsheets (XLSX, one sheet per view, sources on a sheet of their own) and as
CSV, with exactly the numbers the pages show.

Every number goes through `scoring.numbers.shown`, the one rounding rule of the pages: a fit score of 71.25 is
written as the number 71.3 (and displayed with one decimal), a share as the whole percentage the page shows. Text
that a spreadsheet would read as a formula stays text: XLSX cells are typed as strings; CSV cells get a leading
apostrophe (a private offering's name is typed by a user). Headers, sheet names and words are in the reader's
language; numbers stay numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vendoreval.catalog.schema import DEPLOYMENT_MODE_LABELS, DeploymentMode
from vendoreval.scoring.models import CriterionResult, OfferingResult
from vendoreval.scoring.numbers import shown

from .comparison import ComparisonTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SCORE_FORMAT = "0.0"


@dataclasses.dataclass(frozen=True)
class Column:
    title: str  # or a lazy translation, read when written
    width: int = 14
    number_format: str | None = None  # for numbers: how the spreadsheet displays them


@dataclasses.dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]
    freeze: str = "A2"  # the header row stays in view (and, for the comparison, the row labels)

    @property
    def header(self) -> list[str]:
        return [str(c.title) for c in self.columns]


# --- numbers as the page shows them --------------------------------------------------------------------------------


def score(value: float | None, digits: int = 1) -> float | int | None:
    """The number the page shows, as a number."""
    if value is None:
        return None
    text = shown(value, digits)
    return int(text) if digits == 0 else float(text)


def share(value: float | None) -> int | None:
    """A share 0..1 as the whole percentage the page shows (13 for "13%")."""
    return None if value is None else int(shown(value * 100, 0))


def mode_label(mode: str) -> str:
    try:
        return DEPLOYMENT_MODE_LABELS[DeploymentMode(mode)]
    except ValueError:
        return mode


def level(cell: CriterionResult) -> int | str:
    shown = pgettext("level of an answer", "unknown") if cell.unknown else cell.level
    return _("%(level)s (yours)") % {"level": shown} if cell.buyer_controlled else shown


# --- the ranking ---------------------------------------------------------------------------------------------------


RANKING_COLUMNS = (
    Column(gettext_lazy("Rank"), 6), Column(gettext_lazy("Offering"), 36), Column(gettext_lazy("Vendor"), 24),
    Column(gettext_lazy("Deployment mode"), 24), Column(gettext_lazy("Fit"), 8, SCORE_FORMAT),
    Column(gettext_lazy("Sovereignty Score"), 12, SCORE_FORMAT), Column(gettext_lazy("SEAL assured"), 9),
    Column(gettext_lazy("SEAL attainable"), 10), Column(gettext_lazy("Unknown answers between the SEALs"), 14),
    Column(gettext_lazy("Confirmed facts (%)"), 11), Column(gettext_lazy("Data gaps"), 8),
    Column(gettext_lazy("First in samples (%)"), 11), Column(gettext_lazy("Explanation"), 80),
    Column(gettext_lazy("Key"), 24),
)


def ranking_sheet(outcome) -> Sheet:
    acceptability = outcome.sensitivity.acceptability if outcome.sensitivity else {}
    rows = [[r.rank, r.name, r.vendor, mode_label(r.deployment_mode), score(r.fit_score),
             score(r.sovereignty_score), r.seal, r.seal_attainable, len(r.seal_unknowns), share(r.confidence),
             len(r.data_gaps), share(acceptability.get(r.key)), r.explanation, r.key]
            for r in outcome.result.ranking]
    return Sheet(_("Ranking"), RANKING_COLUMNS, rows)


def excluded_sheet(outcome) -> Sheet:
    columns = (Column(_("Offering"), 36), Column(_("Vendor"), 24), Column(_("Deployment mode"), 24),
               Column(_("Fit"), 8, SCORE_FORMAT), Column(_("Why excluded"), 100), Column(_("Only unverified"), 10),
               Column(_("Key"), 24))
    yes, no = _("yes"), _("no")
    rows = [[r.name, r.vendor, mode_label(r.deployment_mode), score(r.fit_score),
             "\n".join(k.reason for k in r.knockouts), yes if all(k.unverified for k in r.knockouts) else no,
             r.key] for r in outcome.result.excluded]
    return Sheet(_("Excluded"), columns, rows)


SOURCE_COLUMNS = (
    Column(gettext_lazy("Offering"), 30), Column(gettext_lazy("Criterion"), 9),
    Column(gettext_lazy("Criterion title"), 30), Column(gettext_lazy("Level"), 9), Column(gettext_lazy("Source"), 40),
    Column(gettext_lazy("URL"), 50), Column(gettext_lazy("Source date"), 12), Column(gettext_lazy("Accessed"), 12),
    Column(gettext_lazy("Confidence"), 12), Column(gettext_lazy("Note"), 50), Column(gettext_lazy("Offering key"), 24),
)


def sources_sheet(outcome, results: Sequence[OfferingResult]) -> Sheet:
    """Every source behind the answers of `results`, one row per source and answer."""
    rows = []
    for r in results:
        profile = outcome.offerings.get(r.key)
        if profile is None:
            continue
        cells = {c.criterion: c for c in r.criteria}
        for answer in profile.answers:
            key = answer.criterion.key
            shown_level = level(cells[key]) if key in cells else answer.level
            for e in answer.evidence:
                rows.append([r.name, key, answer.criterion.local_title, shown_level, e.title, e.url, e.source_date,
                             e.accessed, str(e.get_confidence_display()), e.note, r.key])
    return Sheet(_("Sources"), SOURCE_COLUMNS, rows)


def ranking_sheets(outcome) -> list[Sheet]:
    return [ranking_sheet(outcome), excluded_sheet(outcome),
            sources_sheet(outcome, [*outcome.result.ranking, *outcome.result.excluded])]


# --- the comparison ------------------------------------------------------------------------------------------------


def comparison_sheet(table: ComparisonTable) -> Sheet:
    offerings = table.offerings
    columns = (Column(_("Key"), 7), Column(_("Row"), 40), Column(_("Differs"), 8),
               *(Column(o.name, 18, SCORE_FORMAT) for o in offerings))

    def row(key: str, label: str, values: list, differs: bool | None = None) -> list:
        if differs is None:
            differs = len({str(v) for v in values}) > 1
        return [key, label, "≠" if differs else "", *values]

    excluded = pgettext("rank of an excluded offering", "excluded")
    rows = [row("", _("Rank"), [o.rank if o.rank is not None else excluded for o in offerings]),
            row("", _("Fit score"), [score(o.fit_score) for o in offerings]),
            row("", _("Sovereignty Score"), [score(o.sovereignty_score) for o in offerings]),
            row("", _("SEAL assured"), [o.seal for o in offerings]),
            row("", _("SEAL attainable"), [o.seal_attainable for o in offerings])]
    for objective in table.objectives:
        names = {"name": objective.name}
        rows += [row(objective.key, _("%(name)s: score (0–1000)") % names,
                     [score(c.score, 0) for c in objective.cells]),
                 row(objective.key, _("%(name)s: SEAL assured") % names, [c.seal for c in objective.cells]),
                 row(objective.key, _("%(name)s: SEAL attainable") % names, [c.attainable for c in objective.cells])]
    for area in table.areas:
        rows.append(row(area.key, _("%(name)s (area score, 0–100)") % {"name": area.name},
                        [score(s, 0) for s in area.scores]))
        rows += [row(r.key, r.title, [level(cell) for cell in r.cells], r.differs) for r in area.rows]
    return Sheet(_("Comparison"), columns, rows, freeze="C2")


def comparison_sheets(outcome, table: ComparisonTable) -> list[Sheet]:
    return [comparison_sheet(table), sources_sheet(outcome, table.offerings)]


# --- writing ---------------------------------------------------------------------------------------------------------


def xlsx_bytes(sheets: Sequence[Sheet], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = "VendorEval"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = workbook.create_sheet(str(sheet.title)[:31])
        for c, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=c, value=_xlsx_text(str(column.title), ILLEGAL_CHARACTERS_RE))
            cell.font, cell.alignment = bold, wrap
            ws.column_dimensions[get_column_letter(c)].width = column.width
        for r, values in enumerate(sheet.rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.value = _xlsx_text(value, ILLEGAL_CHARACTERS_RE)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                else:
                    cell.value = value
                    number_format = sheet.columns[min(c, len(sheet.columns)) - 1].number_format
                    if number_format and isinstance(value, float):
                        cell.number_format = number_format
        ws.freeze_panes = sheet.freeze
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_text(value: str, illegal) -> str:
    return illegal.sub("", value)


def csv_text(sheet: Sheet) -> str:
    """One sheet as CSV (RFC 4180, comma-separated); numbers written as the page shows them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(v) for v in sheet.header])
    for values in sheet.rows:
        writer.writerow([_csv_cell(v) for v in values])
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
