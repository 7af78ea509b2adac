"""python manage.py render_report <org>/<evaluation> -o file.pdf"""

from __future__ import annotations

import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from vendoreval.reports import rendering
from vendoreval.reports.models import Report

pytestmark = pytest.mark.django_db


def test_render_report_writes_the_pdf_and_reuses_the_store(evaluation, tmp_path):
    target = tmp_path / "out.pdf"
    name = f"{evaluation.organisation.slug}/{evaluation.slug}"
    out = StringIO()
    with mock.patch.object(rendering, "render_pdf", wraps=rendering.render_pdf) as render:
        call_command("render_report", name, "-o", str(target), stdout=out)
        call_command("render_report", name, "-o", str(tmp_path / "again.pdf"), stdout=out)
    assert render.call_count == 1
    report = Report.objects.get()
    assert "rendered" in out.getvalue() and "from the store" in out.getvalue()
    assert report.document_id in out.getvalue()
    assert target.read_bytes() == (tmp_path / "again.pdf").read_bytes()
    assert list(PdfReader(target).attachments) == ["snapshot.json"]


def test_render_report_names_an_unknown_evaluation(evaluation):
    with pytest.raises(CommandError, match="No evaluation"):
        call_command("render_report", f"{evaluation.organisation.slug}/nope", "-o", "/dev/null")
    with pytest.raises(CommandError, match="<organisation-slug>/<evaluation-slug>"):
        call_command("render_report", "just-a-slug")


# The report's chapters in German (locale/de), in the order the report prints them.
GERMAN_CHAPTERS = ["Inhalt", "Zusammenfassung", "Anforderungsprofil", "Methode", "Anhang", "Freigabe"]


def test_render_report_in_german_writes_the_german_report_of_the_same_snapshot(evaluation, tmp_path):
    name = f"{evaluation.organisation.slug}/{evaluation.slug}"
    call_command("render_report", name, "-o", str(tmp_path / "en.pdf"), stdout=StringIO())
    call_command("render_report", name, "--language", "de", "-o", str(tmp_path / "de.pdf"), stdout=StringIO())
    english, german = Report.objects.get(language="en"), Report.objects.get(language="de")
    assert german.fingerprint == english.fingerprint  # one snapshot, two documents
    assert german.document_id == english.document_id[:-len("-EN")] + "-DE"
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "de.pdf").pages)
    assert [title for title in GERMAN_CHAPTERS if title in text] == GERMAN_CHAPTERS
    assert german.document_id in text
    # the running header and footer too
    assert re.search(r"Seite\s*2\s*von\s*\d+", text) and " · Beschaffungsbericht" in text
    assert "Executive summary" not in text and "Sign-off" not in text
    assert PdfReader(tmp_path / "de.pdf").attachments["snapshot.json"] == [english.snapshot.encode("utf-8")]
