"""Who reaches which admin page, and what catalog editors see: the shared catalog only.

Catalog editors (staff in the "catalog editors" group, not superusers) edit the shared catalog. An organisation's
private offering — its answers, sub-processors, qualifications, evidence and history — is not theirs to see or
change, and no admin form attaches an offering to an organisation or moves a private one into the shared catalog.
"""

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from vendoreval.accounts.services import catalog_editors_group
from vendoreval.catalog.models import Answer, Company, Evidence, Offering, Qualification, Subprocessor
from vendoreval.catalog.private_forms import PrivateOfferingForm
from vendoreval.catalog.private_services import private_offering_create
from vendoreval.checklist.models import Criterion

pytestmark = pytest.mark.django_db

SECRET = "Project Nightjar cluster"  # the private offering's name, which must not show to catalog editors

OK, TO_ADMIN_INDEX, NOT_FOUND, TO_LOGIN = 200, "302 to the admin index", 404, "302 to the admin login"

# url name, object ("private ..." / "shared ...", or None), then the expected answer for:
#   superuser, catalog editor, organisation member without staff rights
TABLE = [
    ("admin:index", None, OK, OK, TO_LOGIN),
    ("admin:catalog_offering_changelist", None, OK, OK, TO_LOGIN),
    ("admin:catalog_offering_change", "shared offering", OK, OK, TO_LOGIN),
    ("admin:catalog_offering_change", "private offering", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_offering_history", "shared offering", OK, OK, TO_LOGIN),
    ("admin:catalog_offering_history", "private offering", OK, NOT_FOUND, TO_LOGIN),
    ("admin:catalog_offering_simple_history", "private offering version", OK, NOT_FOUND, TO_LOGIN),
    ("admin:catalog_offering_delete", "private offering", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_answer_changelist", None, OK, OK, TO_LOGIN),
    ("admin:catalog_answer_change", "shared answer", OK, OK, TO_LOGIN),
    ("admin:catalog_answer_change", "private answer", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_answer_history", "private answer", OK, NOT_FOUND, TO_LOGIN),
    ("admin:catalog_subprocessor_change", "private subprocessor", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_subprocessor_history", "private subprocessor", OK, NOT_FOUND, TO_LOGIN),
    ("admin:catalog_qualification_change", "private qualification", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_evidence_changelist", None, OK, OK, TO_LOGIN),
    ("admin:catalog_evidence_change", "shared evidence", OK, OK, TO_LOGIN),
    ("admin:catalog_evidence_change", "private evidence", OK, TO_ADMIN_INDEX, TO_LOGIN),
    ("admin:catalog_evidence_history", "private evidence", OK, NOT_FOUND, TO_LOGIN),
    ("admin:catalog_company_change", "shared company", OK, OK, TO_LOGIN),
    ("admin:accounts_organisation_changelist", None, OK, 403, TO_LOGIN),
    ("admin:evaluations_evaluation_changelist", None, OK, 403, TO_LOGIN),
]
WHO = ["superuser", "catalog editor", "organisation member"]


@pytest.fixture
def private(organisation, owner, catalog):
    """An organisation's private offering with an answer backed by evidence, a sub-processor and a qualification."""
    form = PrivateOfferingForm(data={"name": SECRET, "product": "Llama on our own GPUs", "vendor": "meta",
                                     "deployment_mode": "self_hosted_open_weights", "processing_regions": ["DE"]})
    assert form.is_valid(), form.errors
    offering = private_offering_create(organisation=organisation, actor=owner, data=form.cleaned_data)
    offering.summary = "changed once, so there is a history to look at"
    offering._history_user = owner
    offering.save()
    answer = offering.answers.exclude(status=Answer.BUYER_CONTROLLED).first()
    evidence = Evidence.objects.create(
        content_type=ContentType.objects.get_for_model(Answer), object_id=answer.pk, url="https://intranet.example/gpu",
        title=f"{SECRET} runbook", accessed=dt.date(2026, 11, 1), confidence="confirmed")
    company = Company.objects.get(key="ovhcloud")
    subprocessor = Subprocessor.objects.create(offering=offering, company=company, role=f"{SECRET} backups")
    qualification = Qualification.objects.create(offering=offering, name=f"{SECRET} ISO 27001")
    return {"private offering": offering, "private answer": answer, "private evidence": evidence,
            "private subprocessor": subprocessor, "private qualification": qualification,
            "private offering version": offering.history.first()}


@pytest.fixture
def objects(private):
    shared = Offering.objects.get(key="mistral-api")
    answer = shared.answers.filter(status=Answer.LEVEL).first()
    return {**private, "shared offering": shared, "shared answer": answer, "shared evidence": answer.evidence.first(),
            "shared company": Company.objects.get(key="mistral-ai")}


@pytest.fixture
def clients(evaluator, catalog):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    editor = UserFactory(is_staff=True)
    editor.groups.add(catalog_editors_group())
    made = {}
    for who, user in zip(WHO, (superuser, editor, evaluator), strict=True):
        made[who] = Client()
        made[who].force_login(user)
    return made


def url_of(name, obj):
    if obj is None:
        return reverse(name)
    if name.endswith("_simple_history"):
        return reverse(name, args=[obj.id, obj.history_id])
    return reverse(name, args=[obj.pk])


def outcome(response):
    if response.status_code == 302:
        if response["Location"].startswith(reverse("admin:login")):
            return TO_LOGIN
        if response["Location"] == reverse("admin:index"):
            return TO_ADMIN_INDEX
    return response.status_code


@pytest.mark.parametrize("name, target, as_superuser, as_editor, as_member", TABLE,
                         ids=[f"{n}[{t or 'list'}]" for n, t, *_ in TABLE])
def test_admin_url_access(clients, objects, name, target, as_superuser, as_editor, as_member):
    path = url_of(name, objects[target] if target else None)
    for who, want in zip(WHO, (as_superuser, as_editor, as_member), strict=True):
        response = clients[who].get(path)
        assert outcome(response) == want, (who, path)
        if who == "catalog editor" and response.status_code == 200:
            assert SECRET not in response.content.decode(), path


LISTS = [("admin:catalog_offering_changelist", {}), ("admin:catalog_offering_changelist", {"q": "Nightjar"}),
         ("admin:catalog_offering_changelist", {"_facets": "1"}),
         ("admin:catalog_answer_changelist", {"q": "Nightjar"}), ("admin:catalog_answer_changelist", {}),
         ("admin:catalog_subprocessor_changelist", {}), ("admin:catalog_qualification_changelist", {}),
         ("admin:catalog_evidence_changelist", {"q": "runbook"}), ("admin:catalog_evidence_changelist", {})]


@pytest.mark.parametrize("name, query", LISTS)
def test_lists_filters_and_searches_show_editors_the_shared_catalog_only(clients, objects, organisation, name, query):
    html = clients["catalog editor"].get(reverse(name), query).content.decode()
    assert SECRET not in html
    assert organisation.name not in html  # not even as a filter choice
    if "q" in query:  # the same search finds it for a superuser
        assert SECRET in clients["superuser"].get(reverse(name), query).content.decode()


def test_autocomplete_offers_editors_shared_offerings_only(clients, objects):
    url = reverse("admin:autocomplete") + "?app_label=catalog&model_name=answer&field_name=offering&term=Nightjar"
    assert json.loads(clients["catalog editor"].get(url).content)["results"] == []
    assert [r["text"] for r in json.loads(clients["superuser"].get(url).content)["results"]] == [SECRET]


def test_no_admin_form_moves_an_offering_into_or_out_of_an_organisation(clients, objects, organisation):
    shared = objects["shared offering"]
    for who in ("catalog editor", "superuser"):
        html = clients[who].get(reverse("admin:catalog_offering_change", args=[shared.pk])).content.decode()
        assert 'name="organisation"' not in html, who
    private_page = clients["superuser"].get(reverse("admin:catalog_offering_change",
                                                    args=[objects["private offering"].pk])).content.decode()
    assert 'name="organisation"' not in private_page and organisation.name in private_page  # shown, read-only


def test_an_editor_cannot_attach_an_answer_or_source_to_a_private_offering(clients, objects):
    private = objects["private offering"]
    criterion = Criterion.objects.exclude(pk__in=private.answers.values("criterion")).filter(derived=False).first()
    criterion = criterion or Criterion.objects.filter(derived=False).first()
    prefix = "catalog-evidence-content_type-object_id"
    response = clients["catalog editor"].post(reverse("admin:catalog_answer_add"), {
        "offering": private.pk, "criterion": criterion.pk, "status": "unknown", "rationale": "x",
        f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert clients["catalog editor"].get(reverse("admin:catalog_evidence_add")).status_code == 403
    evidence = objects["shared evidence"]
    page = clients["catalog editor"].get(reverse("admin:catalog_evidence_change", args=[evidence.pk])).content.decode()
    assert 'name="object_id"' not in page and 'name="content_type"' not in page


def test_deleting_a_company_a_private_offering_uses_does_not_name_it_to_an_editor(clients, objects):
    company = Company.objects.get(key="meta")
    html = clients["catalog editor"].get(reverse("admin:catalog_company_delete", args=[company.pk])).content.decode()
    assert SECRET not in html and "private offerings (not shown)" in html
    criterion = objects["private answer"].criterion
    html = clients["catalog editor"].get(reverse("admin:checklist_criterion_delete", args=[criterion.pk])
                                         ).content.decode()
    assert SECRET not in html and "private offerings (not shown)" in html
