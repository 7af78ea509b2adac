"""Offering links and sources are web addresses: only http(s) is accepted where they are entered (admin, data files,
private offerings' sources) and only http(s) becomes a link on a page; `javascript:` and `data:` never do."""

import shutil

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from tests.catalog.test_loader import edit, rejected
from tests.factories import UserFactory
from vendoreval.accounts.services import catalog_editors_group
from vendoreval.catalog.models import Answer, Evidence, Offering
from vendoreval.catalog.validators import is_web_url, validate_links

pytestmark = pytest.mark.django_db

HOSTILE = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "ftp://example.eu/file", "//evil.example/x",
           "https//example.eu"]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_http_and_https_addresses_count_as_web_addresses(url):
    assert not is_web_url(url)
    with pytest.raises(ValidationError):
        validate_links([{"title": "Trust centre", "url": url}])


def test_http_and_https_addresses_are_web_addresses():
    assert is_web_url("https://trust.mistral.ai/subprocessors") and is_web_url("http://example.eu/a?b=c#d")
    validate_links([{"title": "Docs", "url": "https://docs.mistral.ai/"}])


@pytest.mark.parametrize("links", [{"title": "x", "url": "https://a.eu"}, ["https://a.eu"],
                                   [{"title": "x", "url": "https://a.eu", "onclick": "alert(1)"}],
                                   [{"title": "", "url": "https://a.eu"}]])
def test_links_must_be_a_list_of_titled_addresses(links):
    with pytest.raises(ValidationError):
        validate_links(links)


@pytest.fixture
def data(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, copy)
    return copy


@pytest.fixture
def editor(catalog):
    user = UserFactory(is_staff=True)
    user.groups.add(catalog_editors_group())
    return user


def offering_admin_form(user, offering, **changes):
    """The offering form of the admin, as a catalog editor submits it."""
    model_admin = admin.site._registry[Offering]
    request = RequestFactory().post("/admin/")
    request.user = user
    form_class = model_admin.get_form(request, offering, change=True)
    initial = form_class(instance=offering).initial
    data = {name: initial.get(name) for name in form_class.base_fields}
    data["processing_regions"] = [c.pk for c in offering.processing_regions.all()]
    data["links"] = form_class.base_fields["links"].prepare_value(changes.pop("links"))
    data["change_reason"] = "Links checked against the vendor's site"
    data.update(changes)
    return form_class(data=data, instance=offering)


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>"])
def test_the_admin_refuses_a_link_that_is_not_a_web_address(editor, url):
    offering = Offering.objects.get(key="mistral-api")
    form = offering_admin_form(editor, offering, links=[{"title": "Trust centre", "url": url}])
    assert not form.is_valid()
    assert "web address starting with https://" in str(form.errors["links"])
    assert offering_admin_form(editor, offering, links=[{"title": "Trust", "url": "https://trust.mistral.ai/"}]
                               ).is_valid()


def test_an_evidence_address_must_be_a_web_address(catalog):
    answer = Answer.objects.filter(offering__key="mistral-api", status="level").first()
    evidence = answer.evidence.first()
    for url in ("javascript:alert(1)", "ftp://files.example.eu/report.pdf"):
        evidence.url = url
        with pytest.raises(ValidationError) as error:
            evidence.full_clean()
        assert "url" in error.value.message_dict


def test_a_data_file_with_a_javascript_link_loads_nothing(data):
    edit(data / "catalog/offerings/mistral-api.yaml",
         "- title: Regional inference\n  url: https://docs.mistral.ai/studio/regional-inference",
         "- title: Regional inference\n  url: javascript:alert(1)")
    message = rejected(data)
    assert "mistral-api" in message and "links" in message


def test_a_stored_hostile_link_or_source_is_shown_as_text_not_as_a_link(client, evaluator, catalog):
    """Rows written before the validation (or straight into the database) are still never rendered as links."""
    Offering.objects.filter(key="mistral-api").update(links=[
        {"title": "Trust centre", "url": "javascript:alert(document.cookie)"},
        {"title": "Pricing", "url": "data:text/html;base64,PHNjcmlwdD4="},
        {"title": "Docs", "url": "https://docs.mistral.ai/"}])
    answer = Answer.objects.filter(offering__key="mistral-api", status="level").first()
    Evidence.objects.filter(pk=answer.evidence.first().pk).update(url="javascript:alert(2)", title="Sneaky source")
    client.force_login(evaluator)
    html = client.get(reverse("offering", kwargs={"key": "mistral-api"})).content.decode()
    assert 'href="javascript:' not in html.lower() and 'href="data:' not in html.lower()
    assert "Trust centre" in html and "Pricing" in html and "Sneaky source" in html  # shown as text
    assert '<a href="https://docs.mistral.ai/" rel="noreferrer noopener">Docs</a>' in html
