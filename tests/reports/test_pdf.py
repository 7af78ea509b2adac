"""The rendered PDF: what a committee reads (sections, ranking, numbers, citations) and what an archive needs
(outline, metadata, PDF/A-3 identification, the snapshot attached), all from one sample report."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from vendoreval.reports.fetcher import STYLESHEET
from vendoreval.reports.rendering import render_pdf
from vendoreval.reports.snapshot import ReportSnapshot

from .conftest import pdf_text, squash

pytestmark = pytest.mark.django_db  # the sample is built in the test database: set it up even when run alone

SECTIONS = ["Executive summary", "Requirement profile", "Method", "Comparison of the shortlist",
            "Shortlisted offerings", "Sensitivity", "Appendix", "Sign-off"]


def half_up(value: float, digits: int = 1) -> str:
    """The rounding the report's method section states: the decimal value rounded half up, 1.25 -> 1.3."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def reader(sample) -> PdfReader:
    return PdfReader(BytesIO(sample.pdf))


def between(flat: str, start: str, end: str) -> str:
    a = flat.index(squash(start))
    return flat[a:flat.index(squash(end), a)]


def test_every_section_is_there_in_order(sample):
    position = 0
    for title in SECTIONS:  # each heading after the previous one
        position = sample.body.index(squash(title), position)
    for label in ("Prepared by", "Reviewed by", "Approved by", "Name", "Signature", "Ranking", "Excluded offerings",
                  "Must-haves", "Area weights", "Levels and the SEAL ladder", "Rank acceptability",
                  "A. Answers used", "B. Sources", "C. Change history", "Ownership and hosting chain",
                  "Strengths", "Risks", "Data gaps", "Stale evidence"):
        assert squash(label) in sample.flat, label


def test_cover_identifies_the_evaluation_and_the_snapshot(sample):
    cover = squash(reader(sample).pages[0].extract_text())
    data = sample.snapshot.data
    for text in ("Engineering assistant", "Bundeswehr Beschaffung Test", sample.snapshot.date.isoformat(),
                 f"v{data['checklist']['version']}", data["catalog"]["as_of"], sample.snapshot.fingerprint,
                 sample.snapshot.document_id):
        assert squash(text) in cover, text


def test_recommendation_and_ranking_follow_the_outcome(sample):
    ranking = sample.outcome.result.ranking
    assert len(ranking) >= 2
    leader = ranking[0]
    assert squash(f"Recommendation: {leader.name}") in sample.flat
    assert squash(f"fit score of {half_up(leader.fit_score)} / 100") in sample.flat
    assert squash(f"Sovereignty Score of {half_up(leader.sovereignty_score)} / 100") in sample.flat
    table = between(sample.body, "Ranking", "Excluded offerings")
    positions = [table.index(squash(r.name)) for r in ranking]
    assert positions == sorted(positions)
    for r in ranking:
        assert squash(f"{half_up(r.fit_score)}{half_up(r.sovereignty_score)}SEAL-{r.seal}") in table, r.key
    margin = leader.fit_score - ranking[1].fit_score
    assert squash(f"by {half_up(margin)} fit points") in sample.flat


def test_exclusions_are_listed_with_their_reasons(sample):
    excluded = sample.outcome.result.excluded
    assert excluded
    table = between(sample.body, "Excluded offerings", "Requirement profile")
    for r in excluded:
        assert squash(r.name) in table, r.key
        first = r.knockouts[0].reason.split(" (", 1)[0]
        assert squash(first) in table, first


def test_sensitivity_verdict_and_acceptability(sample):
    sensitivity = sample.outcome.sensitivity
    assert squash(sensitivity.verdict) in sample.flat
    leader = sample.outcome.result.ranking[0]
    section = between(sample.body, "Rank acceptability", "Weight that flips the winner")
    assert squash(f"{leader.name}{half_up(sensitivity.acceptability[leader.key] * 100, 0)}%") in section
    # the defence sample has a flip: more weight on Auditability & transparency makes Microsoft Foundry Local the
    # winner (area G: 95 against the leader's 75, see tests/evaluations/test_results.py)
    assert sensitivity.flip is not None
    flip = sensitivity.flip
    assert squash(f"from {half_up(flip.from_weight, 0)}% to {half_up(flip.to_weight, 0)}%") in sample.flat


def test_each_shortlisted_offering_has_its_section_with_chain_and_exposure(sample):
    shortlist = sample.snapshot.data["shortlist"]["keys"]
    assert len(shortlist) == 3  # no shortlist chosen: the top three
    section = between(sample.body, "Shortlisted offerings", "Rank acceptability")
    for n, key in enumerate(shortlist, start=1):
        profile = sample.outcome.offerings[key]
        assert squash(f"{n}. {profile.offering.name}") in section
        assert squash(profile.chain[0].company.name) in section
        b1 = next(a for a in profile.answers if a.criterion.key == "B1")
        assert squash(b1.rationale[0].upper() + b1.rationale[1:60]) in section  # a sentence of the exposure line


def cited_evidence(sample) -> list[dict]:
    """Every evidence row the appendix cites, in the order it lists the answers (derived ones cite the chain)."""
    rows = []
    for key in sample.snapshot.data["shortlist"]["keys"]:
        offering = sample.snapshot.data["offerings"][key]
        chain = [e for m in offering["chain"] for e in m["evidence"]]
        for answer in offering["answers"]:
            rows += chain if answer["derived"] else answer["evidence"]
    return rows


def test_each_source_document_is_numbered_once_with_its_dates(sample):
    documents = list(dict.fromkeys((r["url"], r["title"], r["source_date"], r["accessed"])
                                   for r in cited_evidence(sample)))
    assert documents and len(documents) < len(cited_evidence(sample))  # documents back several claims each
    sources = between(sample.body, "B. Sources", "C. Change history")
    for n, (url, title, source_date, accessed) in enumerate(documents, start=1):
        entry = sources[sources.index(f"[{n}]"):]
        entry = entry[:entry.index(f"[{n + 1}]")] if f"[{n + 1}]" in entry else entry
        assert entry.startswith(squash(f"[{n}] {title or 'Untitled source'}")), n
        assert squash(url) in entry and squash(f"Source date {source_date or 'undated'}; accessed {accessed}") in entry
    assert f"[{len(documents) + 1}]" not in sources


def test_each_answer_cites_its_sources_with_their_confidence_and_notes(sample):
    data = sample.snapshot.data
    answers = between(sample.body, "A. Answers used", "B. Sources")
    documents = list(dict.fromkeys((r["url"], r["title"], r["source_date"], r["accessed"])
                                   for r in cited_evidence(sample)))
    number = {d: n for n, d in enumerate(documents, start=1)}
    labels = {"confirmed": "confirmed", "third_party": "third-party", "inferred": "inferred"}
    checked = 0
    for key in data["shortlist"]["keys"]:
        for answer in data["offerings"][key]["answers"]:
            if answer["derived"] or not answer["evidence"]:
                continue
            evidence = answer["evidence"][0]
            n = number[(evidence["url"], evidence["title"], evidence["source_date"], evidence["accessed"])]
            assert squash(f"[{n}] {labels[evidence['confidence']]}") in answers, (key, answer["criterion"])
            if evidence["note"]:
                assert squash(f"[{n}] {evidence['note']}") in answers, (key, answer["criterion"])
            checked += 1
    assert checked > 10


def test_the_chain_carries_its_evidence_and_derived_answers_point_to_it(sample):
    data = sample.snapshot.data
    documents = list(dict.fromkeys((r["url"], r["title"], r["source_date"], r["accessed"])
                                   for r in cited_evidence(sample)))
    number = {d: n for n, d in enumerate(documents, start=1)}
    section = between(sample.body, "Shortlisted offerings", "Rank acceptability")
    answers = between(sample.body, "A. Answers used", "B. Sources")
    labels = {"confirmed": "confirmed", "third_party": "third-party", "inferred": "inferred"}
    for n, key in enumerate(data["shortlist"]["keys"], start=1):
        for member in data["offerings"][key]["chain"]:
            for e in member["evidence"]:
                cited = f"[{number[(e['url'], e['title'], e['source_date'], e['accessed'])]}] {labels[e['confidence']]}"
                assert squash(cited + (f" — {e['note']}" if e["note"] else "")) in section, (key, member["company"])
        assert squash(f"derived from the chain in section {n}") in answers


def test_answers_the_buyer_controls_say_so(sample):
    results = {r["key"]: r for r in (*sample.snapshot.data["results"]["ranking"],
                                     *sample.snapshot.data["results"]["excluded"])}
    criteria = {c["key"]: c["title"] for c in sample.snapshot.data["checklist"]["criteria"]}
    answers = between(sample.body, "A. Answers used", "B. Sources")
    yours = [(key, c) for key in sample.snapshot.data["shortlist"]["keys"] for c in results[key]["criteria"]
             if c["buyer_controlled"]]
    assert yours  # the defence sample shortlists self-hosted offerings
    for _, cell in yours:
        heading = f"{cell['criterion']} {criteria[cell['criterion']]} · level {cell['level']} (yours) · " \
                  "stated by the buyer for their own hosting"
        assert squash(heading) in answers, cell["criterion"]


def test_footer_and_running_header_on_every_page(sample):
    pdf = reader(sample)
    total = len(pdf.pages)
    assert total > 8
    for number, page in enumerate(pdf.pages, start=1):
        text = squash(page.extract_text())
        assert squash(f"page {number} of {total}") in text
        assert squash(f"Document {sample.snapshot.document_id}") in text
        if number > 1:
            assert squash("Engineering assistant") in text


def test_outline_has_a_bookmark_for_every_section(sample):
    pdf = reader(sample)

    def titles(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    outline = list(titles(pdf.outline))
    top = [title for depth, title in outline if depth == 0]
    for section in ["Contents", *SECTIONS]:
        assert section in top
    second = [title for depth, title in outline if depth == 1]
    for n, key in enumerate(sample.snapshot.data["shortlist"]["keys"], start=1):
        assert f"{n}. {sample.outcome.offerings[key].offering.name}" in second
    assert {"Ranking", "B. Sources", "C. Change history"} <= set(second)


def outline_pages(pdf: PdfReader) -> dict[tuple[int, str], int]:
    """Every bookmark, as (depth, title), and the page (1-based) its heading is on, as the PDF's outline records."""
    found: dict[tuple[int, str], int] = {}

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.setdefault((depth, item.title), pdf.get_destination_page_number(item) + 1)

    walk(pdf.outline, 0)
    return found


CHAPTERS = ["Executive summary", "Requirement profile", "Method", "Comparison of the shortlist",
            "Shortlisted offerings", "Sensitivity", "Appendix", "Sign-off"]
APPENDICES = ["A. Answers used", "B. Sources", "C. Change history"]


def test_the_contents_page_lists_every_section_with_the_page_it_starts_on(sample):
    pdf = reader(sample)
    contents = pdf.pages[1].extract_text()
    assert contents.splitlines()[0] == "Contents"
    # an entry: its title, a dotted leader, the page number ("Executive summary ....... 3"); long titles wrap
    entries, pending = {}, ""
    for text in contents.splitlines()[1:]:
        pending += text
        entry = re.fullmatch(r"(.+?)\s*\.{4,}\s*(\d+)", pending.strip())
        if entry:
            entries[squash(entry.group(1))] = int(entry.group(2))
            pending = ""
    shortlist = [f"{n}. {sample.outcome.offerings[key].offering.name}"
                 for n, key in enumerate(sample.snapshot.data["shortlist"]["keys"], start=1)]
    pages = outline_pages(pdf)
    for depth, titles in ((0, CHAPTERS), (1, shortlist + APPENDICES)):
        for title in titles:
            assert squash(title) in entries, f"{title} is not in the contents"
            page = entries[squash(title)]
            heading = pages[depth, title]
            assert page == heading, f"{title}: the contents say page {page}, the heading is on page {heading}"
            assert squash(title) in squash(pdf.pages[page - 1].extract_text()), title
    numbers = [entries[squash(t)] for t in CHAPTERS]
    assert numbers == sorted(numbers)  # in reading order


def text_fill(page, height: float) -> float:
    """How far down the body text of a page reaches, as a share of the text area (the A4 page less the 20 mm top
    and 18 mm bottom margins, where the running header and footer are)."""
    top, bottom = height - 20 * 72 / 25.4, 18 * 72 / 25.4
    lowest: list[float] = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and bottom < y < top:
            lowest.append(y)

    page.extract_text(visitor_text=visit)
    return (top - min(lowest)) / (top - bottom) if lowest else 0.0


def test_no_page_is_left_mostly_empty_and_the_sign_off_has_a_page_of_its_own(sample):
    pdf = reader(sample)
    height = float(pdf.pages[0].mediabox.height)
    last = pdf.pages[-1].extract_text()
    assert squash("Sign-off") in squash(last.splitlines()[0])  # the sign-off starts its page...
    assert all(squash(label) in squash(last) for label in ("Prepared by", "Reviewed by", "Approved by"))  # ...whole
    assert squash("Sign-off") not in squash(pdf.pages[-2].extract_text())
    # the cover, the contents and the page before the sign-off may be short; every other page is at least half full
    for number, page in enumerate(pdf.pages[2:-2], start=3):
        assert text_fill(page, height) >= 0.5, f"page {number} is mostly empty"


def test_metadata(sample):
    meta = reader(sample).metadata
    assert meta.title == "Procurement report: Engineering assistant"
    assert meta.author == "Bundeswehr Beschaffung Test"
    assert sample.snapshot.document_id in meta.subject and sample.snapshot.fingerprint in meta.subject
    assert meta["/CreationDate"].startswith("D:" + sample.snapshot.date.strftime("%Y%m%d"))


def test_pdf_a3b_identification_and_tagging(sample):
    pdf = reader(sample)
    xmp = pdf.xmp_metadata
    assert xmp.pdfaid_part == "3"
    assert xmp.pdfaid_conformance == "B"
    root = pdf.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert len(root["/AF"]) == 1


def test_fonts_are_the_bundled_ones_and_embedded(sample):
    pdf = reader(sample)
    fonts = {}
    for page in pdf.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                else font["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values())
    assert all("DejaVu-Sans" in name or "VendorEval-CJK" in name for name in fonts)
    assert {sample.fetcher.base_url + f"fonts/{name}.ttf" for name in ("DejaVuSans", "DejaVuSans-Bold")} <= set(
        sample.fetcher.requested)  # the bundled files, not whatever the machine has installed


def test_the_snapshot_is_attached_and_round_trips(sample):
    attachments = reader(sample).attachments
    assert list(attachments) == ["snapshot.json"]
    (content,) = attachments["snapshot.json"]
    assert content == sample.snapshot.canonical
    assert hashlib.sha256(content).hexdigest() == sample.snapshot.fingerprint
    assert json.loads(content) == sample.snapshot.data
    assert ReportSnapshot.from_json(content).document_id == sample.snapshot.document_id


def test_only_the_report_assets_were_fetched(sample):
    assert sample.fetcher.refused == []
    assert any(url.endswith(STYLESHEET) for url in sample.fetcher.requested)
    assert all(url.startswith(sample.fetcher.base_url) for url in sample.fetcher.requested)


def test_the_same_snapshot_gives_the_same_text_and_attachment(sample):
    again = render_pdf(ReportSnapshot.from_json(sample.snapshot.canonical))
    assert pdf_text(again) == sample.text
    assert PdfReader(BytesIO(again)).attachments == reader(sample).attachments
