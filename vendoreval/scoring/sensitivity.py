"""How robust the recommendation is to the buyer's area weights.

Two questions a committee asks:

* *Rank acceptability* (SMAA): sample area weights around the buyer's from a Dirichlet distribution and count how
  often each passing offering ranks first. Areas the buyer weighted 0 stay at 0.
* *Weight flip*: how far must one area weight move, all others fixed, before another offering overtakes the leader?
  Fit is linear in the weights, so the point where offering j catches the leader is solved exactly, not searched.

Knock-outs do not depend on the area weights, so only offerings that pass them take part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from vendoreval.scoring.engine import RANK_DECIMALS, score_offerings
from vendoreval.scoring.models import (
    ChecklistSpec,
    EvaluationResult,
    OfferingInput,
    OfferingResult,
    RequirementProfile,
    SensitivityResult,
    WeightFlip,
)
from vendoreval.scoring.numbers import percent
from vendoreval.scoring.text import _, ngettext, thousands_mark

ROBUST_ACCEPTABILITY = 0.75  # the leader must rank first in at least this share of the weight samples
ROBUST_FLIP_POINTS = 10.0  # and no single area weight may flip the winner within this many percentage points

_TIE = 10.0**-RANK_DECIMALS  # fits closer than this are tied, as in the ranking
_SAME_POINT = 1e-12  # flip points closer than this (in shares of the total weight) coincide


def analyse_sensitivity(
    checklist: ChecklistSpec,
    profile: RequirementProfile,
    offerings: Sequence[OfferingInput],
    *,
    samples: int = 2000,
    seed: int = 20261125,
    concentration: float = 50.0,
    result: EvaluationResult | None = None,
) -> SensitivityResult:
    """Rank acceptability of every passing offering and the smallest single-area weight change that flips the winner.

    `concentration` scales the Dirichlet around the buyer's weights: higher keeps samples closer to them. The same
    inputs and seed give the same result. Pass `result` when the caller has already scored these inputs.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if not concentration > 0:
        raise ValueError("concentration must be above zero")
    ranking = (result or score_offerings(checklist, profile, offerings)).ranking
    if not ranking:
        return SensitivityResult(
            samples=samples,
            seed=seed,
            acceptability={},
            leader=None,
            flip=None,
            robust=False,
            verdict=_("No offering passes the knock-outs, so there is no recommendation to test."),
        )

    scores = np.array([[area.score for area in result.areas] for result in ranking], dtype=float)  # offerings x areas
    weights = np.array([area.weight for area in ranking[0].areas], dtype=float)  # normalised, sums to 1
    wins = _first_place_counts(scores, weights, samples=samples, seed=seed, concentration=concentration)
    acceptability = {result.key: float(count) / samples for result, count in zip(ranking, wins, strict=True)}
    flip = _weight_flip(checklist, ranking, scores, weights)

    leader = ranking[0]
    share = acceptability[leader.key]
    steady = flip is None or abs(flip.to_weight - flip.from_weight) >= ROBUST_FLIP_POINTS
    robust = share >= ROBUST_ACCEPTABILITY and steady
    return SensitivityResult(
        samples=samples,
        seed=seed,
        acceptability=acceptability,
        leader=leader.key,
        flip=flip,
        robust=robust,
        verdict=_verdict(checklist, ranking, share, samples, flip, robust),
    )


def flipped_area_weights(area_weights: Mapping[str, float], flip: WeightFlip) -> dict[str, float]:
    """The buyer's weights with only `flip.area` changed so that it holds `flip.to_weight` percent of the total."""
    others = sum(weight for area, weight in area_weights.items() if area != flip.area)
    share = flip.to_weight / 100
    if others <= 0 or share >= 1:
        raise ValueError("the other areas carry no weight, so one area's share cannot change")
    return {**area_weights, flip.area: share / (1 - share) * others}


# --- rank acceptability --------------------------------------------------------------------------------------------


def _first_place_counts(
    scores: np.ndarray, weights: np.ndarray, *, samples: int, seed: int, concentration: float
) -> np.ndarray:
    active = weights > 0
    rng = np.random.default_rng(seed)
    sampled = rng.dirichlet(weights[active] * concentration, size=samples)  # samples x weighted areas
    fits = sampled @ scores[:, active].T  # samples x offerings
    # argmax takes the first of equal fits: offerings are in ranking order, so ties break like the ranking
    return np.bincount(fits.argmax(axis=1), minlength=scores.shape[0])


# --- weight flip ---------------------------------------------------------------------------------------------------


def _weight_flip(
    checklist: ChecklistSpec, ranking: tuple[OfferingResult, ...], scores: np.ndarray, weights: np.ndarray
) -> WeightFlip | None:
    """The smallest change of one area weight (in percentage points of the total) at which the leader loses first place.

    With W = 1 (normalised weights), S_i = sum_a w_a s_ia and d added to w_a alone, fit_i(d) = (S_i + d s_ia) / (1 + d).
    Offering j passes the leader when d g > D, with D = S_L - S_j >= 0 and g = s_ja - s_La: at d = D / g, upwards when
    g > 0, downwards (down to w_a = 0) when g < 0. At exactly that point they are tied and the tie-break decides, so the
    reported weight is where the winner changes, reached or passed by the smallest step.
    """
    if len(ranking) < 2:
        return None
    fits = scores @ weights
    gap = fits[0] - fits[1:]  # D per challenger
    gap[gap < _TIE] = 0.0  # tied with the leader (or noise): the tie-break kept the leader first
    slope = scores[1:] - scores[0]  # g per challenger and area
    tie_keys = [_tie_key(result) for result in ranking]
    wins_tie = np.array([key < tie_keys[0] for key in tie_keys[1:]])  # challenger first when fits are equal

    best: tuple[float, int, int, np.ndarray, float] | None = None  # (points, area, direction, candidates, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = gap[:, None] / slope  # the d at which each challenger catches the leader, per area
    for a in range(scores.shape[1]):
        w = weights[a]
        for direction in (1, -1):
            if direction == -1 and w <= 0:
                continue  # an unweighted area cannot lose weight
            if direction == 1:
                valid = slope[:, a] > 0
                d_all = steps[:, a]
            else:
                valid = slope[:, a] < 0
                d_all = steps[:, a]
                # the weight cannot go below 0, nor reach 0 when it is the only weight; at 0 only the tie-break helps
                at_zero = np.abs(d_all + w) <= _SAME_POINT
                below_zero = (d_all < -w) & ~at_zero
                valid &= ~below_zero & (~at_zero | (wins_tie & (w < 1 - _SAME_POINT)))
                d_all = np.where(at_zero, -w, d_all)
            if not valid.any():
                continue
            d = d_all[valid].min() if direction == 1 else d_all[valid].max()
            points = abs(d) * (1 - w) / (1 + d) * 100
            if best is None or points < best[0]:
                candidates = np.flatnonzero(valid & (np.abs(d_all - d) <= _SAME_POINT))
                best = (points, a, direction, candidates, d)
    if best is None:
        return None

    _, a, direction, candidates, d = best
    challengers = [int(c) + 1 for c in candidates]  # positions in the ranking
    if direction == -1 and d <= -weights[a] + _SAME_POINT:
        winner = min(challengers, key=lambda j: tie_keys[j])  # weight at 0: nothing beyond, the tie-break decides
    else:
        # just past the flip point the steepest challenger in the direction of change leads, then the tie-break
        winner = min(challengers, key=lambda j: (-direction * scores[j, a], tie_keys[j]))
    return WeightFlip(
        area=checklist.areas[a].key,
        from_weight=float(weights[a] * 100),
        to_weight=float((weights[a] + d) / (1 + d) * 100),
        new_winner=ranking[winner].key,
    )


def _tie_key(result: OfferingResult) -> tuple[float, str, str]:
    return (-round(result.sovereignty_score, RANK_DECIMALS), result.name, result.key)


# --- verdict -------------------------------------------------------------------------------------------------------


def _verdict(
    checklist: ChecklistSpec,
    ranking: tuple[OfferingResult, ...],
    share: float,
    samples: int,
    flip: WeightFlip | None,
    robust: bool,
) -> str:
    leader = ranking[0].name
    if len(ranking) == 1:
        return _("Robust: %(leader)s is the only offering that passes the knock-outs.") % {"leader": leader}
    first = ngettext("%(leader)s ranks first in %(share)s of %(samples)s weight sample",
                     "%(leader)s ranks first in %(share)s of %(samples)s weight samples", samples) % {
        "leader": leader, "share": _share(share), "samples": _thousands(samples)}
    if flip is None:
        return (
            _("Robust: %(first)s, and no change to a single area weight changes the winner.")
            if robust
            else _("Not robust: %(first)s, although no change to a single area weight changes the winner.")
        ) % {"first": first}
    area = next(a.name for a in checklist.areas if a.key == flip.area)
    before, after = _weights(flip.from_weight, flip.to_weight)
    values = {"first": first, "area": area, "before": before, "after": after}
    if robust:
        return _("Robust: %(first)s; %(area)s would have to move from %(before)s to %(after)s to change the "
                 "winner.") % values
    challenger = next(r for r in ranking if r.key == flip.new_winner)
    values["challenger"] = challenger.name
    if flip.to_weight == flip.from_weight:
        # tied on fit, the tie-break kept the leader: the challenger wins as soon as its stronger area counts more
        stronger = _area_score(challenger, flip.area) > _area_score(ranking[0], flip.area)
        return (
            _("Not robust: %(first)s; it is tied on fit with %(challenger)s, and the slightest increase of %(area)s "
              "would make %(challenger)s the winner.") if stronger else
            _("Not robust: %(first)s; it is tied on fit with %(challenger)s, and the slightest decrease of %(area)s "
              "would make %(challenger)s the winner.")
        ) % values
    return _("Not robust: %(first)s; moving %(area)s from %(before)s to %(after)s would make %(challenger)s the "
             "winner.") % values


def _area_score(result: OfferingResult, area: str) -> float:
    return next(a.score for a in result.areas if a.area == area)


def _share(share: float) -> str:
    if share < 1 and percent(share) == percent(1):
        return _("over %(share)s") % {"share": percent(0.99)}
    if share > 0 and percent(share) == percent(0):
        return _("under %(share)s") % {"share": percent(0.01)}
    return percent(share)


def _thousands(n: int) -> str:
    """2000 -> "2,000" in English, "2 000" in French, "2.000" in German."""
    return f"{n:,}".replace(",", thousands_mark())


def _weights(before: float, after: float) -> tuple[str, str]:
    for decimals in (0, 1, 2):
        texts = (percent(before / 100, decimals), percent(after / 100, decimals))
        if texts[0] != texts[1]:
            return texts
    return texts
