"""Hand-computed examples of the sensitivity analysis (rank acceptability and the single-area weight flip).

Weights A 20, B 50, D 30 unless a test says otherwise; area scores come from two criteria each, (l1 + l2) / 8 x 100.
"""

from __future__ import annotations

import pytest

from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.models import MustHave, WeightFlip
from vendoreval.scoring.sensitivity import analyse_sensitivity, flipped_area_weights


def levels(a: tuple[int, int], b: tuple[int, int], d: tuple[int, int]) -> dict[str, int]:
    return {"A1": a[0], "A2": a[1], "B1": b[0], "B2": b[1], "D1": d[0], "D3": d[1]}


def test_nothing_passing_gives_no_leader_and_says_so(checklist, make_profile, make_offering):
    profile = make_profile(must_haves=[MustHave(criterion="B1", min_level=4)])
    result = analyse_sensitivity(checklist, profile, [make_offering("x", {"B1": 1})])

    assert (result.leader, result.acceptability, result.flip, result.robust) == (None, {}, None, False)
    assert result.verdict == "No offering passes the knock-outs, so there is no recommendation to test."
    assert (result.samples, result.seed) == (2000, 20261125)


def test_a_single_passing_offering_is_trivially_robust(checklist, make_profile, make_offering):
    profile = make_profile(must_haves=[MustHave(criterion="B1", min_level=4)])
    offerings = [make_offering("only", name="Only one"), make_offering("out", {"B1": 0})]
    result = analyse_sensitivity(checklist, profile, offerings)

    assert result.acceptability == {"only": 1.0}  # knocked-out offerings take no part
    assert (result.leader, result.flip, result.robust) == ("only", None, True)
    assert result.verdict == "Robust: Only one is the only offering that passes the knock-outs."


def test_an_offering_better_in_every_area_always_wins_and_cannot_be_flipped(checklist, make_profile, make_offering):
    offerings = [make_offering("best", name="Best"), make_offering("worse", levels((3, 4), (4, 2), (4, 4)))]
    result = analyse_sensitivity(checklist, make_profile(), offerings)

    assert result.acceptability == {"best": 1.0, "worse": 0.0}
    assert (result.flip, result.robust) == (None, True)
    assert result.verdict == (
        "Robust: Best ranks first in 100% of 2,000 weight samples, "
        "and no change to a single area weight changes the winner."
    )


def test_weight_flip_is_solved_exactly_for_the_smallest_change(checklist, make_profile, make_offering):
    leader = make_offering("leader", levels((4, 4), (2, 2), (2, 2)), name="Leader")  # areas 100, 50, 50
    challenger = make_offering("challenger", levels((1, 1), (3, 3), (2, 2)), name="Challenger")  # 25, 75, 50
    result = analyse_sensitivity(checklist, make_profile(), [challenger, leader])

    # fits: leader 0.2 x 100 + 0.5 x 50 + 0.3 x 50 = 60; challenger 5 + 37.5 + 15 = 57.5; gap D = 2.5
    # A down: g = 25 - 100 = -75, d = -2.5/75 = -1/30; A becomes (0.2 - 1/30) / (1 - 1/30) = 5/29 = 17.24% (2.76 points)
    # B up:   g = 75 - 50 = 25,   d = 2.5/25 = 0.1;     B becomes 0.6 / 1.1 = 54.55% (4.55 points)
    # D:      g = 0, never.   Smallest: A, 20% -> 17.24%
    assert result.flip.model_dump() == {
        "area": "A",
        "from_weight": pytest.approx(20.0),
        "to_weight": pytest.approx(500 / 29),
        "new_winner": "challenger",
    }
    assert result.leader == "leader"
    assert not result.robust  # 2.76 points < 10
    share = result.acceptability["leader"]
    assert result.verdict == (
        f"Not robust: Leader ranks first in {share * 100:.0f}% of 2,000 weight samples; "
        "moving Ownership & control from 20% to 17% would make Challenger the winner."
    )


def test_flip_found_by_the_formula_really_changes_the_winner(checklist, make_profile, make_offering):
    offerings = [
        make_offering("leader", levels((4, 4), (2, 2), (2, 2))),
        make_offering("challenger", levels((1, 1), (3, 3), (2, 2))),
    ]
    profile = make_profile()
    flip = analyse_sensitivity(checklist, profile, offerings).flip

    def winner_at(percent: float) -> str:
        weights = flipped_area_weights(profile.area_weights, flip.model_copy(update={"to_weight": percent}))
        return (
            score_offerings(checklist, profile.model_copy(update={"area_weights": weights}), offerings).ranking[0].key
        )

    assert winner_at(flip.to_weight - 1e-6) == "challenger"
    assert winner_at(flip.to_weight + 1e-6) == "leader"


def test_large_required_change_with_high_acceptability_is_robust(checklist, make_profile, make_offering):
    leader = make_offering("leader", levels((4, 4), (4, 4), (2, 2)), name="Leader")  # 100, 100, 50 -> fit 85
    challenger = make_offering("challenger", levels((2, 2), (2, 2), (4, 4)), name="Challenger")  # 50, 50, 100 -> 65
    result = analyse_sensitivity(checklist, make_profile(), [leader, challenger])

    # D up: g = 50, d = 20/50 = 0.4 -> D 0.7 / 1.4 = 50% (20 points); B down: d = -0.4 -> 0.1 / 0.6 = 16.7% (33 points);
    # A down would need d = -0.4 < -0.2: impossible
    assert result.flip.model_dump() == {
        "area": "D",
        "from_weight": pytest.approx(30.0),
        "to_weight": pytest.approx(50.0),
        "new_winner": "challenger",
    }
    assert result.acceptability["leader"] >= 0.75
    assert result.robust
    assert result.verdict.startswith("Robust: Leader ranks first in ")
    assert result.verdict.endswith(
        "of 2,000 weight samples; Deployment control would have to move from 30% to 50% to change the winner."
    )


def test_weight_dropping_to_zero_flips_only_when_the_tie_break_favours_the_challenger(
    checklist, make_profile, make_offering
):
    # SOV-1 (area A) does not count for sovereignty here, so at A = 0 the two tie on fit and on sovereignty
    profile = make_profile(objective_weights={"SOV-1": 0, "SOV-2": 10, "SOV-5": 20, "SOV-6": 15, "SOV-8": 5})
    leader = make_offering("leader", levels((4, 4), (2, 2), (2, 2)), name="Zulu")  # 100, 50, 50 -> 60
    alpha = make_offering("alpha", levels((2, 2), (2, 2), (2, 2)), name="Alpha")  # 50, 50, 50 -> 50
    zz = make_offering("zz", levels((2, 2), (2, 2), (2, 2)), name="Zz")

    with_alpha = analyse_sensitivity(checklist, profile, [leader, alpha])
    with_zz = analyse_sensitivity(checklist, profile, [leader, zz])

    # A down: d = -10/50 = -0.2 = -w_A, A at 0%: a tie that only a challenger first by name can win
    assert with_alpha.flip.model_dump() == {
        "area": "A",
        "from_weight": pytest.approx(20.0),
        "to_weight": 0.0,
        "new_winner": "alpha",
    }
    assert with_zz.flip is None


def test_offerings_tied_on_fit_flip_at_the_slightest_change(checklist, make_profile, make_offering):
    # leader 100, 50, 50 -> 60; challenger 75, 75, 25 -> 15 + 37.5 + 7.5 = 60; the leader wins on sovereignty
    leader = make_offering("leader", levels((4, 4), (2, 2), (2, 2)), name="Leader")
    challenger = make_offering("challenger", levels((4, 2), (3, 3), (2, 0)), name="Challenger")
    result = analyse_sensitivity(checklist, make_profile(), [leader, challenger])

    assert result.leader == "leader"
    assert result.flip.to_weight == result.flip.from_weight
    assert result.flip.new_winner == "challenger"
    assert not result.robust
    assert "tied on fit with Challenger, and the slightest decrease of Ownership & control" in result.verdict


def test_acceptability_covers_every_passing_offering_and_sums_to_one(checklist, make_profile, make_offering):
    offerings = [
        make_offering("a", levels((4, 4), (2, 2), (2, 2))),
        make_offering("b", levels((1, 1), (3, 3), (2, 2))),
        make_offering("c", levels((0, 0), (0, 0), (0, 0))),
    ]
    result = analyse_sensitivity(checklist, make_profile(), offerings, samples=500)

    assert list(result.acceptability) == ["a", "b", "c"]  # ranking order
    assert sum(result.acceptability.values()) == pytest.approx(1.0)
    assert result.acceptability["c"] == 0.0
    assert result.samples == 500


def test_identical_offerings_share_no_wins_the_ranking_order_takes_them(checklist, make_profile, make_offering):
    offerings = [make_offering("beta", name="Beta"), make_offering("alpha", name="Alpha")]
    result = analyse_sensitivity(checklist, make_profile(), offerings, samples=300)

    assert result.acceptability == {"alpha": 1.0, "beta": 0.0}


def test_areas_without_buyer_weight_stay_at_zero_in_every_sample(checklist, make_profile, make_offering):
    # "a-only" is perfect in A and empty elsewhere; with A unweighted it can never come first
    profile = make_profile(area_weights={"A": 0, "B": 1, "D": 1})
    offerings = [
        make_offering("a-only", levels((4, 4), (0, 0), (0, 0))),
        make_offering("modest", levels((0, 0), (1, 0), (1, 0))),
    ]
    result = analyse_sensitivity(checklist, profile, offerings, samples=500)

    assert result.acceptability == {"modest": 1.0, "a-only": 0.0}


def test_same_inputs_and_seed_give_identical_results(checklist, make_profile, make_offering):
    offerings = [
        make_offering("a", levels((4, 4), (2, 2), (2, 2))),
        make_offering("b", levels((1, 1), (3, 3), (2, 2))),
        make_offering("c", levels((3, 3), (2, 3), (1, 1))),
    ]
    profile = make_profile()
    first = analyse_sensitivity(checklist, profile, offerings, seed=11)

    assert analyse_sensitivity(checklist, profile, offerings, seed=11) == first
    assert analyse_sensitivity(checklist, profile, list(reversed(offerings)), seed=11) == first


def test_lower_concentration_spreads_the_samples_further(checklist, make_profile, make_offering):
    offerings = [
        make_offering("a", levels((4, 4), (2, 2), (2, 2))),
        make_offering("b", levels((1, 1), (3, 3), (2, 2))),
    ]
    tight = analyse_sensitivity(checklist, make_profile(), offerings, concentration=2000.0)
    loose = analyse_sensitivity(checklist, make_profile(), offerings, concentration=5.0)

    assert tight.acceptability["a"] > loose.acceptability["a"]


@pytest.mark.parametrize(("option", "value"), [("samples", 0), ("concentration", 0.0), ("concentration", -1.0)])
def test_nonsense_sampling_options_are_rejected(checklist, make_profile, make_offering, option, value):
    with pytest.raises(ValueError):
        analyse_sensitivity(checklist, make_profile(), [make_offering("x")], **{option: value})


def test_flipped_area_weights_changes_only_the_flipped_area():
    flip = WeightFlip(area="A", from_weight=20.0, to_weight=50.0, new_winner="x")

    # others B 50 + D 30 = 80; A must be 50% of the new total: A = 0.5 / 0.5 x 80 = 80
    assert flipped_area_weights({"A": 20, "B": 50, "D": 30}, flip) == {"A": 80.0, "B": 50, "D": 30}


def test_a_result_already_scored_gives_the_same_analysis(checklist, make_profile, make_offering):
    profile = make_profile()
    # a: areas 100, 100, 75 -> fit 20 + 50 + 22.5 = 92.5;  b: 100, 75, 100 -> 20 + 37.5 + 30 = 87.5;
    # c: 50, 100, 100 -> 10 + 50 + 30 = 90.  Smallest flip: A down, g = 50 - 100 = -50, d = -2.5/50 = -0.05,
    # A becomes 0.15 / 0.95 = 15.79% and c wins (D up would need 36.4%; against b, D 41.7% or B 37.5%)
    offerings = [make_offering("a", {"D1": 2}), make_offering("b", {"B1": 2, "D1": 4}), make_offering("c", {"A1": 0})]
    scored = score_offerings(checklist, profile, offerings)
    analysis = analyse_sensitivity(checklist, profile, offerings, samples=300)
    assert (analysis.leader, list(analysis.acceptability)) == ("a", ["a", "c", "b"])
    assert analysis.flip.model_dump() == {
        "area": "A", "from_weight": pytest.approx(20.0), "to_weight": pytest.approx(300 / 19), "new_winner": "c"}
    assert analyse_sensitivity(checklist, profile, offerings, samples=300, result=scored) == analysis
