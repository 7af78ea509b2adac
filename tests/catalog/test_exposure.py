"""Derived answers A1, B1 and D3 come from the company and hosting chain and name the link responsible."""

from vendoreval.scoring.exposure import CompanyLink, HostingChain, SubprocessorLink, derived_answers

EU = frozenset({"FR", "DE", "IE", "NL", "SE"})
US_LAWS = ("CLOUD Act", "FISA 702")


def link(name, country, laws=()):
    return CompanyLink(name=name, country=country, laws=laws)


def test_exposure_travels_up_a_three_level_parent_chain():
    # An Irish subsidiary whose parent is Dutch, whose parent in turn is American.
    chain = HostingChain(
        vendor=(link("Example Ireland Ltd", "IE"), link("Example Holding B.V.", "NL"),
                link("Example Inc.", "US", US_LAWS)),
        operator=(link("Example Ireland Ltd", "IE"),),
        processing_regions=("IE",),
    )
    answers = derived_answers(chain, EU)
    assert answers["A1"].level == 1
    assert "Example Inc. (US)" in answers["A1"].explanation
    assert answers["B1"].level == 1
    assert answers["B1"].explanation == "parent Example Inc. (US): CLOUD Act, FISA 702"


def test_offering_hosted_by_us_operator_is_exposed_through_the_operator():
    chain = HostingChain(
        vendor=(link("Mistral AI SAS", "FR"),),
        operator=(link("Microsoft Corporation", "US", US_LAWS),),
        processing_regions=("SE", "FR", "DE"),
    )
    answers = derived_answers(chain, EU)
    assert answers["A1"].level == 4
    assert answers["B1"].level == 1
    assert answers["B1"].explanation == "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702"
    assert answers["D3"].level == 1  # untrusted operator, trusted regions
    assert "Microsoft Corporation (US)" in answers["D3"].explanation


def test_provider_itself_under_foreign_law_scores_zero():
    us = link("Example Cloud LLC", "US", US_LAWS)
    answers = derived_answers(HostingChain(vendor=(us,), operator=(us,)), EU)
    assert answers["A1"].level == 0
    assert answers["B1"].level == 0
    assert answers["D3"].level == 0
    assert "processing regions unknown" in answers["D3"].explanation


def test_subprocessor_under_foreign_law_exposes_a_trusted_provider():
    chain = HostingChain(
        vendor=(link("Mistral AI SAS", "FR"),), operator=(link("Mistral AI SAS", "FR"),),
        subprocessors=(SubprocessorLink(role="GPU cloud", chain=(link("CoreWeave, Inc.", "US", US_LAWS),)),),
    )
    b1 = derived_answers(chain, EU)["B1"]
    assert b1.level == 1
    assert b1.explanation == "sub-processor (GPU cloud) CoreWeave, Inc. (US): CLOUD Act, FISA 702"


def test_trusting_a_jurisdiction_removes_the_exposure_it_caused():
    chain = HostingChain(vendor=(link("Example Inc.", "US", US_LAWS),), operator=(link("Example Inc.", "US", US_LAWS),),
                         processing_regions=("US",))
    assert derived_answers(chain, EU)["B1"].level == 0
    with_us = derived_answers(chain, EU | {"US"})
    assert with_us["A1"].level == 4
    assert with_us["B1"].level == 4
    assert with_us["D3"].level == 3


def test_buyer_hosted_offering_keeps_the_licensor_out_of_the_data_path():
    chain = HostingChain(vendor=(link("Meta Platforms Ireland Limited", "IE"),
                                 link("Meta Platforms, Inc.", "US", US_LAWS)))
    answers = derived_answers(chain, EU)
    assert answers["A1"].level == 1  # ownership is still the licensor's
    assert answers["B1"].level == 4
    assert "not in the data path" in answers["B1"].explanation
    assert answers["D3"].buyer_controlled and answers["D3"].level is None


def test_sovereign_qualification_lifts_a_trusted_operator_to_four():
    ovh = link("OVH Groupe SA", "FR")
    plain = derived_answers(HostingChain(vendor=(ovh,), operator=(ovh,)), EU)["D3"]
    snc = ("SecNumCloud 3.2",)
    qualified = derived_answers(HostingChain(vendor=(ovh,), operator=(ovh,), qualifications=snc), EU)["D3"]
    assert (plain.level, qualified.level) == (3, 4)
    assert "SecNumCloud 3.2" in qualified.explanation
