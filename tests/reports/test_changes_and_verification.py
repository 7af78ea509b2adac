"""What changed since a report lists exactly the changes made; a report PDF is verified against its own fingerprint."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from vendoreval.catalog.models import Answer, Evidence
from vendoreval.catalog.revisions import catalog_revision
from vendoreval.evaluations.services import evaluation_set_field
from vendoreval.reports.changes import snapshot_changes
from vendoreval.reports.rendering import render_pdf
from vendoreval.reports.snapshot import report_snapshot
from vendoreval.reports.verification import verify_pdf

pytestmark = pytest.mark.django_db


def shortlisted_answer(evaluation, owner, context):
    """A levelled answer (with a source) of an offering we put on the shortlist."""
    answer = (Answer.objects.filter(offering__organisation__isnull=True, status="level", level__gte=1,
                                    criterion__derived=False)
              .exclude(criterion__buyer_controlled_when_self_hosted=True, offering__hosting_operator__isnull=True)
              .select_related("offering", "criterion").first())
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[answer.offering.key], actor=owner,
                         context=context)
    evaluation.refresh_from_db()
    return answer


def test_the_changes_list_exactly_what_was_changed(evaluation, owner, context):
    answer = shortlisted_answer(evaluation, owner, context)
    before = report_snapshot(evaluation=evaluation, context=context, with_changes=False)
    old_level = answer.level
    with catalog_revision(author=None, reason="test", source="admin"):
        answer.level = old_level - 1
        answer.save()
        Evidence.objects.create(subject=answer, position=9, url="https://example.eu/dpa-2026", title="DPA 2026",
                                accessed="2026-11-30", confidence="confirmed")
    evaluation_set_field(evaluation=evaluation, field="weight:E", values=["33"], actor=owner, context=context)
    evaluation.refresh_from_db()
    after = report_snapshot(evaluation=evaluation, context=context, with_changes=False)

    changes = snapshot_changes(before.data, after.data, since_document=before.document_id)
    assert [(c.offering, c.criterion, c.old, c.new) for c in changes.answers] == [
        (answer.offering.key, answer.criterion.key, str(old_level), str(old_level - 1))]
    assert "https://example.eu/dpa-2026" in changes.answers[0].new_sources
    assert "https://example.eu/dpa-2026" not in changes.answers[0].old_sources
    weights = [r for r in changes.requirements if r.what.startswith("Weight of E")]
    assert [(r.old, r.new) for r in weights] == [("10", "33")]
    assert [r.what for r in changes.requirements] == [r.what for r in weights]  # nothing else changed


def test_nothing_changed_means_no_changes(evaluation, context):
    first = report_snapshot(evaluation=evaluation, context=context, with_changes=False)
    again = report_snapshot(evaluation=evaluation, context=context, with_changes=False)
    assert snapshot_changes(first.data, again.data, since_document=first.document_id).empty


@pytest.fixture
def report_pdf(evaluation, context):
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    return snapshot, render_pdf(snapshot)


def test_a_real_report_is_intact(report_pdf):
    snapshot, pdf = report_pdf
    result = verify_pdf(pdf)
    assert result.intact, result.verdict
    assert (result.document_id, result.actual_fingerprint) == (snapshot.document_id, snapshot.fingerprint)
    assert result.evaluation_slug == snapshot.data["evaluation"]["slug"]


def rewrite(pdf: bytes, *, attachment: bytes | None = None, subject: str | None = None,
            drop_attachment: bool = False) -> bytes:
    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    metadata = dict(reader.metadata)
    if subject is not None:
        metadata["/Subject"] = subject
    writer.add_metadata(metadata)
    if not drop_attachment:
        writer.add_attachment("snapshot.json", attachment if attachment is not None
                              else reader.attachments["snapshot.json"][0])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_altered_snapshot_is_refused(report_pdf):
    snapshot, pdf = report_pdf
    tampered = snapshot.canonical.replace(b'"weight"', b'"wieght"', 1) or snapshot.canonical + b" "
    result = verify_pdf(rewrite(pdf, attachment=tampered))
    assert not result.intact and result.verdict.startswith("Altered")
    assert result.actual_fingerprint == hashlib.sha256(tampered).hexdigest() != snapshot.fingerprint


def test_an_altered_fingerprint_is_refused(report_pdf):
    snapshot, pdf = report_pdf
    forged = "f" * 64
    subject = str(PdfReader(BytesIO(pdf)).metadata["/Subject"]).replace(snapshot.fingerprint, forged)
    result = verify_pdf(rewrite(pdf, subject=subject))
    assert not result.intact and result.verdict.startswith("Altered")


def test_a_pdf_without_a_snapshot_is_refused(report_pdf):
    _, pdf = report_pdf
    result = verify_pdf(rewrite(pdf, drop_attachment=True))
    assert not result.intact and "carries no VendorEval evaluation snapshot" in result.verdict


@pytest.mark.parametrize("content, words", [(b"not a pdf at all", "not a PDF"),
                                            (b"%PDF-1.7\n%%EOF garbage", "could not be read")])
def test_garbage_gets_a_clear_answer(content, words):
    result = verify_pdf(content)
    assert not result.intact and words in result.verdict


def test_the_verify_page_answers_and_stores_nothing(client, viewer, evaluation, report_pdf, tmp_path):
    snapshot, pdf = report_pdf
    client.force_login(viewer)
    url = reverse("report-verify", kwargs={"org": evaluation.organisation.slug})
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    with path.open("rb") as upload:
        page = client.post(url, {"report": upload}).content.decode()
    assert "intact" in page and snapshot.document_id in page
    with (tmp_path / "x.pdf").open("wb") as f:
        f.write(rewrite(pdf, drop_attachment=True))
    with (tmp_path / "x.pdf").open("rb") as upload:
        assert "not verified" in client.post(url, {"report": upload}).content.decode()
    assert client.post(url, {}).status_code == 400


def test_the_command_verifies_and_refuses(report_pdf, tmp_path, capsys):
    _, pdf = report_pdf
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(rewrite(pdf, drop_attachment=True))
    call_command("verify_report", str(good))
    assert "Intact" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no VendorEval evaluation snapshot"):
        call_command("verify_report", str(bad))
