"""The ranking and the comparison as XLSX and CSV carry exactly what the pages show: read back with openpyxl and csv and
compared with the rendered pages, cell by cell."""

from __future__ import annotations

import csv
import io
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vendoreval.catalog.models import Offering
from vendoreval.evaluations import exports

pytestmark = pytest.mark.django_db


def url(name, evaluation, query=""):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug}) + query


@pytest.fixture
def evaluation(organisation, owner, context):
    """An evaluation whose ranking holds several offerings and excludes others, whatever the catalog says: no sector
    must-haves, public data, one deployment mode (the most common one in the catalog) accepted."""
    from collections import Counter

    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    modes = Counter(Offering.objects.filter(organisation=None).values_list("deployment_mode", flat=True))
    evaluation = evaluation_create(organisation=organisation, name="Citizen letters", actor=owner, context=context)
    for field, values in [("classification", ["public"]), ("trusted_countries", list(context.default_trusted)),
                          ("acceptable_modes", [modes.most_common(1)[0][0]])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=owner, context=context)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def buyer(client, evaluation, viewer):
    client.force_login(viewer)  # exports are reading: viewers may download them
    return client


@pytest.fixture
def compared(evaluation, context):
    """Three offerings to compare: the top two of the ranking and an excluded one."""
    from vendoreval.evaluations.services import evaluation_outcome

    result = evaluation_outcome(evaluation, context, samples=0).result
    return [r.key for r in result.ranking[:2]] + [result.excluded[0].key]


class Table(HTMLParser):
    """The rows of the first table in an HTML fragment, each as the text of its cells."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._done = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._done = True

    def handle_data(self, data):
        if self._cell is not None and not self._done:
            self._cell.append(data)


def page_ranking(html: str) -> list[dict[str, str]]:
    """The ranking table of the results page as {column header: cell text} per offering."""
    section = html.split("<h2>Ranking", 1)[1]
    header, *rows = Table(section[section.index("<table"):]).rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(ws) -> list[dict]:
    header, *rows = ws.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_ranking_xlsx_carries_exactly_the_ranking_the_page_shows(buyer, evaluation):
    shown = page_ranking(buyer.get(url("evaluation-results", evaluation)).content.decode())
    assert len(shown) >= 2
    response = buyer.get(url("evaluation-ranking-xlsx", evaluation))
    assert response["Content-Disposition"].startswith(f'attachment; filename="{evaluation.slug}-ranking-')
    book = workbook(response)
    assert book.sheetnames == ["Ranking", "Excluded", "Sources"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"  # the header row stays in view
    exported = sheet_rows(book["Ranking"])
    assert len(exported) == len(shown)
    for page, row in zip(shown, exported, strict=True):
        assert page["Rank"] == str(row["Rank"])
        assert page["Offering"].startswith(row["Offering"])
        assert page["Fit"] == f"{row['Fit']:.1f}"
        assert page["Sovereignty Score"] == f"{row['Sovereignty Score']:.1f}"
        seal = f"SEAL-{row['SEAL assured']}"
        if row["SEAL attainable"] > row["SEAL assured"]:
            seal += f" / {row['SEAL attainable']} ({row['Unknown answers between the SEALs']} unknown)"
        assert page["SEAL assured / attainable"] == seal
        assert page["Confirmed facts"] == f"{row['Confirmed facts (%)']}%"
        assert page["Data gaps"] == str(row["Data gaps"])
        assert page["First in samples"] == f"{row['First in samples (%)']}%"
    fit_cell = book["Ranking"]["E2"]
    assert fit_cell.number_format == "0.0" and isinstance(fit_cell.value, float)


def test_ranking_csv_carries_the_same_rows(buyer, evaluation):
    book = workbook(buyer.get(url("evaluation-ranking-xlsx", evaluation)))
    exported = csv_rows(buyer.get(url("evaluation-ranking-csv", evaluation)))
    in_xlsx = sheet_rows(book["Ranking"])
    assert [r["Offering"] for r in exported] == [r["Offering"] for r in in_xlsx]
    shown = page_ranking(buyer.get(url("evaluation-results", evaluation)).content.decode())
    for page, row in zip(shown, exported, strict=True):
        assert (page["Rank"], page["Fit"], page["Sovereignty Score"], page["Data gaps"]) == (
            row["Rank"], row["Fit"], row["Sovereignty Score"], row["Data gaps"])
        assert (page["Confirmed facts"], page["First in samples"]) == (
            row["Confirmed facts (%)"] + "%", row["First in samples (%)"] + "%")


def test_excluded_offerings_and_every_source_have_their_own_sheets(buyer, evaluation):
    book = workbook(buyer.get(url("evaluation-ranking-xlsx", evaluation)))
    html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    excluded = sheet_rows(book["Excluded"])
    assert excluded and all(r["Offering"] in unescape(html) for r in excluded)
    assert all(r["Why excluded"] for r in excluded)
    sources = sheet_rows(book["Sources"])
    keys = {r["Key"] for r in sheet_rows(book["Ranking"])} | {r["Key"] for r in excluded}
    assert {r["Offering key"] for r in sources} <= keys
    assert all(r["URL"] and r["Criterion"] for r in sources)
    profile = Offering.objects.get(key=sheet_rows(book["Ranking"])[0]["Key"])
    listed = {(r["Criterion"], r["URL"]) for r in sources if r["Offering key"] == profile.key}
    answers = profile.answers.filter(evidence__isnull=False).values_list("criterion__key", "evidence__url")
    assert set(answers) <= listed


def page_comparison(html: str) -> dict[str, list[str]]:
    """The comparison page's side-by-side table as {row heading: cells}."""
    section = html.split("Side by side</h2>", 1)[1]
    return {row[0].replace("≠ ", "").replace("(differs) ", ""): row[1:]
            for row in Table(section[section.index("<table"):]).rows[1:]}


def test_comparison_xlsx_and_csv_carry_the_numbers_and_levels_the_page_shows(buyer, evaluation, compared):
    query = "?" + "&".join(f"o={k}" for k in compared)
    html = buyer.get(url("evaluation-compare", evaluation, query)).content.decode()
    assert url("evaluation-compare-xlsx", evaluation, query).replace("&", "&amp;") in html
    page = page_comparison(html)
    book = workbook(buyer.get(url("evaluation-compare-xlsx", evaluation, query)))
    assert book.sheetnames == ["Comparison", "Sources"]
    ws = book["Comparison"]
    assert ws.freeze_panes == "C2"  # the header row and the row labels stay in view
    rows = {(r[0] or "", r[1]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    names = [c.value for c in ws[1]][3:]
    assert len(names) == len(compared)
    assert [f"{v:.1f}" for v in rows[("", "Fit score")][3:]] == page["Fit score"]
    sovereignty = [cell.split(" · ")[0] for cell in page["Sovereignty Score / SEAL"]]
    assert [f"{v:.1f}" for v in rows[("", "Sovereignty Score")][3:]] == sovereignty
    criteria = 0
    for (key, title), row in rows.items():
        heading = f"{key} {title}"
        if heading in page and len(key) == 2:  # a criterion row: levels as the page writes them
            assert [str(v) for v in row[3:]] == [cell.replace(" stale", "") for cell in page[heading]], heading
            assert (row[2] == "≠") == (len({str(v).replace(" (yours)", "") for v in row[3:]}) > 1)
            criteria += 1
    assert criteria >= 30
    exported = list(csv.reader(io.StringIO(
        buyer.get(url("evaluation-compare-csv", evaluation, query)).content.decode("utf-8-sig"))))
    assert exported[0] == ["Key", "Row", "Differs", *names]
    assert [r for r in exported if r[1] == "Fit score"][0][3:] == page["Fit score"]


def test_a_comparison_the_page_refuses_leads_back_to_the_page(buyer, evaluation, compared):
    response = buyer.get(url("evaluation-compare-xlsx", evaluation, f"?o={compared[0]}"))
    assert response.status_code == 302
    assert response["Location"] == url("evaluation-compare", evaluation, f"?o={compared[0]}")


def test_the_results_page_links_its_downloads(buyer, evaluation):
    html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    assert url("evaluation-ranking-xlsx", evaluation) in html and url("evaluation-ranking-csv", evaluation) in html


def test_text_that_looks_like_a_formula_stays_text(buyer, evaluation):
    template = Offering.objects.filter(organisation=None).first()
    Offering.objects.create(key="formula", name='=HYPERLINK("http://127.0.0.1/","x")', vendor=template.vendor,
                            product="x", deployment_mode=template.deployment_mode,
                            organisation=evaluation.organisation)
    book = workbook(buyer.get(url("evaluation-ranking-xlsx", evaluation)))
    cells = [c for ws in (book["Ranking"], book["Excluded"]) for row in ws.iter_rows() for c in row
             if c.value == '=HYPERLINK("http://127.0.0.1/","x")']
    assert cells and all(c.data_type == "s" for c in cells)
    sheet = exports.Sheet("t", (exports.Column("Name"),), [['=HYPERLINK("x")'], ["+1"], ["-2"], ["@a"], ["ok"]])
    assert list(csv.reader(io.StringIO(exports.csv_text(sheet))))[1:] == [
        ["'=HYPERLINK(\"x\")"], ["'+1"], ["'-2"], ["'@a"], ["ok"]]


def test_downloads_write_nothing(buyer, evaluation, compared):
    from vendoreval.evaluations.models import AuditEvent

    before = (AuditEvent.objects.count(), evaluation.updated_at)
    buyer.get(url("evaluation-ranking-csv", evaluation))
    buyer.get(url("evaluation-compare-xlsx", evaluation, f"?o={compared[0]}&o={compared[1]}"))
    evaluation.refresh_from_db()
    assert (AuditEvent.objects.count(), evaluation.updated_at) == before
