"""An organisation adds its own offerings (e.g. an in-house deployment) that only its members see, answer and score."""

import datetime as dt

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from vendoreval.catalog.models import Answer, Evidence, Offering
from vendoreval.catalog.private_forms import AnswerRowForm, PrivateOfferingForm
from vendoreval.catalog.private_services import private_offering_create, private_offering_update
from vendoreval.catalog.rules import LEVEL_NEEDS_SOURCE
from vendoreval.checklist.models import Criterion

pytestmark = pytest.mark.django_db

IN_HOUSE = {
    "name": "In-house Llama cluster", "product": "Llama 3.3 70B on vLLM", "vendor": "meta",
    "deployment_mode": "self_hosted_open_weights", "hosting_operator": "", "processing_regions": ["DE"],
    "model_licence": "Llama 3.3 Community Licence",
}
# criteria the buyer's own hosting decides (and are typed in, not derived), from the checklist file
BUYER_CONTROLLED = {c["key"] for c in yaml.safe_load((settings.DATA_DIR / "checklist.yaml").read_text())["criteria"]
                    if c.get("buyer_controlled_when_self_hosted") and not c.get("derived")}



def new_url(organisation):
    return reverse("private-offering-new", kwargs={"org": organisation.slug})


def answers_url(offering):
    return reverse("private-offering-answers", kwargs={"org": offering.organisation.slug, "key": offering.key})


def cleaned(**changes) -> dict:
    form = PrivateOfferingForm(data={**IN_HOUSE, **changes})
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.fixture
def in_house(organisation, evaluator, catalog):
    return private_offering_create(organisation=organisation, actor=evaluator, data=cleaned())


def test_evaluator_adds_a_private_offering_seen_in_own_catalog_and_evaluations(client, evaluator, organisation,
                                                                               evaluation):
    client.force_login(evaluator)
    response = client.post(new_url(organisation), IN_HOUSE)
    offering = Offering.objects.get(name="In-house Llama cluster")
    assert response.status_code == 302 and response["Location"] == answers_url(offering)
    assert offering.organisation == organisation and offering.key.startswith(organisation.slug)
    assert offering.hosting_operator is None and [c.code for c in offering.processing_regions.all()] == ["DE"]
    row = client.get(reverse("catalog")).content.decode().split(f'href="/catalog/{offering.key}/"', 1)[1]
    assert f"private to {organisation.name}" in row.split("</tr>", 1)[0]
    results = client.get(reverse("evaluation-results", kwargs={"org": organisation.slug, "slug": evaluation.slug}))
    assert results.status_code == 200 and "In-house Llama cluster" in results.content.decode()


def test_new_private_offering_starts_not_assessed_and_buyer_controlled_where_the_buyer_hosts(in_house,
                                                                                           organisation):
    answers = {a.criterion.key: a for a in in_house.answers.select_related("criterion")}
    assert {k for k, a in answers.items() if a.status == Answer.BUYER_CONTROLLED} == BUYER_CONTROLLED
    assert answers["F1"].status == Answer.UNKNOWN
    assert answers["F1"].rationale == f"Not assessed yet by {organisation.name}"
    assert not {"A1", "B1", "D3"} & set(answers)  # derived from the chain, never typed in


def test_private_offering_is_hidden_from_other_organisations(client, in_house, outsider):
    client.force_login(outsider)
    assert in_house.name not in client.get(reverse("catalog")).content.decode()
    assert client.get(reverse("offering", kwargs={"key": in_house.key})).status_code == 404
    assert client.get(answers_url(in_house)).status_code == 404


def test_viewer_cannot_add_a_private_offering(client, viewer, organisation, catalog):
    client.force_login(viewer)
    assert client.get(new_url(organisation)).status_code == 403
    assert client.post(new_url(organisation), IN_HOUSE).status_code == 403
    assert not Offering.objects.filter(organisation=organisation).exists()


def test_member_of_another_organisation_gets_404_on_the_create_url(client, outsider, organisation, catalog):
    client.force_login(outsider)
    assert client.get(new_url(organisation)).status_code == 404
    assert client.post(new_url(organisation), IN_HOUSE).status_code == 404
    assert not Offering.objects.filter(organisation=organisation).exists()


def test_only_buyer_hosted_modes_can_be_hosted_by_the_buyer(client, evaluator, organisation, catalog):
    client.force_login(evaluator)
    response = client.post(new_url(organisation), {**IN_HOUSE, "deployment_mode": "public_api"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_hosting_operator_error"' in html and 'aria-invalid="true"' in html
    assert "Only on-premises software or self-hosted open weights are hosted by you" in html
    assert not Offering.objects.filter(organisation=organisation).exists()


def test_offering_form_reports_every_mistake_at_once(organisation, evaluator, catalog):
    form = PrivateOfferingForm(data={"vendor": "no-such-company", "processing_regions": ["XX"]})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "vendor", "deployment_mode", "processing_regions"}


def test_keys_are_unique_per_name(organisation, evaluator, in_house):
    again = private_offering_create(organisation=organisation, actor=evaluator, data=cleaned(processing_regions=[]))
    assert again.key != in_house.key and again.key.startswith(in_house.key)


def test_level_without_source_is_rejected_and_nothing_is_saved(client, evaluator, in_house):
    client.force_login(evaluator)
    before = list(in_house.answers.values_list("criterion__key", "status", "level", "rationale"))
    response = client.post(answers_url(in_house), {
        "F1-status": "4", "F1-rationale": "Contract excludes training.", "F1-url": "https://example.eu/contract",
        "F1-accessed": "2026-01-10", "F1-confidence": "confirmed",
        "E2-status": "3", "E2-rationale": "We pin versions ourselves.",
    })
    html = response.content.decode()
    assert response.status_code == 400
    row = html.split('id="row-E2"', 1)[1].split("</fieldset>", 1)[0]
    assert LEVEL_NEEDS_SOURCE in row and 'role="alert"' in row and "We pin versions ourselves." in row
    c2 = html.split('id="row-F1"', 1)[1].split("</fieldset>", 1)[0]
    assert "https://example.eu/contract" in c2 and '<option value="4" selected>' in c2
    assert list(in_house.answers.values_list("criterion__key", "status", "level", "rationale")) == before
    assert not Evidence.objects.filter(url="https://example.eu/contract").exists()


def test_valid_answers_are_saved_with_their_source_and_shown_on_the_offering_page(client, evaluator, in_house):
    client.force_login(evaluator)
    response = client.post(answers_url(in_house), {
        "F1-status": "4", "F1-rationale": "Weights run on our own hardware.",
        "F1-url": "https://intranet.example.eu/llm/architecture", "F1-title": "LLM platform architecture",
        "F1-source_date": "2026-03-01", "F1-accessed": "", "F1-confidence": "confirmed",
        "C3-status": "buyer_controlled", "C3-rationale": "Our data centre in Bonn.",
    })
    assert response.status_code == 302 and response["Location"] == reverse("offering", kwargs={"key": in_house.key})
    c2 = in_house.answers.get(criterion__key="F1")
    assert (c2.status, c2.level) == (Answer.LEVEL, 4)
    source = c2.evidence.get()
    assert (source.title, source.source_date, source.accessed) == (
        "LLM platform architecture", dt.date(2026, 3, 1), timezone.localdate())
    assert in_house.answers.get(criterion__key="C3").rationale == "Our data centre in Bonn."
    html = client.get(response["Location"]).content.decode()
    row = html.split('id="answer-F1"', 1)[1].split("</tr>", 1)[0]
    assert "https://intranet.example.eu/llm/architecture" in row and "LLM platform architecture" in row


def test_buyer_controlled_rows_cannot_take_a_level(in_house, evaluator):
    criteria = {c.key: c for c in Criterion.objects.filter(key__in=["C3", "F1"], checklist=in_house.answers.first()
                                                           .criterion.checklist)}
    rows = [AnswerRowForm({"C3-status": "4", "C3-url": "https://example.eu/a", "C3-accessed": "2026-01-01"},
                          criterion=criteria["C3"], offering=in_house),
            AnswerRowForm({"F1-status": "buyer_controlled"}, criterion=criteria["F1"], offering=in_house)]
    assert [(r.criterion.key, set(r.errors)) for r in rows if not r.is_valid()] == [("C3", {"status"}),
                                                                                   ("F1", {"status"})]
    assert in_house.answers.get(criterion__key="C3").status == Answer.BUYER_CONTROLLED


def test_giving_a_hosting_operator_turns_buyer_controlled_answers_back_to_unknown(in_house, evaluator):
    private_offering_update(offering=in_house, actor=evaluator,
                            data=cleaned(deployment_mode="dedicated_cloud", hosting_operator="ionos"))
    assert not in_house.answers.filter(status=Answer.BUYER_CONTROLLED).exists()
    assert in_house.answers.get(criterion__key="C3").status == Answer.UNKNOWN


def test_viewer_reads_the_answers_page_but_cannot_save(client, viewer, in_house):
    client.force_login(viewer)
    page = client.get(answers_url(in_house))
    assert page.status_code == 200 and "Save all answers" not in page.content.decode()
    response = client.post(answers_url(in_house), {"F1-status": "unknown", "F1-rationale": "viewer was here"})
    assert response.status_code == 403
    assert in_house.answers.get(criterion__key="F1").rationale == f"Not assessed yet by {in_house.organisation.name}"


def test_shared_catalog_offerings_cannot_be_edited_here(client, owner, organisation, catalog):
    shared = Offering.objects.filter(organisation__isnull=True).first()
    original = shared.name
    client.force_login(owner)
    for name in ("private-offering-edit", "private-offering-answers"):
        url = reverse(name, kwargs={"org": organisation.slug, "key": shared.key})
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Hijacked", "F1-status": "unknown"}).status_code == 404
    shared.refresh_from_db()
    assert shared.name == original


def test_edit_links_are_offered_to_members_who_can_edit(client, evaluator, viewer, organisation, in_house):
    client.force_login(evaluator)
    assert new_url(organisation) in client.get(reverse("catalog")).content.decode()
    assert answers_url(in_house) in client.get(reverse("offering", kwargs={"key": in_house.key})).content.decode()
    client.force_login(viewer)
    assert new_url(organisation) not in client.get(reverse("catalog")).content.decode()


def test_changes_are_recorded_in_the_history_with_who_made_them(client, evaluator, owner, in_house):
    assert in_house.history.earliest().history_user == evaluator
    client.force_login(owner)
    response = client.post(reverse("private-offering-edit", kwargs={"org": in_house.organisation.slug,
                                                                    "key": in_house.key}),
                           {**IN_HOUSE, "name": "In-house Llama cluster (Bonn)"})
    assert response.status_code == 302
    latest = in_house.history.latest()
    assert (latest.name, latest.history_user) == ("In-house Llama cluster (Bonn)", owner)
    client.post(answers_url(in_house), {"F1-status": "unknown", "F1-rationale": "Asked legal, no answer yet."})
    answer = in_house.answers.get(criterion__key="F1")
    assert answer.history.latest().history_user == owner
    assert answer.history.latest().prev_record.rationale.startswith("Not assessed yet")


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "In-house\x00cluster"}, "name", "Null characters are not allowed."),
    ({"name": "n" * 201}, "name", "Keep this under 200 characters: it has 201. Nothing was cut."),
    ({"summary": "s" * 5001}, "summary", "Keep this under 5000 characters: it has 5001. Nothing was cut."),
])
def test_bad_text_in_the_offering_form_is_refused_next_to_the_field(client, evaluator, organisation, catalog,
                                                                     changes, field, message):
    client.force_login(evaluator)
    response = client.post(new_url(organisation), {**IN_HOUSE, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert not Offering.objects.filter(organisation=organisation).exists()


def test_a_nul_byte_or_overlong_rationale_in_an_answer_saves_nothing(client, evaluator, in_house):
    client.force_login(evaluator)
    before = list(in_house.answers.values_list("criterion__key", "status", "rationale"))
    response = client.post(answers_url(in_house), {"F1-status": "unknown", "F1-rationale": "asked\x00legal",
                                                   "E2-status": "unknown", "E2-rationale": "r" * 4001})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Null characters are not allowed." in html.split('id="row-F1"', 1)[1].split("</fieldset>", 1)[0]
    assert "it has 4001" in html.split('id="row-E2"', 1)[1].split("</fieldset>", 1)[0]
    assert list(in_house.answers.values_list("criterion__key", "status", "rationale")) == before


@pytest.mark.django_db(transaction=True)
def test_two_create_requests_for_one_private_offering_name_at_once_both_succeed(evaluator, organisation, catalog):
    """Both find the key free before either inserts; the unique constraint decides and the second takes the next key
    instead of failing with a 500."""
    import threading

    from django.db import connection
    from django.db.models.signals import pre_save
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the two transactions; the race needs PostgreSQL")
    barrier, waited, statuses = threading.Barrier(2, timeout=10), threading.local(), []

    def both_checked(sender, instance, **kwargs):
        if instance.organisation_id and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()

    def create():
        client = Client()
        client.force_login(evaluator)
        statuses.append(client.post(new_url(organisation), IN_HOUSE).status_code)
        connection.close()

    pre_save.connect(both_checked, sender=Offering, dispatch_uid="race")
    try:
        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        pre_save.disconnect(dispatch_uid="race", sender=Offering)
    assert statuses == [302, 302]
    assert Offering.objects.filter(organisation=organisation, name="In-house Llama cluster").count() == 2
