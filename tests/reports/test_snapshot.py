"""The snapshot: canonical, fingerprinted, dated by the evaluation (never the clock), and complete."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import timezone, translation

from vendoreval.evaluations.models import AuditEvent
from vendoreval.evaluations.services import evaluation_set_field
from vendoreval.reports.snapshot import ReportSnapshot, canonical_json, document_id_for, report_snapshot

pytestmark = pytest.mark.django_db


def test_canonical_json_sorts_keys_and_sets_and_has_no_whitespace():
    data = {"b": frozenset({"z", "a"}), "a": [dt.date(2026, 1, 2)], "c": "Größe"}
    assert canonical_json(data) == '{"a":["2026-01-02"],"b":["a","z"],"c":"Größe"}'.encode()


def test_fingerprint_is_sha256_of_the_canonical_json(evaluation, context):
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    assert snapshot.fingerprint == hashlib.sha256(snapshot.canonical).hexdigest()
    assert snapshot.document_id == document_id_for(snapshot.fingerprint) == f"VE-{snapshot.fingerprint[:12].upper()}-EN"
    assert json.loads(snapshot.canonical) == snapshot.data
    assert ReportSnapshot.from_json(snapshot.canonical) == snapshot


def test_one_snapshot_serves_every_language_and_the_document_id_says_which(evaluation, context):
    """The fingerprint does not depend on the language the report is read in; the document id does."""
    english = report_snapshot(evaluation=evaluation, context=context)
    with translation.override("de"):  # whoever asks, in whatever language, gets the same snapshot
        german_reader = report_snapshot(evaluation=evaluation, context=context)
    assert german_reader.fingerprint == english.fingerprint
    ids = {language: english.in_language(language).document_id for language in ("en", "fr", "de")}
    assert ids == {language: f"VE-{english.fingerprint[:12].upper()}-{language.upper()}"
                   for language in ("en", "fr", "de")}
    # the app's sentences are there in French and German, the catalog's facts as their sources wrote them
    assert english.data["translations"]["fr"] and english.data["translations"]["de"]
    french = english.in_language("fr").localized
    leader = french["results"]["ranking"][0]
    assert leader["name"] == english.data["results"]["ranking"][0]["name"]
    assert leader["explanation"] != english.data["results"]["ranking"][0]["explanation"]


def test_snapshot_is_dated_by_the_evaluation_not_the_clock(evaluation, context, monkeypatch):
    first = report_snapshot(evaluation=evaluation, context=context)
    assert first.date == timezone.localdate(evaluation.updated_at)
    later = timezone.now() + dt.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = report_snapshot(evaluation=evaluation, context=context)
    assert again.fingerprint == first.fingerprint
    assert again.data["snapshot_date"] == first.date.isoformat()


def test_a_change_to_the_evaluation_changes_the_fingerprint(evaluation, context, owner):
    before = report_snapshot(evaluation=evaluation, context=context)
    evaluation_set_field(evaluation=evaluation, field="weight:A", values=["40"], actor=owner, context=context)
    evaluation.refresh_from_db()
    after = report_snapshot(evaluation=evaluation, context=context)
    assert after.fingerprint != before.fingerprint
    assert after.data["scoring_profile"]["area_weights"]["A"] == 40


def test_recording_a_generated_report_does_not_change_the_snapshot(evaluation, context):
    before = report_snapshot(evaluation=evaluation, context=context)
    AuditEvent.objects.create(evaluation=evaluation, action="report_generated", note=before.document_id,
                              new_value=before.fingerprint)
    assert report_snapshot(evaluation=evaluation, context=context).fingerprint == before.fingerprint


def test_snapshot_holds_the_inputs_results_and_history(evaluation, context):
    data = report_snapshot(evaluation=evaluation, context=context).data
    assert data["format"] == "vendoreval-report-snapshot"
    assert data["organisation"]["name"] == "Bundeswehr Beschaffung Test"
    assert data["requirements"]["sector"]["key"] == "defence"
    assert data["requirements"]["classification"]["key"] == "restricted"
    assert {m["criterion"] for m in data["requirements"]["must_haves"]} >= {"B1", "C1"}
    assert len(data["inputs"]) == len(data["results"]["ranking"]) + len(data["results"]["excluded"])
    assert data["sensitivity"]["samples"] == 2000
    assert [e["field"] for e in data["history"] if e["action"] == "changed"][:2] == ["sector", "area_weights"]
    assert data["checklist"]["version"] == context.checklist.version


def test_without_a_shortlist_the_top_three_are_reported(evaluation, context):
    data = report_snapshot(evaluation=evaluation, context=context).data
    assert data["shortlist"] == {"keys": [r["key"] for r in data["results"]["ranking"][:3]],
                                 "source": "top_of_ranking"}
    assert sorted(data["offerings"]) == sorted(data["shortlist"]["keys"])


def test_the_buyers_shortlist_is_reported_in_their_order(evaluation, context, owner):
    keys = ["azure-openai", "mistral-self-hosted"]
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=keys, actor=owner, context=context)
    evaluation.refresh_from_db()
    data = report_snapshot(evaluation=evaluation, context=context).data
    assert data["shortlist"] == {"keys": keys, "source": "buyer"}
    azure = data["offerings"]["azure-openai"]
    # data/catalog: Azure OpenAI is contracted with Microsoft Ireland Operations Limited, controlled by Microsoft
    # Corporation (US), outside the trusted jurisdictions
    assert [(m["company"], m["trusted"]) for m in azure["chain"] if m["role"] == "contracting entity"] == [
        ("Microsoft Ireland Operations Limited", True)]
    assert any("Microsoft Corporation" in m["company"] and not m["trusted"] for m in azure["chain"])
    assert all(e["url"] for a in azure["answers"] for e in a["evidence"])


def test_building_the_snapshot_takes_a_bounded_number_of_queries(evaluation, context, django_assert_max_num_queries):
    # About 32 per report language (English, French, German: the body is built once in each), however many
    # offerings the catalog has.
    with django_assert_max_num_queries(3 * 32):
        report_snapshot(evaluation=evaluation, context=context)
