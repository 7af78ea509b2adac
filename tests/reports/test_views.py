"""The report page, background generation, download from the store, preview, and who may see what."""

from __future__ import annotations

from io import BytesIO
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from vendoreval.evaluations.models import AuditEvent
from vendoreval.evaluations.services import evaluation_set_field
from vendoreval.reports import rendering
from vendoreval.reports.models import Report
from vendoreval.reports.services import report_get_or_create
from vendoreval.reports.snapshot import report_snapshot
from vendoreval.reports.tasks import generate_report

pytestmark = pytest.mark.django_db


def url(name, evaluation, **kwargs):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


def generate(client, evaluation):
    """What the report page's button does: a POST (rendered inline by the test task backend)."""
    response = client.post(url("evaluation-report", evaluation))
    assert response.status_code == 302
    return response


def counting_renders():
    return mock.patch.object(rendering, "render_pdf", wraps=rendering.render_pdf)


@pytest.fixture
def doc_urls(evaluation, context):
    document_id = report_snapshot(evaluation=evaluation, context=context).document_id
    return [url("evaluation-report", evaluation), url("evaluation-report-preview", evaluation),
            url("evaluation-report-download", evaluation),
            url("evaluation-report-status", evaluation, document_id=document_id),
            url("evaluation-report-file", evaluation, document_id=document_id)]


def test_anonymous_users_are_sent_to_log_in(client, doc_urls):
    for address in doc_urls:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address
    assert client.post(doc_urls[0]).status_code == 302
    assert not Report.objects.exists()


def test_members_of_other_organisations_get_404(client, outsider, doc_urls):
    client.force_login(outsider)
    for address in doc_urls:
        assert client.get(address).status_code == 404, address
    assert client.post(doc_urls[0]).status_code == 404
    assert not Report.objects.exists()


def test_the_page_describes_the_snapshot_and_offers_generation(client, viewer, evaluation, context):
    client.force_login(viewer)
    response = client.get(url("evaluation-report", evaluation))
    assert response.status_code == 200
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    page = response.content.decode()
    assert snapshot.document_id in page and snapshot.fingerprint[:16] + " " + snapshot.fingerprint[16:32] in page
    assert "Generate the PDF" in page
    assert url("evaluation-report-preview", evaluation) in page


def test_a_viewer_generates_the_report_in_the_background(client, viewer, evaluation, context):
    client.force_login(viewer)
    with counting_renders() as render:
        response = client.post(url("evaluation-report", evaluation))
    assert response.status_code == 302  # immediate backend in tests: rendered inline
    assert render.call_count == 1
    report = Report.objects.get()
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    assert (report.status, report.fingerprint, report.document_id) == ("ready", snapshot.fingerprint,
                                                                        snapshot.document_id)
    assert report.file.read().startswith(b"%PDF-")
    event = AuditEvent.objects.get(evaluation=evaluation, action="report_generated")
    assert (event.note, event.new_value, event.actor) == (snapshot.document_id, snapshot.fingerprint, viewer)
    page = client.get(url("evaluation-report", evaluation)).content.decode()
    assert url("evaluation-report-file", evaluation, document_id=report.document_id) in page
    assert 'hx-trigger="every 2s"' not in page


def test_the_status_fragment_polls_until_the_report_is_ready(client, viewer, evaluation, context):
    client.force_login(viewer)
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    report = report_get_or_create(evaluation=evaluation, snapshot=snapshot)
    status_url = url("evaluation-report-status", evaluation, document_id=report.document_id)
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and f'hx-get="{status_url}"' in fragment
    assert "queued" in fragment and "<html" not in fragment
    Report.objects.filter(pk=report.pk).update(status="running")
    assert "rendering" in client.get(status_url).content.decode()
    Report.objects.filter(pk=report.pk).update(status="queued")
    generate_report.call(report.pk)  # what the worker does
    fragment = client.get(status_url).content.decode()
    assert 'hx-trigger' not in fragment
    assert url("evaluation-report-file", evaluation, document_id=report.document_id) in fragment


def test_htmx_generation_returns_the_status_fragment(client, viewer, evaluation):
    client.force_login(viewer)
    response = client.post(url("evaluation-report", evaluation), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="report-status"' in fragment and "<html" not in fragment and "ready" in fragment


def test_a_failed_rendering_is_reported_clearly_and_can_be_retried(client, viewer, evaluation):
    client.force_login(viewer)
    with mock.patch.object(rendering, "render_pdf", side_effect=RuntimeError("boom")):
        client.post(url("evaluation-report", evaluation))
    report = Report.objects.get()
    assert report.status == "failed"
    assert "could not be rendered" in report.error and "boom" not in report.error  # no internals shown
    page = client.get(url("evaluation-report", evaluation)).content.decode()
    assert 'role="alert"' in page and "Try again" in page and report.error in page
    assert not AuditEvent.objects.filter(action="report_generated").exists()
    client.post(url("evaluation-report", evaluation))
    report.refresh_from_db()
    assert report.status == "ready" and report.error == ""


def test_download_is_an_attachment_named_after_the_evaluation_date_and_language(client, viewer, evaluation, context):
    client.force_login(viewer)
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    generate(client, evaluation)
    response = client.get(url("evaluation-report-download", evaluation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = f"{evaluation.slug}-{snapshot.date.isoformat()}-en.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert PdfReader(BytesIO(body)).attachments == {"snapshot.json": [snapshot.canonical]}


def test_downloading_a_report_not_generated_yet_leads_to_the_report_page_and_writes_nothing(client, viewer,
                                                                                              evaluation):
    client.force_login(viewer)
    with counting_renders() as render:
        response = client.get(url("evaluation-report-download", evaluation))
    assert response.status_code == 302
    assert response["Location"] == url("evaluation-report", evaluation) + "?language=en"
    assert render.call_count == 0
    assert not Report.objects.exists() and not AuditEvent.objects.filter(action="report_generated").exists()
    assert "Generate the PDF" in client.get(response["Location"]).content.decode()


def test_an_unchanged_evaluation_is_served_from_the_store(client, viewer, evaluation, context, owner):
    client.force_login(viewer)
    with counting_renders() as render:
        generate(client, evaluation)
        first = b"".join(client.get(url("evaluation-report-download", evaluation)).streaming_content)
        generate(client, evaluation)  # asking again for the same snapshot renders nothing new
        second = b"".join(client.get(url("evaluation-report-download", evaluation)).streaming_content)
        assert render.call_count == 1
        assert first == second
        assert Report.objects.count() == 1
        assert AuditEvent.objects.filter(action="report_generated").count() == 1
        # a change makes a new snapshot: the download waits for it to be generated, the earlier one stays available
        old = Report.objects.get()
        evaluation_set_field(evaluation=evaluation, field="weight:A", values=["30"], actor=owner, context=context)
        evaluation.refresh_from_db()
        assert client.get(url("evaluation-report-download", evaluation)).status_code == 302
        generate(client, evaluation)
        third = b"".join(client.get(url("evaluation-report-download", evaluation)).streaming_content)
        assert render.call_count == 2 and third != first
    assert Report.objects.count() == 2
    response = client.get(url("evaluation-report-file", evaluation, document_id=old.document_id))
    assert b"".join(response.streaming_content) == first
    assert old.document_id in client.get(url("evaluation-report", evaluation)).content.decode()  # earlier reports


def test_the_page_and_a_stored_download_take_a_bounded_number_of_queries(client, viewer, evaluation,
                                                                        django_assert_max_num_queries):
    client.force_login(viewer)
    generate(client, evaluation)
    with django_assert_max_num_queries(40):
        assert client.get(url("evaluation-report", evaluation)).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(url("evaluation-report-download", evaluation)).status_code == 200


def test_an_unknown_document_leads_back_to_the_report_page(client, viewer, evaluation):
    client.force_login(viewer)
    response = client.get(url("evaluation-report-file", evaluation, document_id="VE-000000000000"))
    assert response.status_code == 302 and response["Location"] == url("evaluation-report", evaluation)
    fragment = client.get(url("evaluation-report-status", evaluation, document_id="VE-000000000000"))
    assert fragment.status_code == 200 and "Generate the PDF" in fragment.content.decode()


def test_a_missing_stored_file_is_rendered_again(client, viewer, evaluation):
    client.force_login(viewer)
    generate(client, evaluation)
    report = Report.objects.get()
    report.file.storage.delete(report.file.name)
    with counting_renders() as render:
        assert client.get(url("evaluation-report-download", evaluation)).status_code == 302  # not served, not made
        assert render.call_count == 0
        generate(client, evaluation)
        response = client.get(url("evaluation-report-download", evaluation))
    assert response.status_code == 200 and render.call_count == 1
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_deleting_an_evaluation_deletes_its_stored_pdfs(client, viewer, evaluation,
                                                       django_capture_on_commit_callbacks):
    client.force_login(viewer)
    generate(client, evaluation)
    report = Report.objects.get()
    storage, name = report.file.storage, report.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.delete()
    assert not Report.objects.exists() and not storage.exists(name)


def test_a_rolled_back_deletion_keeps_the_stored_pdf(client, viewer, evaluation, django_capture_on_commit_callbacks):
    from django.db import transaction

    client.force_login(viewer)
    generate(client, evaluation)
    report = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        evaluation.delete()
        transaction.set_rollback(True)
    assert Report.objects.filter(pk=report.pk).exists() and report.file.storage.exists(report.file.name)


def test_preview_is_the_same_report_as_html_without_inline_script_or_style(client, viewer, evaluation, context):
    client.force_login(viewer)
    response = client.get(url("evaluation-report-preview", evaluation))
    assert response.status_code == 200
    html = response.content.decode()
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    for text in ("Executive summary", "Requirement profile", "Method", "Sensitivity", "Appendix", "Sign-off",
                 snapshot.document_id, "/static/css/report.css", url("evaluation-report-download", evaluation)):
        assert text in html
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert "'unsafe-inline'" not in response.get("Content-Security-Policy", "")


@pytest.mark.django_db(transaction=True)  # the worker closes database connections, as a real worker process does
def test_a_queued_job_waits_in_the_database_for_a_worker(client, viewer, evaluation, settings):
    """With the database backend the job is a row: a worker started later (after a restart) picks it up."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(viewer)
    client.post(url("evaluation-report", evaluation))
    report = Report.objects.get()
    assert report.status == "queued"
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("generate_report") and job.status == "READY"
    assert str(job.id) == report.task_id
    page = client.get(url("evaluation-report", evaluation)).content.decode()
    assert 'hx-trigger="every 2s"' in page and "queued" in page
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")
    report.refresh_from_db()
    job.refresh_from_db()
    assert (report.status, job.status) == ("ready", "SUCCESSFUL")
