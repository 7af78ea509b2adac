"""The catalog's figures, computed from the data files (never today's numbers written down), and the quality report."""

import dataclasses
import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from vendoreval.catalog.files import is_bare_domain, read_catalog
from vendoreval.catalog.quality import BUYER, LEVEL, UNKNOWN, catalog_quality, offering_quality
from vendoreval.scoring.models import Confidence

TODAY = dt.date(2026, 12, 1)
MIN_OFFERINGS = 36  # issue 11: the offerings European buyers actually compare
MAX_UNKNOWN_SHARE = 0.35


@pytest.fixture(scope="module")
def bundle():
    return read_catalog(settings.DATA_DIR)


@pytest.fixture(scope="module")
def quality(bundle):
    return catalog_quality(bundle, today=TODAY)


def test_the_catalog_has_enough_offerings_one_file_each(bundle):
    files = sorted((settings.DATA_DIR / "catalog" / "offerings").glob("*.yaml"))
    assert len(bundle.offerings) == len(files) >= MIN_OFFERINGS
    assert {f.stem for f in files} == {o.key for o in bundle.offerings}


def test_at_most_35_percent_of_all_answers_are_unknown(quality):
    assert quality.unknown_share <= MAX_UNKNOWN_SHARE, (
        f"{quality.unknown} of {quality.answers} answers unknown ({quality.unknown_share:.1%})")


def test_no_levelled_answer_rests_only_on_a_bare_domain(bundle, quality):
    for offering in bundle.offerings:
        for key, answer in offering.answers.items():
            if answer.level is not None:
                assert answer.evidence, f"{offering.key} {key}: level without a source"
                assert not all(is_bare_domain(str(e.url)) for e in answer.evidence), f"{offering.key} {key}"
    assert quality.bare_domain_only == 0


def test_every_offering_answers_every_criterion_once(bundle, quality):
    criteria = [c.key for c in bundle.checklist.criteria]
    typed = {c.key for c in bundle.checklist.criteria if not c.derived}
    for offering in bundle.offerings:
        assert set(offering.answers) == typed, offering.key
    for row in quality.offerings:
        assert [a.criterion for a in row.answers] == criteria, row.key
        assert row.total == len(criteria)
        assert row.known + row.unknown + row.buyer_controlled == row.total
        assert sum(row.by_confidence.values()) == row.known
    assert quality.answers == len(criteria) * len(bundle.offerings)


def test_typed_answers_are_counted_as_the_files_give_them(bundle, quality):
    rows = {row.key: row for row in quality.offerings}
    for offering in bundle.offerings:
        typed = {a.criterion: a for a in rows[offering.key].answers if not a.derived}
        for key, answer in offering.answers.items():
            expected = LEVEL if answer.level is not None else UNKNOWN if answer.unknown else BUYER
            assert typed[key].status == expected, f"{offering.key} {key}"
            if answer.level is not None:
                best = min((e.confidence for e in answer.evidence), key=lambda c: c.rank)
                assert typed[key].confidence is best


def test_buyer_hosted_offerings_have_no_unknown_buyer_controlled_answers(bundle, quality):
    rows = {row.key: row for row in quality.offerings}
    controlled = {c.key for c in bundle.checklist.criteria if c.buyer_controlled_when_self_hosted}
    for offering in bundle.offerings:
        if offering.hosting_operator is None:
            statuses = {a.criterion: a.status for a in rows[offering.key].answers}
            assert all(statuses[key] == BUYER for key in controlled), offering.key


def _with_answer(bundle, offering, key, **changes):
    """The bundle with one answer of one offering changed (frozen models: copied, not mutated)."""
    answer = offering.answers[key].model_copy(update=changes)
    changed = offering.model_copy(update={"answers": {**offering.answers, key: answer}})
    return dataclasses.replace(bundle, offerings=[changed if o is offering else o for o in bundle.offerings]), changed


def _levelled(bundle):
    for offering in bundle.offerings:
        for key, answer in offering.answers.items():
            if answer.level is not None and not answer.event:
                return offering, key
    raise AssertionError("no levelled answer")


def test_an_old_source_makes_a_level_stale_but_a_dated_event_never_goes_stale(bundle):
    offering, key = _levelled(bundle)
    old = [e.model_copy(update={"source_date": dt.date(2020, 1, 1)}) for e in offering.answers[key].evidence]
    stale_bundle, stale = _with_answer(bundle, offering, key, evidence=old)
    row = offering_quality(stale, stale_bundle.offering_files[stale.key], stale_bundle, today=TODAY)
    assert next(a for a in row.answers if a.criterion == key).stale
    event_bundle, event = _with_answer(bundle, offering, key, evidence=old, event=True)
    row = offering_quality(event, event_bundle.offering_files[event.key], event_bundle, today=TODAY)
    assert not next(a for a in row.answers if a.criterion == key).stale


def test_an_unknown_answer_counts_as_unknown_and_the_weakest_evidence_is_named(bundle):
    offering, key = _levelled(bundle)
    before = offering_quality(offering, bundle.offering_files[offering.key], bundle, today=TODAY)
    changed_bundle, changed = _with_answer(bundle, offering, key, level=None, unknown=True, evidence=[],
                                           rationale="settled by the vendor's page")
    after = offering_quality(changed, changed_bundle.offering_files[changed.key], changed_bundle, today=TODAY)
    assert after.unknown == before.unknown + 1
    weakest = before.weakest
    assert weakest is not None and weakest.status == LEVEL
    assert all(a.confidence.rank <= weakest.confidence.rank for a in before.answers
               if a.status == LEVEL and not a.derived)
    assert weakest.criterion in before.weakest_label()


def test_derived_answers_follow_the_chain(bundle):
    """A derived answer is known when its inputs are: without sourced regions, a vendor-hosted C1 is unknown."""
    offering = next(o for o in bundle.offerings if o.hosting_operator and o.region_evidence)
    without = offering.model_copy(update={"region_evidence": []})
    changed = dataclasses.replace(bundle, offerings=[without if o is offering else o for o in bundle.offerings])
    row = offering_quality(without, changed.offering_files[without.key], changed, today=TODAY)
    c1 = next(a for a in row.answers if a.criterion == "C1")
    assert c1.derived and c1.status == UNKNOWN


def test_check_report_prints_every_offering_and_the_catalog_figures(bundle, quality, capsys):
    call_command("load_catalog", data=settings.DATA_DIR, check=True, report=True)
    out = capsys.readouterr().out
    for offering in bundle.offerings:
        assert f"\n{offering.key} " in out
    assert f"{len(bundle.offerings)} offerings, {quality.answers} answers" in out
    assert f"Unknown: {quality.unknown} ({100 * quality.unknown_share:.1f}%)" in out
    assert f"confirmed {quality.by_confidence[Confidence.CONFIRMED]} " in out
    assert "levels resting only on a bare domain: 0" in out
