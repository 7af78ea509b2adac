"""Properties of the scoring core that must hold for any offerings and any requirement profile (Hypothesis).

Offerings and profiles are drawn on the 3-area test checklist of conftest.py: levels 0-4 or unknown, any deployment
mode, D3 buyer-controlled when self-hosted, a few shared names (to force tie-breaks), integer area weights 0-10,
must-haves and SEAL minimums.
"""

from __future__ import annotations

import itertools
import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.sensitivity import analyse_sensitivity

CRITERIA = ("A1", "A2", "B1", "B2", "D1", "D3")
MODES = ("public_api", "third_party_cloud", "self_hosted_open_weights")
MEASURED_OBJECTIVES = ("SOV-1", "SOV-2", "SOV-5", "SOV-6")
OBJECTIVE_OF = {"A1": "SOV-1", "A2": "SOV-1", "B1": "SOV-2", "B2": "SOV-2", "D1": "SOV-6", "D3": "SOV-5"}  # conftest
CSF_WEIGHTS = {"SOV-1": 15.0, "SOV-2": 10.0, "SOV-5": 20.0, "SOV-6": 15.0, "SOV-8": 5.0}
NUDGE = 1e-5  # percentage points past a flip point: far above float noise, far below the gap between flip points

offering_data = st.fixed_dictionaries(
    {
        "levels": st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=6, max_size=6),
        "mode": st.sampled_from(MODES),
        "name": st.sampled_from(["Alpha", "Beta", "Gamma"]),
        "own_d3": st.booleans(),
    }
)
offerings_data = st.lists(offering_data, min_size=1, max_size=6)
weights_data = st.tuples(*[st.integers(0, 10)] * 3).filter(lambda w: sum(w) > 0)
profile_data = st.fixed_dictionaries(
    {
        "weights": weights_data,
        "modes": st.sets(st.sampled_from(MODES), min_size=1),
        "must_haves": st.dictionaries(st.sampled_from(CRITERIA), st.integers(0, 3), max_size=2),
        "seal_minimums": st.dictionaries(st.sampled_from(MEASURED_OBJECTIVES), st.integers(0, 2), max_size=2),
        "own_d3": st.none() | st.integers(0, 4),
    }
)
# profiles that knock nothing out, so that the sensitivity analysis has several offerings to compare
open_profile_data = st.fixed_dictionaries(
    {
        "weights": weights_data,
        "modes": st.just(set(MODES)),
        "must_haves": st.just({}),
        "seal_minimums": st.just({}),
        "own_d3": st.none() | st.integers(0, 4),
    }
)


def build_offerings(make_offering, data):
    return [
        make_offering(
            f"o{i}",
            dict(zip(CRITERIA, item["levels"], strict=True)),
            name=item["name"],
            mode=item["mode"],
            buyer_controlled=["D3"] if item["own_d3"] and item["mode"] == "self_hosted_open_weights" else [],
        )
        for i, item in enumerate(data)
    ]


def build_profile(make_profile, data, *, scale: float = 1.0, weights=None):
    return make_profile(
        area_weights=weights or {area: w * scale for area, w in zip("ABD", data["weights"], strict=True)},
        acceptable_modes=sorted(data["modes"]),
        must_haves=[{"criterion": c, "min_level": level} for c, level in data["must_haves"].items()],
        seal_minimums=[{"objective": o, "min_level": level} for o, level in data["seal_minimums"].items()],
        own_hosting_levels={} if data["own_d3"] is None else {"D3": data["own_d3"]},
        objective_weights={key: w * scale for key, w in CSF_WEIGHTS.items()},
    )


def scored_levels(item, profile) -> dict[str, int]:
    """The level each criterion scores, from the drawn data: unknown scores 0; D3 of a self-hosted offering the buyer
    hosts scores the buyer's stated level, and is unknown (0) while they state none."""
    levels = {c: 0 if level is None else level for c, level in zip(CRITERIA, item["levels"], strict=True)}
    if item["own_d3"] and item["mode"] == "self_hosted_open_weights":
        levels["D3"] = 0 if profile["own_d3"] is None else profile["own_d3"]
    return levels


def every_result(evaluation):
    return {r.key: r for r in evaluation.ranking + evaluation.excluded}


# --- engine --------------------------------------------------------------------------------------------------------


@given(offerings_data, profile_data, st.floats(min_value=1e-3, max_value=40))  # weights stay within 0..1000
def test_scaling_all_weights_by_a_positive_factor_changes_no_score_or_rank(
    checklist, make_profile, make_offering, offerings, profile, factor
):
    items = build_offerings(make_offering, offerings)
    base = score_offerings(checklist, build_profile(make_profile, profile), items)
    scaled = score_offerings(checklist, build_profile(make_profile, profile, scale=factor), items)

    assert [r.key for r in scaled.ranking] == [r.key for r in base.ranking]
    assert [r.key for r in scaled.excluded] == [r.key for r in base.excluded]
    before, after = every_result(base), every_result(scaled)
    for key, result in before.items():
        assert math.isclose(after[key].fit_score, result.fit_score, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(after[key].sovereignty_score, result.sovereignty_score, rel_tol=1e-9, abs_tol=1e-9)
        assert after[key].rank == result.rank


@given(offerings_data, profile_data, st.integers(0, 5), st.integers(0, 4))
def test_raising_any_single_answer_never_lowers_that_offerings_fit(
    checklist, make_profile, make_offering, offerings, profile, position, new_level
):
    items = build_offerings(make_offering, offerings)
    target = items[0]
    answer = target.answers[position]
    new_level = max(new_level, answer.level or 0)
    raised = target.model_copy(
        update={
            "answers": tuple(a.model_copy(update={"level": new_level}) if a is answer else a for a in target.answers)
        }
    )
    req = build_profile(make_profile, profile)

    before = every_result(score_offerings(checklist, req, items))["o0"].fit_score
    after = every_result(score_offerings(checklist, req, [raised, *items[1:]]))["o0"].fit_score

    assert after >= before


@given(offerings_data, profile_data)
def test_overall_seal_is_at_most_every_objective_seal(checklist, make_profile, make_offering, offerings, profile):
    evaluation = score_offerings(
        checklist, build_profile(make_profile, profile), build_offerings(make_offering, offerings)
    )

    for i, item in enumerate(offerings):
        result = every_result(evaluation)[f"o{i}"]
        levels = scored_levels(item, profile)
        assert all(result.seal <= objective.seal for objective in result.objectives)
        # the SEAL is the lowest scored level, per objective and overall, worked out from the drawn answers
        assert {o.objective: o.seal for o in result.objectives} == {
            objective: min(level for c, level in levels.items() if OBJECTIVE_OF[c] == objective)
            for objective in MEASURED_OBJECTIVES
        }
        assert result.seal == min(levels.values())


@given(offerings_data, profile_data)
def test_knocked_out_offering_never_appears_in_the_ranking(checklist, make_profile, make_offering, offerings, profile):
    items = build_offerings(make_offering, offerings)
    evaluation = score_offerings(checklist, build_profile(make_profile, profile), items)

    assert all(not r.knockouts for r in evaluation.ranking)
    assert all(r.knockouts and r.rank is None for r in evaluation.excluded)
    assert sorted(r.key for r in evaluation.ranking + evaluation.excluded) == sorted(o.key for o in items)
    assert [r.rank for r in evaluation.ranking] == list(range(1, len(evaluation.ranking) + 1))
    fits = [r.fit_score for r in evaluation.ranking]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(fits))


@given(offerings_data, profile_data)
def test_contributions_always_sum_to_the_fit_score(checklist, make_profile, make_offering, offerings, profile):
    evaluation = score_offerings(
        checklist, build_profile(make_profile, profile), build_offerings(make_offering, offerings)
    )

    for result in every_result(evaluation).values():
        assert math.isclose(sum(c.contribution for c in result.criteria), result.fit_score, abs_tol=1e-9)
        assert 0 <= result.fit_score <= 100 + 1e-9 and 0 <= result.sovereignty_score <= 100 + 1e-9


# --- sensitivity ---------------------------------------------------------------------------------------------------


@settings(deadline=None)
@given(offerings_data, profile_data, st.integers(0, 2**32 - 1))
def test_acceptability_sums_to_one_and_is_reproducible_with_the_seed(
    checklist, make_profile, make_offering, offerings, profile, seed
):
    items = build_offerings(make_offering, offerings)
    req = build_profile(make_profile, profile)
    result = analyse_sensitivity(checklist, req, items, samples=200, seed=seed)
    ranking = score_offerings(checklist, req, items).ranking

    assert analyse_sensitivity(checklist, req, items, samples=200, seed=seed) == result
    assert list(result.acceptability) == [r.key for r in ranking]
    if ranking:
        assert math.isclose(sum(result.acceptability.values()), 1.0)
        assert result.leader == ranking[0].key
    else:
        assert (result.leader, result.acceptability, result.robust) == (None, {}, False)


@settings(deadline=None, max_examples=200)
@given(st.lists(offering_data, min_size=2, max_size=6), open_profile_data)
def test_weight_flip_really_flips_and_no_smaller_single_area_change_does(
    checklist, make_profile, make_offering, offerings, profile
):
    items = build_offerings(make_offering, offerings)
    req = build_profile(make_profile, profile)
    result = analyse_sensitivity(checklist, req, items, samples=50)
    assume(len(result.acceptability) >= 2)
    leader, flip = result.leader, result.flip

    def winner_at(area: str, percent: float) -> str | None:
        """First offering with only `area` changed to `percent` of the total; None if that is impossible."""
        others = sum(w for a, w in req.area_weights.items() if a != area)
        if others <= 0 or not 0 <= percent < 100:
            return None
        share = percent / 100
        weights = {**req.area_weights, area: share / (1 - share) * others}
        return score_offerings(checklist, req.model_copy(update={"area_weights": weights}), items).ranking[0].key

    if flip is None:
        # no single area weight, anywhere from 0% to 99%, changes the winner
        for area in req.area_weights:
            for percent in (0.0, 25.0, 50.0, 75.0, 99.0):
                assert winner_at(area, percent) in (leader, None)
        return

    change = flip.to_weight - flip.from_weight
    if change == 0:  # tied on fit: the slightest move one way or the other flips it
        assert flip.new_winner in {winner_at(flip.area, flip.from_weight + s * NUDGE) for s in (1, -1)}
    elif flip.to_weight == 0:  # the weight dropped to zero: the tie-break decides there
        assert winner_at(flip.area, 0.0) == flip.new_winner
    else:
        assert winner_at(flip.area, flip.to_weight + math.copysign(NUDGE, change)) == flip.new_winner
        assert winner_at(flip.area, flip.from_weight + 0.99 * change) == leader

    # and no area moved by a slightly smaller change, either way, changes the winner
    total = sum(req.area_weights.values())
    for area, weight in req.area_weights.items():
        for sign in (1, -1):
            percent = max(0.0, weight / total * 100 + sign * 0.99 * abs(change))
            assert winner_at(area, percent) in (leader, None)
