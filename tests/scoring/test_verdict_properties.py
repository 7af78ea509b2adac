"""Properties of the verdict rules that must hold for any chain, any buyer and any answers (Hypothesis).

- trusting more jurisdictions never lowers A1, B1, C1, D3 or D5;
- adding an untrusted controlling parent to a company that holds the content never raises B1;
- an unknown answer only ever narrows to a known one: resolving it never lowers the assured SEAL and never raises
  the attainable SEAL (the attainable SEAL counts it at its best level, 4), and assured <= attainable always.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vendoreval.scoring.engine import score_offerings
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

COUNTRIES = ("DE", "FR", "IE", "CH", "US", "CA", "CN", "GB")
LAWS = {"US": ("CLOUD Act",), "CA": ("production orders",), "CN": ("National Intelligence Law art. 7",)}
CRITERIA = ("A1", "A2", "B1", "B2", "D1", "D3")


def company(name: str, country: str, establishments=()) -> CompanyLink:
    return CompanyLink(name=name, country=country, laws=LAWS.get(country, ()), establishments=tuple(establishments))


countries = st.sampled_from(COUNTRIES)
establishments = st.lists(st.builds(lambda c: Establishment(name=f"office {c}", country=c, laws=LAWS.get(c, ())),
                                    countries), max_size=2)
companies = st.builds(company, st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"]), countries, establishments)
chains_of_control = st.lists(companies, min_size=1, max_size=3).map(tuple)
families = st.builds(
    lambda developer, open_weights, known, kinds: ModelFamilyLink(
        name=f"family of {developer.name}", developer=developer, open_weights=open_weights, licence_known=known,
        restrictions=tuple(Restriction(kind=k, clause=k) for k in kinds)),
    companies, st.booleans(), st.booleans(), st.lists(st.sampled_from(["military", "government", "other"]),
                                                      max_size=2))
hosting_chains = st.builds(
    lambda vendor, operator, subs, storage, processing, exceptions, fams: HostingChain(
        vendor=vendor, operator=operator,
        subprocessors=tuple(SubprocessorLink(role="compute", chain=c, content=content) for c, content in subs),
        storage_regions=tuple(storage), processing_regions=tuple(processing), regions_sourced=True,
        residency_exceptions=tuple(exceptions), families=tuple(fams)),
    chains_of_control, st.one_of(st.just(()), chains_of_control),
    st.lists(st.tuples(chains_of_control, st.booleans()), max_size=2),
    st.lists(countries, max_size=2), st.lists(countries, max_size=2), st.lists(st.just("global routing"), max_size=1),
    st.lists(families, max_size=2))
trust_sets = st.sets(countries)
uses = st.sets(st.sampled_from(["military", "government"]))


def level(answer) -> int:
    """Unknown sorts lowest: a rule may turn an unknown into a level, never a level into an unknown."""
    return -1 if answer.level is None else answer.level


@given(hosting_chains, trust_sets, trust_sets, uses)
def test_trusting_more_jurisdictions_never_lowers_a_derived_answer(chain, trusted, more, intended):
    narrow = derived_answers(chain, Buyer(trusted=frozenset(trusted), uses=frozenset(intended)))
    wide = derived_answers(chain, Buyer(trusted=frozenset(trusted | more), uses=frozenset(intended)))
    for key in ("A1", "B1", "C1", "D3", "D5"):
        assert level(wide[key]) >= level(narrow[key]), key


@given(hosting_chains, trust_sets, countries, st.integers(0, 2))
def test_an_untrusted_controlling_parent_never_raises_exposure(chain, trusted, parent_country, which):
    trusted = frozenset(trusted)
    parent = company("New parent", parent_country)
    if parent_country in trusted:
        return  # only an untrusted parent is at stake
    if which == 0:
        changed = chain.model_copy(update={"vendor": (*chain.vendor, parent)})
    elif which == 1 and chain.operator:
        changed = chain.model_copy(update={"operator": (*chain.operator, parent)})
    elif chain.subprocessors:
        first = chain.subprocessors[0]
        sub = first.model_copy(update={"chain": (*first.chain, parent)})
        changed = chain.model_copy(update={"subprocessors": (sub, *chain.subprocessors[1:])})
    else:
        return
    assert level(derived_answers(changed, trusted)["B1"]) <= level(derived_answers(chain, trusted)["B1"])


@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=6, max_size=6), st.integers(0, 5),
       st.integers(0, 4))
def test_resolving_an_unknown_only_narrows_the_seal(checklist, make_profile, make_offering, levels, which, resolved):
    profile = make_profile()
    before = score_offerings(checklist, profile, [make_offering("x", dict(zip(CRITERIA, levels, strict=True)))])
    answered = list(levels)
    if answered[which] is None:
        answered[which] = resolved
    after = score_offerings(checklist, profile, [make_offering("x", dict(zip(CRITERIA, answered, strict=True)))])
    (b,), (a,) = before.ranking + before.excluded, after.ranking + after.excluded
    assert b.seal <= b.seal_attainable and a.seal <= a.seal_attainable
    assert a.seal >= b.seal
    assert a.seal_attainable <= b.seal_attainable
    for ob, oa in zip(b.objectives, a.objectives, strict=True):
        assert ob.seal <= ob.attainable and oa.seal >= ob.seal and oa.attainable <= ob.attainable
