"""Catalog analysts edit every fact in the admin; every change is kept in a history the admin shows."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory
from vendoreval.accounts.services import catalog_editors_group
from vendoreval.catalog.models import Answer, CatalogRevision, Company, Offering, Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, catalog):
    user = UserFactory(is_staff=True)
    user.groups.add(catalog_editors_group())
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client, catalog):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


MODELS = [m for m in admin.site._registry
          if m._meta.app_label in {"catalog", "checklist", "accounts", "evaluations", "reports"}]


@pytest.fixture
def a_row_of_every_kind(evaluation, context, owner):
    """What the catalog and the sample evaluation leave out: an invitation, a qualification and a report."""
    from vendoreval.accounts.services import invitation_create
    from vendoreval.reports.services import report_get_or_create
    from vendoreval.reports.snapshot import report_snapshot

    invitation_create(organisation=evaluation.organisation, email="new.member@example.eu", role="viewer",
                      invited_by=owner, base_url="http://testserver")
    Qualification.objects.create(offering=Offering.objects.get(key="ovhcloud-ai-endpoints"), name="SecNumCloud 3.2")
    report_get_or_create(evaluation=evaluation, snapshot=report_snapshot(evaluation=evaluation, context=context))


@pytest.mark.parametrize("model", MODELS, ids=[f"{m._meta.app_label}.{m._meta.model_name}" for m in MODELS])
def test_admin_changelist_add_and_change_pages_render(client, superuser, a_row_of_every_kind, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    # revisions are made by the write paths, never added by hand
    adding = 403 if model is CatalogRevision else 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == adding
    obj = model._default_manager.first()
    assert obj is not None, f"no {model.__name__} row to open: add one to a_row_of_every_kind"
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_offering_list_filters_by_mode_and_jurisdiction_and_searches_by_name(client, analyst):
    url = reverse("admin:catalog_offering_changelist")
    html = client.get(url, {"deployment_mode": "self_hosted_open_weights"}).content.decode()
    assert "Mistral" in html and "Azure OpenAI" not in html
    # hyperscalers contract through their EU subsidiaries; the US vendors are the model makers' own APIs
    html = client.get(url, {"vendor__country__code__exact": "US"}).content.decode()
    assert "Hugging Face" in html and "OVHcloud" not in html and "Azure OpenAI" not in html
    html = client.get(url, {"q": "scaleway"}).content.decode()
    assert "Scaleway" in html and "DeepSeek" not in html


def test_answer_list_filters_by_area(client, analyst):
    from vendoreval.checklist.models import Area

    area = Area.objects.get(key="I")
    changelist = reverse("admin:catalog_answer_changelist")
    html = client.get(changelist, {"criterion__area__id__exact": area.pk}).content.decode()
    assert "I1 Energy and carbon disclosure" in html and "A2 Untrusted shareholding" not in html


def test_editing_a_company_is_recorded_in_its_history(client, analyst):
    company = Company.objects.get(key="scaleway")
    data = {"key": company.key, "name": "Scaleway SAS (renamed)", "country": "FR", "parent": company.parent_id,
            "description": company.description, "pending_change_of_control": "",
            "shareholdings-TOTAL_FORMS": "0", "shareholdings-INITIAL_FORMS": "0",
            "establishments-TOTAL_FORMS": "0", "establishments-INITIAL_FORMS": "0",
            "change_reason": "Renamed in the 2026 terms",
            "catalog-evidence-content_type-object_id-TOTAL_FORMS": "0",
            "catalog-evidence-content_type-object_id-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:catalog_company_change", args=[company.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    history = client.get(reverse("admin:catalog_company_history", args=[company.pk])).content.decode()
    assert analyst.username in history
    latest = company.history.first()
    assert latest.history_user == analyst and latest.name == "Scaleway SAS (renamed)"
    assert latest.diff_against(latest.prev_record).changed_fields == ["name"]


def test_an_answer_with_a_level_cannot_lose_its_last_source(client, analyst):
    answer = Answer.objects.filter(offering__key="ovhcloud-ai-endpoints", status="level").first()
    evidence = list(answer.evidence.all())
    assert evidence, "the answer must start with a source to lose"
    prefix = "catalog-evidence-content_type-object_id"
    data = {"offering": answer.offering_id, "criterion": answer.criterion_id, "status": "level",
            "level": answer.level, "rationale": answer.rationale,
            f"{prefix}-TOTAL_FORMS": str(len(evidence)), f"{prefix}-INITIAL_FORMS": str(len(evidence))}
    for i, e in enumerate(evidence):
        data.update({f"{prefix}-{i}-id": e.pk, f"{prefix}-{i}-position": e.position, f"{prefix}-{i}-url": e.url,
                     f"{prefix}-{i}-title": e.title, f"{prefix}-{i}-accessed": e.accessed.isoformat(),
                     f"{prefix}-{i}-confidence": e.confidence, f"{prefix}-{i}-DELETE": "on"})
    response = client.post(reverse("admin:catalog_answer_change", args=[answer.pk]), data)
    assert response.status_code == 200
    assert "An answer with a level needs at least one source" in response.content.decode()
    assert answer.evidence.count() == len(evidence)


def test_organisation_members_without_staff_rights_cannot_reach_the_admin(client, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("admin:catalog_offering_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Offering.objects.filter(key="mistral-api").exists()
