"""Hand-computed examples of the scoring engine on the 3-area test checklist (see conftest.py).

Unless a test says otherwise the weights are A 20, B 50, D 30 (normalised 0.2, 0.5, 0.3) and the CSF objective
weights are SOV-1 15, SOV-2 10, SOV-5 20, SOV-6 15 (SOV-8 has no criterion and is left out).
"""

from __future__ import annotations

import ast
import math
import random
from pathlib import Path

import pytest
from pydantic import ValidationError

from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.models import Confidence, MustHave, RequirementProfile, SealMinimum

# A1 4, A2 2 | B1 1, B2 0 | D1 3, D3 4
MIXED = {"A1": 4, "A2": 2, "B1": 1, "B2": 0, "D1": 3, "D3": 4}


def only(result):
    [offering] = result.ranking + result.excluded
    return offering


def by_criterion(offering):
    return {c.criterion: c for c in offering.criteria}


# --- area score, fit, contributions --------------------------------------------------------------------------------


def test_area_score_is_the_mean_level_over_four_times_100(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", MIXED)]))

    # A (4 + 2) / 8 x 100 = 75;  B (1 + 0) / 8 x 100 = 12.5;  D (3 + 4) / 8 x 100 = 87.5
    assert {a.area: a.score for a in result.areas} == {"A": 75.0, "B": 12.5, "D": 87.5}


def test_fit_is_the_buyer_weighted_mean_of_area_scores(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", MIXED)]))

    # 0.2 x 75 + 0.5 x 12.5 + 0.3 x 87.5 = 15 + 6.25 + 26.25 = 47.5
    assert result.fit_score == pytest.approx(47.5)
    assert [a.weight for a in result.areas] == pytest.approx([0.2, 0.5, 0.3])


def test_criterion_contributions_sum_to_the_fit_score(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", MIXED)]))

    # contribution = L/4 x 100 / n_area x w_area:
    # A1 1 x 50 x 0.2 = 10, A2 0.5 x 50 x 0.2 = 5, B1 0.25 x 50 x 0.5 = 6.25, B2 0,
    # D1 0.75 x 50 x 0.3 = 11.25, D3 1 x 50 x 0.3 = 15;  total 47.5
    contributions = {c.criterion: c.contribution for c in result.criteria}
    assert contributions == pytest.approx({"A1": 10, "A2": 5, "B1": 6.25, "B2": 0, "D1": 11.25, "D3": 15})
    assert sum(contributions.values()) == pytest.approx(result.fit_score)


def test_zero_weight_area_contributes_nothing_to_fit(checklist, make_profile, make_offering):
    profile = make_profile(area_weights={"A": 0, "B": 1, "D": 1})
    result = only(score_offerings(checklist, profile, [make_offering("x", MIXED)]))

    # weights 0, 0.5, 0.5:  0.5 x 12.5 + 0.5 x 87.5 = 50; A still shows its score (75)
    assert result.fit_score == pytest.approx(50.0)
    assert by_criterion(result)["A1"].contribution == 0
    assert {a.area: a.score for a in result.areas}["A"] == 75.0


def test_weights_are_normalised_so_only_their_ratio_matters(checklist, make_profile, make_offering):
    offering = make_offering("x", MIXED)
    small = only(score_offerings(checklist, make_profile(area_weights={"A": 2, "B": 5, "D": 3}), [offering]))
    large = only(score_offerings(checklist, make_profile(area_weights={"A": 200, "B": 500, "D": 300}), [offering]))

    assert small.fit_score == pytest.approx(large.fit_score) == pytest.approx(47.5)


def test_scores_are_not_rounded(checklist, make_profile, make_offering):
    profile = make_profile(area_weights={"A": 1, "B": 1, "D": 1})
    result = only(score_offerings(checklist, profile, [make_offering("x", MIXED)]))

    # (75 + 12.5 + 87.5) / 3 = 58.333...
    assert result.fit_score == pytest.approx(175 / 3, abs=1e-12)


# --- CSF view --------------------------------------------------------------------------------------------------------


def test_sovereignty_score_weights_objective_scores_with_csf_weights(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", MIXED)]))

    # objective = mean(L/4) x 1000:
    # SOV-1 (4 + 2)/8 = 750, SOV-2 (1 + 0)/8 = 125, SOV-5 D3 4/4 = 1000, SOV-6 D1 3/4 = 750
    assert {o.objective: o.score for o in result.objectives} == {
        "SOV-1": 750.0,
        "SOV-2": 125.0,
        "SOV-5": 1000.0,
        "SOV-6": 750.0,
    }
    # SOV-8 has no criterion: left out, and so is its weight
    # (0.75 x 15 + 0.125 x 10 + 1 x 20 + 0.75 x 15) / (15 + 10 + 20 + 15) x 100 = 43.75 / 60 x 100 = 72.916...
    assert result.sovereignty_score == pytest.approx(43.75 / 60 * 100)


def test_buyer_objective_weights_replace_the_csf_weights(checklist, make_profile, make_offering):
    profile = make_profile(objective_weights={"SOV-1": 1, "SOV-2": 1, "SOV-5": 0, "SOV-6": 0, "SOV-8": 0})
    result = only(score_offerings(checklist, profile, [make_offering("x", MIXED)]))

    # (0.75 x 1 + 0.125 x 1) / 2 x 100 = 43.75
    assert result.sovereignty_score == pytest.approx(43.75)


def test_seal_is_the_minimum_level_per_objective_and_overall(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", MIXED)]))

    # SOV-1 min(4, 2) = 2, SOV-2 min(1, 0) = 0, SOV-5 4, SOV-6 3; overall min = 0
    assert {o.objective: o.seal for o in result.objectives} == {"SOV-1": 2, "SOV-2": 0, "SOV-5": 4, "SOV-6": 3}
    assert result.seal == 0


def test_overall_seal_is_never_an_average(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", {"B2": 1})]))

    # five criteria at 4 and one at 1: the mean level is 3.5, the SEAL is 1
    assert result.seal == 1


# --- unknown and buyer-controlled answers --------------------------------------------------------------------------


def test_unknown_answer_scores_zero_and_is_listed_as_gap(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", {"A2": None})]))

    a2 = by_criterion(result)["A2"]
    assert (a2.level, a2.unknown, a2.confidence) == (0, True, None)
    assert result.data_gaps == ("A2",)
    assert {a.area: a.score for a in result.areas}["A"] == 50.0  # (4 + 0) / 8 x 100


def test_criterion_without_an_answer_counts_as_unknown(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", omit=["B1"])]))

    b1 = by_criterion(result)["B1"]
    assert (b1.level, b1.unknown) == (0, True)
    assert result.data_gaps == ("B1",)
    assert "unknown" in b1.explanation


def test_buyer_controlled_level_comes_from_the_profile_not_the_vendor(checklist, make_profile, make_offering):
    offering = make_offering("x", mode="self_hosted_open_weights", buyer_controlled=["D3"])
    # the vendor's own claim for D3 must be ignored even if it sneaks in a level
    claimed = offering.model_copy(
        update={
            "answers": tuple(a.model_copy(update={"level": 0}) if a.criterion == "D3" else a for a in offering.answers)
        }
    )
    result = only(score_offerings(checklist, make_profile(own_hosting_levels={"D3": 2}), [claimed]))

    d3 = by_criterion(result)["D3"]
    assert (d3.level, d3.buyer_controlled, d3.unknown, d3.confidence) == (2, True, False, None)
    assert result.data_gaps == ()
    assert "as you stated" in d3.explanation


def test_buyer_controlled_level_is_unknown_until_the_buyer_states_it(checklist, make_profile, make_offering):
    offering = make_offering("x", {"D1": 0}, mode="self_hosted_open_weights", buyer_controlled=["D3"])
    unstated = only(score_offerings(checklist, make_profile(), [offering]))

    d3 = by_criterion(unstated)["D3"]
    assert (d3.level, d3.unknown, d3.buyer_controlled) == (0, True, True)
    assert "not described yet" in d3.explanation
    assert "D3" in unstated.data_gaps
    assert {a.area: a.score for a in unstated.areas}["D"] == 0.0  # (0 + unknown 0) / 8 x 100

    stated = only(score_offerings(checklist, make_profile(own_hosting_levels={"D3": 4}), [offering]))
    assert by_criterion(stated)["D3"].level == 4 and "D3" not in stated.data_gaps
    assert {a.area: a.score for a in stated.areas}["D"] == 50.0  # (0 + 4) / 8 x 100


def test_confidence_is_the_share_of_scored_vendor_answers_that_are_confirmed(checklist, make_profile, make_offering):
    offering = make_offering(
        "x",
        {"B2": None},
        mode="self_hosted_open_weights",
        buyer_controlled=["D3"],
        confidence={"A2": Confidence.THIRD_PARTY, "B1": Confidence.INFERRED},
    )
    result = only(score_offerings(checklist, make_profile(), [offering]))

    # scored vendor answers: A1 A2 B1 D1 (B2 unknown, D3 buyer-controlled); confirmed: A1 D1 -> 2 / 4
    assert result.confidence == 0.5


def test_confidence_is_zero_when_the_vendor_gave_no_scored_answer(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", default=None)]))

    assert result.confidence == 0.0
    assert result.data_gaps == ("A1", "A2", "B1", "B2", "D1", "D3")


def test_stale_evidence_is_listed_but_not_for_buyer_controlled_criteria(checklist, make_profile, make_offering):
    offering = make_offering("x", mode="self_hosted_open_weights", buyer_controlled=["D3"], stale=["A1", "B2", "D3"])
    result = only(score_offerings(checklist, make_profile(), [offering]))

    assert result.stale == ("A1", "B2")
    assert by_criterion(result)["A1"].stale


# --- knock-outs ----------------------------------------------------------------------------------------------------


def test_every_knockout_reason_is_collected_in_order(checklist, make_profile, make_offering):
    profile = make_profile(
        acceptable_modes=["self_hosted_open_weights", "third_party_cloud"],
        must_haves=[
            MustHave(criterion="B1", min_level=4, reason="added because data classification is restricted"),
            MustHave(criterion="D1", min_level=3),
            MustHave(criterion="A1", min_level=4),  # met: no reason
        ],
        seal_minimums=[SealMinimum(objective="SOV-2", min_level=2), SealMinimum(objective="SOV-1", min_level=1)],
    )
    offering = make_offering(
        "azure-gpt",
        {"B1": 1, "D1": None, "B2": 3},
        name="GPT on Azure",
        explanations={"B1": "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702."},
    )
    result = score_offerings(checklist, profile, [offering])

    assert result.ranking == ()
    [excluded] = result.excluded
    assert excluded.rank is None and excluded.excluded
    assert [(k.kind, k.subject, k.required, k.actual) for k in excluded.knockouts] == [
        ("deployment_mode", "public_api", "self_hosted_open_weights, third_party_cloud", "public_api"),
        ("must_have", "B1", "4", "1"),
        ("must_have", "D1", "3", "unknown"),
        ("seal", "SOV-2", "2", "1"),
    ]
    reasons = [k.reason for k in excluded.knockouts]
    assert reasons[0] == (
        "Deployment mode Public API (vendor-hosted) is not acceptable: the profile accepts only "
        "Open weights, self-hosted; Hosted by a third-party cloud."
    )
    assert reasons[1] == (
        "B1 Extraterritorial exposure is 1, must-have is 4 (added because data classification is restricted): "
        "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702."
    )
    assert reasons[2] == "D1 Self-hosting is unknown, must-have is 3 (set by the buyer): unverified."
    assert [(k.unverified, k.settle) for k in excluded.knockouts] == [
        (False, ()), (False, ()), (True, ("D1",)), (False, ())]
    assert reasons[3] == (
        "SOV-2 Legal and jurisdictional sovereignty is at SEAL 1, minimum is SEAL 2 (set by the buyer); "
        "held down by B1 Extraterritorial exposure at 1 "
        "(hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702)."
    )
    assert excluded.explanation == (
        "Excluded: Deployment mode Public API (vendor-hosted) is not acceptable: the profile accepts only "
        "Open weights, self-hosted; Hosted by a third-party cloud; and 3 more reasons."
    )


def test_a_single_knockout_is_explained_without_a_count(checklist, make_profile, make_offering):
    profile = make_profile(must_haves=[MustHave(criterion="A2", min_level=3)])
    result = only(score_offerings(checklist, profile, [make_offering("x", {"A2": 2})]))

    assert result.explanation == "Excluded: A2 Untrusted shareholding is 2, must-have is 3 (set by the buyer)."


def test_must_have_met_exactly_does_not_knock_out(checklist, make_profile, make_offering):
    profile = make_profile(
        must_haves=[MustHave(criterion="B1", min_level=3)], seal_minimums=[SealMinimum(objective="SOV-2", min_level=3)]
    )
    result = score_offerings(checklist, profile, [make_offering("x", {"B1": 3, "B2": 3})])

    assert [r.key for r in result.ranking] == ["x"]
    assert result.ranking[0].knockouts == ()


def test_buyer_controlled_level_below_a_must_have_names_the_buyers_hosting(checklist, make_profile, make_offering):
    profile = make_profile(own_hosting_levels={"D3": 1}, must_haves=[MustHave(criterion="D3", min_level=3)])
    offering = make_offering("x", mode="self_hosted_open_weights", buyer_controlled=["D3"])
    [knockout] = only(score_offerings(checklist, profile, [offering])).knockouts

    assert knockout.reason == "D3 Hosting operator is 1 for your own hosting, must-have is 3 (set by the buyer)."


def test_seal_knockout_names_every_criterion_holding_the_objective_down(checklist, make_profile, make_offering):
    profile = make_profile(seal_minimums=[SealMinimum(objective="SOV-1", min_level=3, reason="defence preset")])
    offering = make_offering("x", {"A1": 2, "A2": None}, explanations={"A1": "parent company in the US."})
    [knockout] = only(score_offerings(checklist, profile, [offering])).knockouts

    # A2 unknown scores 0, so the SEAL is 0 and only A2 holds it there
    assert knockout.reason == (
        "SOV-1 Strategic sovereignty is at SEAL 0, minimum is SEAL 3 (defence preset); "
        "held down by A2 Untrusted shareholding unknown."
    )


# --- ranking -------------------------------------------------------------------------------------------------------


def test_ranking_orders_by_fit_then_sovereignty_then_name_then_key(checklist, make_profile, make_offering):
    offerings = [
        make_offering("low", {"A1": 0}),  # fit 90
        # same fit (D total 4), different objectives: D3 feeds SOV-5 (weight 20), D1 SOV-6 (weight 15)
        make_offering("d1-strong", {"D1": 4, "D3": 0}, name="Same fit"),
        make_offering("d3-strong", {"D1": 0, "D3": 4}, name="Same fit"),
        make_offering("z-key", {"D1": 0, "D3": 4}, name="Alpha"),
        make_offering("b-key", {"D1": 0, "D3": 4}, name="Beta"),
        make_offering("a-key", {"D1": 0, "D3": 4}, name="Beta"),
    ]
    result = score_offerings(checklist, make_profile(), offerings)

    assert [(r.rank, r.key) for r in result.ranking] == [
        (1, "low"),
        (2, "z-key"),  # Alpha
        (3, "a-key"),  # Beta, key a
        (4, "b-key"),  # Beta, key b
        (5, "d3-strong"),  # Same fit: higher sovereignty
        (6, "d1-strong"),
    ]


def test_fits_equal_but_for_floating_point_noise_are_tied_and_the_tie_break_decides(
    checklist, make_profile, make_offering
):
    profile = make_profile(area_weights={"A": 1, "B": 1, "D": 1})
    offerings = [
        # area scores (0, 0, 37.5) and (0, 12.5, 25): fit 12.5 both, 12.5 vs 12.499999999999998 in floating point;
        # sovereignty (0.75 x 15) / 60 vs (0.125 x 10 + 0.5 x 20) / 60: both 18.75 -> the name decides
        make_offering("zulu", {"A1": 0, "A2": 0, "B1": 0, "B2": 0, "D1": 3, "D3": 0}, name="Zulu"),
        make_offering("alpha", {"A1": 0, "A2": 0, "B1": 1, "B2": 0, "D1": 0, "D3": 2}, name="Alpha"),
    ]
    result = score_offerings(checklist, profile, offerings)

    assert math.isclose(result.ranking[0].fit_score, result.ranking[1].fit_score)
    assert [r.key for r in result.ranking] == ["alpha", "zulu"]


def test_excluded_offerings_are_sorted_by_name_then_key(checklist, make_profile, make_offering):
    profile = make_profile(acceptable_modes=["third_party_cloud"])
    offerings = [make_offering(key, name=name) for key, name in [("c", "Beta"), ("b", "Beta"), ("a", "Gamma")]]
    offerings.append(make_offering("d", name="Alpha"))
    result = score_offerings(checklist, profile, offerings)

    assert [r.key for r in result.excluded] == ["d", "b", "c", "a"]
    assert all(r.rank is None for r in result.excluded)


def test_same_inputs_in_any_order_give_identical_results(checklist, make_profile, make_offering):
    offerings = [
        make_offering(f"o{i}", {c: (i * 7 + j * 3) % 5 for j, c in enumerate(["A1", "A2", "B1", "B2", "D1"])})
        for i in range(12)
    ]
    shuffled = list(offerings)
    random.Random(4).shuffle(shuffled)
    profile = make_profile(must_haves=[MustHave(criterion="B1", min_level=1)])

    first = score_offerings(checklist, profile, offerings)
    assert score_offerings(checklist, profile, offerings) == first
    assert score_offerings(checklist, profile, shuffled) == first


def test_explanation_names_strongest_and_weakest_area_gaps_and_stale_sources(checklist, make_profile, make_offering):
    offering = make_offering("x", {**MIXED, "A2": None}, stale=["A1", "D1"])
    result = only(score_offerings(checklist, make_profile(), [offering]))

    # areas A (4 + 0)/8 = 50, B 12.5, D 87.5; fit 0.2 x 50 + 0.5 x 12.5 + 0.3 x 87.5 = 42.5; whole numbers round
    # half up, as a person rounds (87.5 -> 88, 12.5 -> 13)
    assert result.explanation == (
        "Fit 42.5: strongest in Deployment control (88), weakest in Legal exposure (13). 1 data gap, 2 stale sources."
    )


def test_explanation_without_gaps_or_stale_sources(checklist, make_profile, make_offering):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x")]))

    assert result.explanation == "Fit 100.0: every weighted area scores 100. No data gaps, no stale sources."


# --- contract violations -------------------------------------------------------------------------------------------


def test_duplicate_offering_keys_are_rejected(checklist, make_profile, make_offering):
    with pytest.raises(ValueError, match="unique"):
        score_offerings(checklist, make_profile(), [make_offering("x"), make_offering("x", name="Other")])


def test_profile_with_a_must_have_the_checklist_does_not_know_is_rejected(checklist, make_offering):
    # validated without the checklist context, so only the engine can notice
    profile = RequirementProfile(
        area_weights={"A": 1, "B": 1, "D": 1},
        acceptable_modes=frozenset({"public_api"}),
        must_haves=(MustHave(criterion="Z9", min_level=1),),
    )
    with pytest.raises(ValueError, match="Z9"):
        score_offerings(checklist, profile, [make_offering("x")])


def test_seal_minimum_on_an_objective_without_criteria_is_rejected(checklist, make_profile, make_offering):
    profile = make_profile(seal_minimums=[SealMinimum(objective="SOV-8", min_level=1)])
    with pytest.raises(ValueError, match="SOV-8"):
        score_offerings(checklist, profile, [make_offering("x")])


def test_no_offerings_give_an_empty_result(checklist, make_profile):
    result = score_offerings(checklist, make_profile(), [])

    assert (result.ranking, result.excluded) == ((), ())


# --- requirement profile validation (what the questionnaire relies on) ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"area_weights": {"A": -1, "B": 1, "D": 1}}, "greater than or equal to 0"),
        ({"area_weights": {"A": 0, "B": 0, "D": 0}}, "at least one area"),
        ({"area_weights": {"A": 1, "B": 1}}, "exactly the areas"),
        ({"must_haves": [{"criterion": "Z9", "min_level": 2}]}, "unknown criterion 'Z9'"),
        ({"own_hosting_levels": {"Z9": 2}}, "unknown criterion 'Z9'"),
        ({"seal_minimums": [{"objective": "SOV-9", "min_level": 2}]}, "unknown CSF objective"),
        ({"trusted_countries": ["DE", "XX"]}, "unknown country XX"),
        ({"acceptable_modes": ["carrier_pigeon"]}, "unknown deployment mode"),
        ({"acceptable_modes": []}, "at least one deployment mode"),
        ({"must_haves": [{"criterion": "B1", "min_level": 5}]}, "less than or equal to 4"),
        ({"own_hosting_levels": {"D3": 5}}, "less than or equal to 4"),
        ({"objective_weights": {"SOV-1": -2}}, "greater than or equal to 0"),
    ],
)
def test_invalid_requirement_profile_is_rejected(make_profile, change, message):
    with pytest.raises(ValidationError, match=message):
        make_profile(**change)


def test_valid_requirement_profile_is_accepted(make_profile):
    profile = make_profile(trusted_countries=["DE", "CH"], must_haves=[{"criterion": "B1", "min_level": 4}])

    assert profile.must_haves[0].reason == "set by the buyer"


# --- purity --------------------------------------------------------------------------------------------------------


def test_scoring_core_imports_no_django():
    package = Path(score_offerings.__code__.co_filename).parent
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {(module.name, alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add((module.name, node.module))

    assert [(file, name) for file, name in sorted(imported) if name.split(".")[0] == "django"] == []


# --- unknown is not zero: assured and attainable SEAL ----------------------------------------------------------------


@pytest.mark.parametrize("levels, assured, attainable, unknowns", [
    # SOV-2 = min(B1, B2); unknown counts 0 for the assured SEAL and 4 (its best level) for the attainable SEAL
    ({"B1": 4, "B2": None}, 0, 4, ("B2",)),
    ({"B1": 2, "B2": None}, 0, 2, ("B2",)),
    ({"B1": 3, "B2": 2}, 2, 2, ()),
    ({"B1": None, "B2": None}, 0, 4, ("B1", "B2")),
])
def test_an_objective_shows_its_assured_and_attainable_seal(checklist, make_profile, make_offering, levels,
                                                            assured, attainable, unknowns):
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", levels)]))
    sov2 = {o.objective: o for o in result.objectives}["SOV-2"]
    assert (sov2.seal, sov2.attainable, sov2.unknowns) == (assured, attainable, unknowns)


def test_overall_seal_names_the_unknown_answers_between_assured_and_attainable(checklist, make_profile,
                                                                              make_offering):
    # SOV-1 min(A1 4, A2 4) = 4; SOV-2 min(B1 4, B2 ?) = 0 assured / 4 attainable; SOV-5 D3 3; SOV-6 D1 4
    result = only(score_offerings(checklist, make_profile(), [make_offering("x", {"B2": None, "D3": 3})]))
    assert (result.seal, result.seal_attainable, result.seal_unknowns) == (0, 3, ("B2",))


def test_a_seal_minimum_is_met_only_when_assured(checklist, make_profile, make_offering):
    profile = make_profile(seal_minimums=[SealMinimum(objective="SOV-2", min_level=3)])
    unverified, failing, met = (make_offering("unverified", {"B1": 4, "B2": None}),
                                make_offering("failing", {"B1": 2, "B2": None}), make_offering("met", {"B1": 3}))
    result = score_offerings(checklist, profile, [unverified, failing, met])
    assert [r.key for r in result.ranking] == ["met"]
    knockouts = {r.key: r.knockouts[0] for r in result.excluded}
    assert (knockouts["unverified"].unverified, knockouts["unverified"].settle) == (True, ("B2",))
    assert knockouts["unverified"].reason == (
        "SOV-2 Legal and jurisdictional sovereignty is SEAL 0 assured and SEAL 4 attainable, minimum is SEAL 3 "
        "(set by the buyer): unverified; settled by evidence on B2.")
    assert (knockouts["failing"].unverified, knockouts["failing"].settle) == (False, ())
    assert knockouts["failing"].reason.startswith("SOV-2 Legal and jurisdictional sovereignty is at SEAL 0")


def test_blockers_say_how_many_offerings_each_requirement_excludes_and_how_many_would_pass_relaxed(
        checklist, make_profile, make_offering):
    from vendoreval.scoring.engine import blockers

    offerings = [make_offering("a", {"B1": 4, "D1": 1}), make_offering("b", {"B1": 3, "D1": 4}),
                 make_offering("c", {"B1": 3, "D1": 2}), make_offering("d", {"B1": 1, "D1": 1})]
    profile = make_profile(must_haves=[MustHave(criterion="B1", min_level=4), MustHave(criterion="D1", min_level=2)])
    result = score_offerings(checklist, profile, offerings)
    assert result.ranking == ()
    # B1 >= 4 excludes b, c, d; at >= 3: b and c pass both. D1 >= 2 excludes a, d; at >= 1: a passes both.
    found = [(b.subject, b.required, b.blocks, b.passing_if_relaxed) for b in blockers(checklist, profile, offerings,
                                                                                        result)]
    assert found == [("B1", 4, 3, 2), ("D1", 2, 2, 1)]
