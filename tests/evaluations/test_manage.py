"""Evaluations as objects people manage: duplicate as a template, archive and unarchive, delete with confirmation and
a record of who deleted what; the list shows sector names, status, last change and the latest report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vendoreval.evaluations import services
from vendoreval.evaluations.models import AuditEvent, DeletedEvaluation, Evaluation
from vendoreval.evaluations.services import evaluation_set_field

pytestmark = pytest.mark.django_db


def url(name, evaluation, **kwargs):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


@pytest.fixture
def answered(evaluation, owner, context):
    """The sample evaluation with every part of the profile answered, a shortlist and a use case."""
    for field, values in [("use_cases", ["Engineering assistant on design documents"]), ("regulations", ["nis2"]),
                          ("licence_uses", ["government"]), ("monthly_users", ["5000"]), ("weight:B", ["40"]),
                          ("must_have:B2", ["3"]), ("seal:SOV-3", ["2"]), ("override:C1", ["2", "Data stays on site"]),
                          ("shortlist", ["mistral-self-hosted"])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=owner, context=context)
    own_hosted = next(c.key for c in context.criteria if c.buyer_controlled_when_self_hosted)
    evaluation_set_field(evaluation=evaluation, field=f"own_hosting:{own_hosted}", values=["3"], actor=owner,
                         context=context)
    evaluation.refresh_from_db()
    return evaluation


# --- duplicate --------------------------------------------------------------------------------------------------------


def test_a_duplicate_copies_the_requirement_profile_not_the_use_case_shortlist_or_history(
        client, answered, evaluator):
    client.force_login(evaluator)
    response = client.post(url("evaluation-duplicate", answered), {"name": "Tender drafting"})
    copy = Evaluation.objects.get(organisation=answered.organisation, name="Tender drafting")
    assert response.status_code == 302 and response["Location"] == url("evaluation-step", copy, step="organisation")
    for field in services.PROFILE_FIELDS:
        assert getattr(copy, field) == getattr(answered, field), field
    assert copy.overrides["C1"] == {"level": 2, "reason": "Data stays on site"}
    assert (copy.shortlist, copy.use_cases, copy.monthly_users) == ([], "", None)
    assert copy.checklist_id == answered.checklist_id and copy.created_by == evaluator
    assert list(copy.audit_events.values_list("action", "note")) == [
        ("created", "copy of the requirement profile of “Engineering assistant”")]
    answered.refresh_from_db()
    assert answered.audit_events.filter(action="duplicated", actor=evaluator, new_value="Tender drafting").exists()
    assert answered.shortlist == ["mistral-self-hosted"]  # the original is untouched


def test_a_duplicate_needs_a_name_and_the_page_says_why(client, evaluation, evaluator):
    client.force_login(evaluator)
    page = client.get(url("evaluation-duplicate", evaluation))
    assert page.status_code == 200 and 'value="Engineering assistant (copy)"' in page.content.decode()
    response = client.post(url("evaluation-duplicate", evaluation), {"name": "  "})
    assert response.status_code == 400
    assert 'role="alert">Give the copy a name' in response.content.decode()
    assert Evaluation.objects.filter(organisation=evaluation.organisation).count() == 1


def test_two_duplicates_with_one_name_get_their_own_addresses(client, evaluation, owner):
    client.force_login(owner)
    for _ in range(2):
        assert client.post(url("evaluation-duplicate", evaluation), {"name": "Copy"}).status_code == 302
    assert sorted(Evaluation.objects.filter(name="Copy").values_list("slug", flat=True)) == ["copy", "copy-2"]


# --- archive ----------------------------------------------------------------------------------------------------------


def test_archived_evaluations_leave_the_list_and_stay_readable(client, evaluation, evaluator, viewer):
    client.force_login(evaluator)
    updated = evaluation.updated_at
    response = client.post(url("evaluation-archive", evaluation))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    evaluation.refresh_from_db()
    assert evaluation.archived_at is not None
    assert evaluation.updated_at == updated  # the answers did not change: the report's snapshot stays the same
    assert AuditEvent.objects.filter(evaluation=evaluation, action="archived", actor=evaluator).exists()
    client.force_login(viewer)
    home = client.get(reverse("home")).content.decode()
    assert url("evaluation-results", evaluation) not in home
    assert "Archived evaluations (1)" in home
    archive = client.get(reverse("home") + "?archived=1").content.decode()
    assert url("evaluation-results", evaluation) in archive
    assert client.get(url("evaluation-results", evaluation)).status_code == 200
    assert 'badge">archived</span>' in client.get(url("evaluation-activity", evaluation)).content.decode()


def test_unarchive_brings_it_back(client, evaluation, owner):
    client.force_login(owner)
    client.post(url("evaluation-archive", evaluation))
    response = client.post(url("evaluation-unarchive", evaluation), {"view": "archive"})
    assert response["Location"] == reverse("home") + "?archived=1"
    evaluation.refresh_from_db()
    assert evaluation.archived_at is None
    assert url("evaluation-results", evaluation) in client.get(reverse("home")).content.decode()
    assert list(evaluation.audit_events.filter(action__in=["archived", "unarchived"])
                .order_by("at", "pk").values_list("action", flat=True)) == ["archived", "unarchived"]


def test_archiving_from_the_list_with_htmx_swaps_the_row_for_a_notice_with_undo(client, evaluation, evaluator):
    client.force_login(evaluator)
    response = client.post(url("evaluation-archive", evaluation), {"view": "list"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    fragment = response.content.decode()
    assert fragment.strip().startswith(f'<tr id="evaluation-{evaluation.pk}">') and "<html" not in fragment
    assert "is archived" in fragment and f'hx-post="{url("evaluation-unarchive", evaluation)}"' in fragment
    undo = client.post(url("evaluation-unarchive", evaluation), {"view": "list"}, HTTP_HX_REQUEST="true")
    row = undo.content.decode()
    assert f'href="{url("evaluation-results", evaluation)}"' in row and "Archive<span" in row
    evaluation.refresh_from_db()
    assert evaluation.archived_at is None


def test_archiving_twice_records_it_once(evaluation, owner):
    for _ in range(2):
        services.evaluation_archive(evaluation=evaluation, actor=owner)
    assert evaluation.audit_events.filter(action="archived").count() == 1


def test_archiving_and_duplicating_do_not_change_the_report_snapshot(evaluation, owner, context):
    from vendoreval.reports.snapshot import report_snapshot

    before = report_snapshot(evaluation=evaluation, context=context).fingerprint
    services.evaluation_archive(evaluation=evaluation, actor=owner)
    services.evaluation_archive(evaluation=evaluation, actor=owner, archived=False)
    services.evaluation_duplicate(evaluation=evaluation, name="Other use", actor=owner, context=context)
    evaluation.refresh_from_db()
    assert report_snapshot(evaluation=evaluation, context=context).fingerprint == before


# --- delete -----------------------------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_and_the_organisation_keeps_who_deleted_what(client, evaluation, owner):
    client.force_login(owner)
    page = client.get(url("evaluation-delete", evaluation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delete “Engineering assistant”?" in html and 'name="confirm"' in html
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()  # asking deletes nothing

    stray = client.post(url("evaluation-delete", evaluation), {})
    assert stray.status_code == 400 and Evaluation.objects.filter(pk=evaluation.pk).exists()

    response = client.post(url("evaluation-delete", evaluation), {"confirm": evaluation.slug})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()
    assert not AuditEvent.objects.filter(evaluation_id=evaluation.pk).exists()
    record = DeletedEvaluation.objects.get(organisation=evaluation.organisation)
    assert (record.name, record.slug, record.deleted_by, record.deleted_by_name) == (
        "Engineering assistant", evaluation.slug, owner, owner.username)
    assert record.sector == "Defence & aerospace" and record.events >= 4
    listing = client.get(reverse("deleted-evaluations", kwargs={"org": evaluation.organisation.slug}))
    assert "Engineering assistant" in listing.content.decode() and owner.username in listing.content.decode()


def test_the_record_outlives_the_user_who_deleted(evaluation, owner, context):
    services.evaluation_delete(evaluation=evaluation, actor=owner, context=context)
    owner.delete()
    record = DeletedEvaluation.objects.get()
    assert record.deleted_by is None and record.deleted_by_name


@pytest.mark.parametrize("role, status", [("viewer", 403), ("evaluator", 403)])
def test_only_owners_delete_or_see_the_record(client, evaluation, member, role, status):
    client.force_login(member(role))
    assert client.get(url("evaluation-delete", evaluation)).status_code == status
    assert client.post(url("evaluation-delete", evaluation), {"confirm": evaluation.slug}).status_code == status
    record = reverse("deleted-evaluations", kwargs={"org": evaluation.organisation.slug})
    assert client.get(record).status_code == status
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


# --- the list ---------------------------------------------------------------------------------------------------------


def test_the_list_shows_sector_name_status_last_change_and_latest_report(client, evaluation, evaluator, owner,
                                                                         context):
    evaluation_set_field(evaluation=evaluation, field="weight:A", values=["30"], actor=evaluator, context=context)
    AuditEvent.objects.create(evaluation=evaluation, actor=owner, action="report_generated", note="VE-0123456789AB",
                              new_value="f" * 64)
    client.force_login(evaluator)
    html = client.get(reverse("home")).content.decode()
    row = html.split(f'id="evaluation-{evaluation.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Defence &amp; aerospace" in row and ">defence<" not in row
    assert 'badge ok">complete' in row
    assert f"by {evaluator.username}" in row  # the report generated later is no change to the answers
    assert url("evaluation-report-file", evaluation, document_id="VE-0123456789AB") in row
    assert "Duplicate<span" in row and "Archive<span" in row and "Delete…" not in row  # evaluators do not delete


def test_a_new_evaluation_is_a_draft_that_says_what_to_answer(client, organisation, owner, context):
    services.evaluation_create(organisation=organisation, name="Fresh", actor=owner, context=context)
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert 'badge warn">draft' in html and "To answer: Organisation and use case" in html
    assert "none yet" in html and "Delete…" in html


def test_viewers_see_the_list_without_actions(client, evaluation, viewer):
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert url("evaluation-results", evaluation) in html
    assert "Duplicate" not in html and "Archive<span" not in html and "Start an evaluation" not in html
