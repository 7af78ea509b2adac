"""A catalog change that moves an answer an evaluation relies on reaches its owners and evaluators, once."""

import pytest
from django.core import mail

from vendoreval.accounts.models import UserSettings
from vendoreval.catalog.models import Answer, CatalogRevision
from vendoreval.catalog.revisions import catalog_revision
from vendoreval.evaluations.models import AuditEvent
from vendoreval.evaluations.services import evaluation_set_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def relied_on(evaluation, owner, context):
    """An answer with a level, of an offering on the evaluation's shortlist, on a criterion whose area has weight."""
    answer = (Answer.objects.filter(offering__organisation__isnull=True, status="level", level__gte=1)
              .select_related("offering", "criterion__area").first())
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[answer.offering.key], actor=owner,
                         context=context)
    evaluation_set_field(evaluation=evaluation, field=f"weight:{answer.criterion.area.key}", values=["30"],
                         actor=owner, context=context)
    return answer


def change_level(answer, level, reason="vendor DPA re-read"):
    with catalog_revision(author=None, reason=reason, source=CatalogRevision.ADMIN):
        answer.level = level
        answer.save()
    return CatalogRevision.objects.first()


def test_a_changed_answer_on_the_shortlist_mails_the_owners_and_evaluators_once(
        relied_on, evaluation, owner, evaluator, viewer, django_capture_on_commit_callbacks):
    for user, email in ((owner, "owner@example.eu"), (evaluator, "evaluator@example.eu"),
                        (viewer, "viewer@example.eu")):
        user.email = email
        user.save()
    old = relied_on.level
    with django_capture_on_commit_callbacks(execute=True):
        revision = change_level(relied_on, old - 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["evaluator@example.eu", "owner@example.eu"]
    body = mail.outbox[0].body
    assert f"Catalog revision {revision.pk}" in body and "vendor DPA re-read" in body
    assert f"{relied_on.criterion.key} {relied_on.criterion.title} {old} → {old - 1}" in body
    event = AuditEvent.objects.get(evaluation=evaluation, action="catalog_changed")
    assert event.new_value["revision"] == revision.pk
    from vendoreval.evaluations.alerts import catalog_revision_alerts

    mail.outbox.clear()
    catalog_revision_alerts.call(revision.pk)  # the same revision again: nothing more
    assert mail.outbox == []


def test_a_user_who_switched_alerts_off_gets_none(relied_on, owner, evaluator,
                                                  django_capture_on_commit_callbacks):
    owner.email, evaluator.email = "owner@example.eu", "evaluator@example.eu"
    owner.save()
    evaluator.save()
    UserSettings.objects.create(user=evaluator, catalog_alerts=False)
    with django_capture_on_commit_callbacks(execute=True):
        change_level(relied_on, relied_on.level - 1)
    assert [m.to[0] for m in mail.outbox] == ["owner@example.eu"]


def test_a_change_on_a_criterion_without_weight_or_must_have_alerts_nobody(
        relied_on, evaluation, owner, context, django_capture_on_commit_callbacks):
    owner.email = "owner@example.eu"
    owner.save()
    evaluation_set_field(evaluation=evaluation, field=f"weight:{relied_on.criterion.area.key}", values=["0"],
                         actor=owner, context=context)
    evaluation.refresh_from_db()
    if relied_on.criterion.key in {m.criterion for m in evaluation_must_haves(evaluation, context)}:
        pytest.skip("the sample criterion is a must-have of the defence preset")
    with django_capture_on_commit_callbacks(execute=True):
        change_level(relied_on, relied_on.level - 1)
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(evaluation=evaluation, action="catalog_changed").exists()


def evaluation_must_haves(evaluation, context):
    from vendoreval.evaluations.profile import must_haves_of

    return [m for m in must_haves_of(evaluation, context) if m.active]


def test_switching_alerts_off_is_a_setting_of_ones_own(client, owner):
    client.force_login(owner)
    assert client.post("/account/alerts/", {}).status_code == 302
    assert UserSettings.objects.get(user=owner).catalog_alerts is False
    client.post("/account/alerts/", {"catalog_alerts": "on"})
    assert UserSettings.objects.get(user=owner).catalog_alerts is True


def test_each_person_reads_the_alert_in_their_language(relied_on, owner, evaluator,
                                                       django_capture_on_commit_callbacks):
    """The e-mail is written in the recipient's chosen language: the criterion by its title in that language (the
    checklist data carry it); the activity keeps the English lines."""
    owner.email, evaluator.email = "owner@example.eu", "evaluator@example.eu"
    owner.save()
    evaluator.save()
    UserSettings.objects.create(user=owner, language="de")
    german = relied_on.criterion.translations["de"]["title"]
    assert german != relied_on.criterion.title
    with django_capture_on_commit_callbacks(execute=True):
        change_level(relied_on, relied_on.level - 1)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert f"{relied_on.criterion.key} {german} " in bodies["owner@example.eu"]
    assert f"{relied_on.criterion.key} {relied_on.criterion.title} " in bodies["evaluator@example.eu"]
    event = AuditEvent.objects.get(action="catalog_changed")
    assert all(german not in line for line in event.new_value["changes"])
