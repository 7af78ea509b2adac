"""The derived answers follow the law and the buyer. Each case's expected level is written here from the ladder text
of checklist v2 and the legal anchor it rests on, never taken from the code under test.

B1 ladder: 4 no content holder (or controller) subject to a foreign access law, none established in an untrusted
jurisdiction · 3 trusted and trusted-controlled holders, but one has an establishment in an untrusted jurisdiction
that can be ordered to produce data (Canadian production order against OVH, 2024–2025) · 1 trusted holders, one
controlled by a company subject to a foreign access law (a parent can be ordered to produce what it controls) · 0 a
holder itself subject (CLOUD Act: data in the provider's "possession, custody, or control").
C1 ladder: 4 stored and processed only in trusted jurisdictions, no exception · 1 trusted by default, documented
exceptions · 0 stored or processed outside. D5 ladder: 4 licensed for the buyer's uses, trusted developer · 2
licensed, untrusted developer, open weights · 1 licensed, untrusted developer, closed · 0 no family licensed.
"""

from __future__ import annotations

import pytest

from vendoreval.scoring.exposure import (
    Buyer,
    CompanyLink,
    Establishment,
    HostingChain,
    ModelFamilyLink,
    Restriction,
    SubprocessorLink,
    derived_answers,
)
from vendoreval.scoring.models import Confidence

US_LAWS = ("CLOUD Act", "FISA 702")
CA_LAWS = ("Criminal Code production orders",)
EU_EEA = frozenset({"AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PL", "SE", "NO", "IS", "LI"})
CH_EU_EEA = EU_EEA | {"CH"}
CA_ONLY = frozenset({"CA"})


def co(name, country, laws=(), establishments=()):
    return CompanyLink(name=name, country=country, laws=laws, establishments=tuple(establishments))


MICROSOFT = co("Microsoft Corporation", "US", US_LAWS)
MS_IRELAND = co("Microsoft Ireland Operations Limited", "IE")
AMAZON = co("Amazon.com, Inc.", "US", US_LAWS)
AWS_EMEA = co("Amazon Web Services EMEA SARL", "LU")
OVH = co("OVH Groupe SA", "FR", establishments=[Establishment(name="Hébergement OVH Inc.", country="CA",
                                                               laws=CA_LAWS)])
MISTRAL = co("Mistral AI SAS", "FR")
INFOMANIAK = co("Infomaniak Network SA", "CH")

B1_CASES = [
    # (case, chain, trusted, expected level, words the explanation must name)
    ("EU subsidiary of a US parent, the parent operates the service",
     HostingChain(vendor=(MS_IRELAND, MICROSOFT), operator=(MICROSOFT,), processing_regions=("SE",)),
     EU_EEA, 0, "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702"),
    ("the same models contracted with the US company directly",
     HostingChain(vendor=(MICROSOFT,), operator=(MICROSOFT,), processing_regions=("SE",)),
     EU_EEA, 0, "contracting entity Microsoft Corporation (US): CLOUD Act, FISA 702"),
    ("US hyperscaler's EU subsidiary contracts and operates, its US parent controls it",
     HostingChain(vendor=(AWS_EMEA, AMAZON), operator=(AWS_EMEA, AMAZON), processing_regions=("DE",)),
     EU_EEA, 1, "Amazon Web Services EMEA SARL (LU) is controlled by Amazon.com, Inc. (US): CLOUD Act"),
    ("EU operator with an office in an untrusted jurisdiction",
     HostingChain(vendor=(OVH,), operator=(OVH,), processing_regions=("FR",)),
     EU_EEA, 3, "establishment in CA (Hébergement OVH Inc.)"),
    ("EU provider whose GPU sub-processor is a US company",
     HostingChain(vendor=(MISTRAL,), operator=(MISTRAL,),
                  subprocessors=(SubprocessorLink(role="GPU compute", chain=(co("CoreWeave, Inc.", "US", US_LAWS),)),)),
     EU_EEA, 0, "sub-processor (GPU compute) CoreWeave, Inc. (US)"),
    ("a US sub-processor that never sees content (billing) does not expose it",
     HostingChain(vendor=(MISTRAL,), operator=(MISTRAL,),
                  subprocessors=(SubprocessorLink(role="billing", content=False,
                                                  chain=(co("Stripe, Inc.", "US", US_LAWS),)),)),
     EU_EEA, 4, "no company that holds the content"),
    ("an EU provider with no foreign link",
     HostingChain(vendor=(MISTRAL,), operator=(MISTRAL,)), EU_EEA, 4, "no company that holds the content"),
    ("the buyer trusts the US: the CLOUD Act is no foreign law to them",
     HostingChain(vendor=(MICROSOFT,), operator=(MICROSOFT,)), EU_EEA | {"US"}, 4, "no company"),
    ("a Canadian buyer: the Canadian office of OVH is at home",
     HostingChain(vendor=(OVH,), operator=(OVH,)), CA_ONLY, 4, "no company"),
    ("self-hosted: the US licensor is not in the data path",
     HostingChain(vendor=(co("Meta Platforms Ireland Limited", "IE"), co("Meta Platforms, Inc.", "US", US_LAWS))),
     EU_EEA, 4, "Meta Platforms, Inc. (US) is not in the data path"),
]


@pytest.mark.parametrize("case, chain, trusted, level, named", B1_CASES, ids=[c[0] for c in B1_CASES])
def test_extraterritorial_exposure_follows_who_holds_and_controls_the_content(case, chain, trusted, level, named):
    b1 = derived_answers(chain, trusted)["B1"]
    assert b1.level == level
    assert named in b1.explanation


def test_an_eu_contracting_subsidiary_does_not_lower_the_exposure_of_a_service_its_parent_operates():
    via_subsidiary = HostingChain(vendor=(MS_IRELAND, MICROSOFT), operator=(MICROSOFT,))
    direct = HostingChain(vendor=(MICROSOFT,), operator=(MICROSOFT,))
    assert derived_answers(via_subsidiary, EU_EEA)["B1"].level == derived_answers(direct, EU_EEA)["B1"].level == 0


HOSTED_IN_DE = HostingChain(vendor=(MISTRAL,), operator=(MISTRAL,), storage_regions=("DE",),
                            processing_regions=("DE",), regions_sourced=True)
HOSTED_IN_CH = HostingChain(vendor=(INFOMANIAK,), operator=(INFOMANIAK,), storage_regions=("CH",),
                            processing_regions=("CH",), regions_sourced=True)
EU_WITH_EXCEPTION = HostingChain(vendor=(MISTRAL,), operator=(MISTRAL,), storage_regions=("FR",),
                                 processing_regions=("FR", "SE"), regions_sourced=True,
                                 residency_exceptions=("Global deployments may process in any region",))

C1_CASES = [
    ("EU-hosted, buyer trusts Canada only", HOSTED_IN_DE, CA_ONLY, 0, "DE, outside the trusted jurisdictions"),
    ("EU-hosted, buyer trusts CH + EU + EEA", HOSTED_IN_DE, CH_EU_EEA, 4, "only in DE"),
    ("EU-hosted, buyer trusts EU + EEA", HOSTED_IN_DE, EU_EEA, 4, "only in DE"),
    ("Swiss-hosted, buyer trusts EU + EEA", HOSTED_IN_CH, EU_EEA, 0, "CH, outside the trusted jurisdictions"),
    ("Swiss-hosted, buyer trusts CH + EU + EEA", HOSTED_IN_CH, CH_EU_EEA, 4, "only in CH"),
    ("EU by default with a documented exception", EU_WITH_EXCEPTION, EU_EEA, 1, "Global deployments"),
]


@pytest.mark.parametrize("case, chain, trusted, level, named", C1_CASES, ids=[c[0] for c in C1_CASES])
def test_data_residency_is_judged_against_the_buyers_jurisdictions(case, chain, trusted, level, named):
    c1 = derived_answers(chain, trusted)["C1"]
    assert c1.level == level
    assert named in c1.explanation


def test_regions_without_a_source_leave_residency_unknown():
    unsourced = HOSTED_IN_DE.model_copy(update={"regions_sourced": False})
    c1 = derived_answers(unsourced, EU_EEA)["C1"]
    assert c1.level is None and "settled by" in c1.explanation


def test_buyer_hosted_residency_stays_with_the_buyer():
    c1 = derived_answers(HostingChain(vendor=(MISTRAL,)), CA_ONLY)["C1"]
    assert c1.buyer_controlled and c1.level is None


LLAMA_31 = ModelFamilyLink(
    name="Llama 3.1", developer=co("Meta Platforms, Inc.", "US", US_LAWS), open_weights=True, licence_known=True,
    restrictions=(Restriction(kind="military", clause="Military, warfare, nuclear industries or applications, "
                                                      "espionage"),
                  Restriction(kind="user_threshold", clause="greater than 700 million monthly active users",
                              threshold=700_000_000)))
MISTRAL_OPEN = ModelFamilyLink(name="Mistral open models", developer=MISTRAL, open_weights=True, licence_known=True)
GPT = ModelFamilyLink(name="OpenAI GPT", developer=co("OpenAI OpCo, LLC", "US", US_LAWS), licence_known=True)
NON_COMMERCIAL = ModelFamilyLink(name="Research-only model", developer=MISTRAL, open_weights=True,
                                 licence_known=True,
                                 restrictions=(Restriction(kind="non_commercial", clause="research purposes only"),))
UNREAD = ModelFamilyLink(name="Unread licence", developer=MISTRAL, open_weights=True)

DEFENCE = Buyer(trusted=EU_EEA, uses=frozenset({"military"}))
ENTERPRISE = Buyer(trusted=EU_EEA)

D5_CASES = [
    ("self-hosted Llama 3.1 for a defence buyer: the licence forbids military use",
     (LLAMA_31,), DEFENCE, 0, "Military, warfare"),
    ("self-hosted Llama 3.1 for an enterprise: licensed, US developer, open weights", (LLAMA_31,), ENTERPRISE, 2,
     "open weights"),
    ("a platform serving Llama and Mistral, defence buyer: Mistral's models are licensed and trusted",
     (LLAMA_31, MISTRAL_OPEN), DEFENCE, 4, "Mistral open models"),
    ("a closed US model for an enterprise", (GPT,), ENTERPRISE, 1, "closed model"),
    ("a research-only licence permits no production use", (NON_COMMERCIAL,), ENTERPRISE, 0, "research purposes"),
    ("more monthly users than the licence allows", (LLAMA_31,),
     Buyer(trusted=EU_EEA, monthly_users=800_000_000), 0, "700,000,000 monthly active users"),
    ("a licence nobody read is unknown, not permitted", (UNREAD,), ENTERPRISE, None, "licence not recorded"),
]


@pytest.mark.parametrize("case, families, buyer, level, named", D5_CASES, ids=[c[0] for c in D5_CASES])
def test_model_licence_and_origin_follow_the_buyers_uses(case, families, buyer, level, named):
    chain = HostingChain(vendor=(MISTRAL,), families=families)
    d5 = derived_answers(chain, buyer)["D5"]
    assert d5.level == level
    assert named in d5.explanation


def test_derived_answers_carry_the_weakest_confidence_of_the_link_responsible():
    reported = co("Example Inc.", "US", US_LAWS).model_copy(update={"confidence": Confidence.THIRD_PARTY})
    b1 = derived_answers(HostingChain(vendor=(MISTRAL,), operator=(reported,)), EU_EEA)["B1"]
    assert (b1.level, b1.confidence) == (0, Confidence.THIRD_PARTY)


# A1 ladder: 4 contracting entity and ultimate parent trusted · 1 trusted entity, untrusted parent · 0 untrusted entity.
# D3 ladder: 4 trusted operator with a sovereign qualification · 3 trusted operator · 1 untrusted operator in a
# trusted region · 0 untrusted operator.
CHAIN_CASES = [
    ("a three-level chain ending in the US",
     HostingChain(vendor=(co("Example Ireland Ltd", "IE"), co("Example Holding B.V.", "NL"),
                          co("Example Inc.", "US", US_LAWS)), operator=(co("Example Ireland Ltd", "IE"),),
                  processing_regions=("IE",)),
     EU_EEA, {"A1": 1, "D3": 3}),
    ("a US provider processing in the EU", HostingChain(vendor=(MICROSOFT,), operator=(MICROSOFT,),
                                                        processing_regions=("SE", "FR")),
     EU_EEA, {"A1": 0, "D3": 1}),
    ("a US provider, regions unknown", HostingChain(vendor=(MICROSOFT,), operator=(MICROSOFT,)),
     EU_EEA, {"A1": 0, "D3": 0}),
    ("an EU operator with SecNumCloud", HostingChain(vendor=(OVH,), operator=(OVH,),
                                                     qualifications=("SecNumCloud 3.2",)),
     EU_EEA, {"A1": 4, "D3": 4}),
    ("an EU operator without a qualification", HostingChain(vendor=(OVH,), operator=(OVH,)),
     EU_EEA, {"A1": 4, "D3": 3}),
]


@pytest.mark.parametrize("case, chain, trusted, levels", CHAIN_CASES, ids=[c[0] for c in CHAIN_CASES])
def test_ownership_and_operator_follow_the_chain(case, chain, trusted, levels):
    answers = derived_answers(chain, trusted)
    assert {key: answers[key].level for key in levels} == levels
