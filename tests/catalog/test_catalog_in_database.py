"""Derived answers follow the data in the database: an analyst's edit of a parent company changes them."""

import pytest
from django.utils import timezone

from vendoreval.catalog.models import Company, Offering
from vendoreval.catalog.selectors import default_trusted_countries, offering_profiles, offerings_for
from vendoreval.checklist.selectors import current_checklist

pytestmark = pytest.mark.django_db


def derived(key: str, trusted=None) -> dict:
    profiles = offering_profiles(offerings_for().filter(key=key), checklist=current_checklist(),
                                 buyer=trusted or default_trusted_countries(), today=timezone.localdate())
    return {a.criterion.key: a for a in profiles[0].answers if a.derived}


def test_azure_hosted_mistral_is_exposed_through_microsoft(catalog):
    # data/catalog: contracted with Microsoft Ireland Operations Limited, operated by Microsoft Corporation (US), which
    # holds the content: B1 ladder level 0 (a content holder is itself subject to the CLOUD Act)
    b1 = derived("mistral-on-azure")["B1"]
    assert b1.level == 0
    assert "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702" in b1.rationale


def test_changing_a_parent_company_changes_the_derived_answer(catalog):
    assert derived("scaleway-generative-apis")["A1"].level == 4
    scaleway = Company.objects.get(key="scaleway")
    scaleway.parent = Company.objects.get(key="microsoft")
    scaleway.save()
    a1 = derived("scaleway-generative-apis")["A1"]
    assert a1.level == 1
    assert "Microsoft Corporation (US)" in a1.rationale


def test_a_level_without_evidence_counts_as_unknown(catalog):
    def shown_c2():
        profile = offering_profiles(offerings_for().filter(key="ovhcloud-ai-endpoints"), checklist=current_checklist(),
                                    buyer=default_trusted_countries(), today=timezone.localdate())[0]
        return next(a for a in profile.answers if a.criterion.key == "C2")

    # data/catalog: OVHcloud answers C2 (training on customer data) with level 3 and a source
    assert (shown_c2().unknown, shown_c2().level) == (False, 3)
    answer = Offering.objects.get(key="ovhcloud-ai-endpoints").answers.get(criterion__key="C2")
    answer.evidence.all().delete()
    shown = shown_c2()
    assert shown.unknown and shown.level is None


EU_27 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
         "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
EEA_ONLY = {"IS", "LI", "NO"}


def test_default_trusted_set_is_every_eu_and_eea_country(catalog):
    trusted = default_trusted_countries()
    assert {"FR", "DE", "NO", "IS", "LI"} <= trusted
    assert not {"US", "CN", "CH", "GB"} & trusted
    assert len(EU_27) == 27
    assert trusted == EU_27 | EEA_ONLY
