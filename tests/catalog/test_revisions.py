"""Every write to the shared catalog is a numbered revision with who, when and why — from each write path."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vendoreval.catalog.models import Answer, CatalogRevision, Company, Offering, RevisionChange
from vendoreval.catalog.revisions import catalog_as_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, catalog):
    from vendoreval.accounts.services import user_create

    user = user_create(username="analyst", password="analyst-password-1", staff=True)
    client.force_login(user)
    return user


def company_form(company, **changes) -> dict:
    data = {"key": company.key, "name": company.name, "country": company.country_id, "parent": company.parent_id or "",
            "description": company.description, "pending_change_of_control": "",
            "shareholdings-TOTAL_FORMS": "0", "shareholdings-INITIAL_FORMS": "0",
            "establishments-TOTAL_FORMS": "0", "establishments-INITIAL_FORMS": "0",
            "catalog-evidence-content_type-object_id-TOTAL_FORMS": "0",
            "catalog-evidence-content_type-object_id-INITIAL_FORMS": "0"}
    data.update(changes)
    return data


def test_loading_the_data_files_is_one_revision_and_loading_them_unchanged_is_none(catalog):
    before = CatalogRevision.objects.count()
    call_command("load_catalog", data=settings.DATA_DIR, reason="quarterly refresh")
    assert CatalogRevision.objects.count() == before  # nothing changed: no revision


def test_a_changed_data_file_makes_one_revision_with_its_reason(catalog, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, data)
    path = data / "catalog" / "companies.yaml"
    path.write_text(path.read_text().replace("name: Scaleway SAS", "name: Scaleway SAS (renamed)", 1))
    before = CatalogRevision.objects.count()
    call_command("load_catalog", data=data, reason="Scaleway renamed")
    assert CatalogRevision.objects.count() == before + 1
    revision = CatalogRevision.objects.first()
    assert (revision.reason, revision.source, revision.author) == ("Scaleway renamed", "load", None)
    assert list(revision.changes.values_list("model", "summary")) == [("company", "Scaleway SAS (renamed) (FR)")]


def test_the_admin_asks_why_and_records_the_change_as_a_revision(client, analyst):
    company = Company.objects.get(key="scaleway")
    url = reverse("admin:catalog_company_change", args=[company.pk])
    before = CatalogRevision.objects.count()
    refused = client.post(url, company_form(company, name="Scaleway (renamed)"))
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert CatalogRevision.objects.count() == before
    saved = client.post(url, company_form(company, name="Scaleway (renamed)", change_reason="Name in the 2026 terms"))
    assert saved.status_code == 302
    revision = CatalogRevision.objects.first()
    assert (revision.author, revision.reason, revision.source) == (analyst, "Name in the 2026 terms", "admin")
    assert company.history.first().history_change_reason == "Name in the 2026 terms"
    assert catalog_as_of() == timezone.localdate(revision.created_at)


def test_a_changed_answer_level_is_recorded_with_its_old_and_new_level(catalog):
    answer = Answer.objects.filter(offering__organisation__isnull=True, status="level", level__lt=4).first()
    old = answer.level
    answer.level = old + 1
    answer._change_reason = "re-read the DPA"
    answer.save()
    change = RevisionChange.objects.get(revision=CatalogRevision.objects.first(), model="answer")
    assert (change.offering_key, change.criterion_key, change.old_level, change.new_level) == (
        answer.offering.key, answer.criterion.key, old, old + 1)
    assert CatalogRevision.objects.first().reason == "re-read the DPA"


def test_a_write_without_a_reason_still_makes_a_revision(catalog):
    offering = Offering.objects.filter(organisation__isnull=True).first()
    offering.summary = "edited in a shell"
    offering.save()
    assert CatalogRevision.objects.first().reason == "change without a recorded reason"


def test_private_offerings_make_no_catalog_revision_but_move_their_organisation_on(catalog, evaluation, owner):
    from vendoreval.catalog.private_forms import PrivateOfferingForm
    from vendoreval.catalog.private_services import private_offering_create

    before = (CatalogRevision.objects.count(), evaluation.organisation.private_catalog_version)
    form = PrivateOfferingForm(data={"name": "In-house", "vendor": "meta", "deployment_mode":
                                     "self_hosted_open_weights"})
    assert form.is_valid(), form.errors
    private_offering_create(organisation=evaluation.organisation, actor=owner, data=form.cleaned_data)
    evaluation.organisation.refresh_from_db()
    assert CatalogRevision.objects.count() == before[0]
    assert evaluation.organisation.private_catalog_version > before[1]
