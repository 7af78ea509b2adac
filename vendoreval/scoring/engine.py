"""Score catalog offerings against a buyer's requirement profile.

One call scores every offering the same way:

* level per criterion: the vendor's answer; an unknown or missing answer scores 0 and is listed as a data gap; a
  buyer-controlled criterion (self-hosting) takes the level the buyer states for their own hosting, never a vendor
  claim;
* area score = mean(L/4) x 100; fit = buyer-weighted mean of the area scores (0..100);
* CSF view: objective score = mean(L/4) x 1000 over the objective's criteria; sovereignty score = weighted mean of the
  objective scores / 10 (0..100); SEAL = minimum level, per objective and then overall, never an average. Unknown is
  not zero: the *assured* SEAL counts unknown answers as 0, the *attainable* SEAL at their best level (4), and the
  unknown answers between the two are named;
* knock-outs (deployment mode, must-haves, SEAL minimums) exclude an offering and give every reason; a requirement
  that only unknown answers fail is "unverified" and names the evidence that would settle it; a SEAL minimum is met
  only when assured;
* ranking by fit, then sovereignty score, then name and key.

Numbers stay unrounded in the results (views round). Only the ranking order compares scores to nine decimals, so that
floating-point noise (0.1 + 0.2) never decides between two offerings that are really tied: the tie-break does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from vendoreval.scoring.models import (
    AnswerInput,
    AreaSpec,
    Blocker,
    ChecklistSpec,
    Confidence,
    CriterionSpec,
    EvaluationResult,
    Knockout,
    ObjectiveSpec,
    OfferingInput,
    OfferingResult,
    RequirementProfile,
)
from vendoreval.scoring.numbers import shown
from vendoreval.scoring.text import _, mode_label, ngettext, sentence_case

MAX_LEVEL = 4
RANK_DECIMALS = 9  # scores equal to this many decimals are tied for the ranking order


def score_offerings(
    checklist: ChecklistSpec, profile: RequirementProfile, offerings: Sequence[OfferingInput]
) -> EvaluationResult:
    """Score every offering; rank those that pass the knock-outs and list the others with every reason.

    Raises ValueError when the profile cannot be applied to this checklist (no weighted area, a must-have on an unknown
    criterion, a SEAL minimum on an objective no criterion measures) or when two offerings share a key.
    """
    plan = _Plan.build(checklist, profile)
    keys = [offering.key for offering in offerings]
    if len(set(keys)) != len(keys):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"offering keys must be unique: {', '.join(duplicates)}")
    results = [_score_offering(plan, offering) for offering in offerings]
    passing = sorted((r for r in results if not r.knockouts), key=ranking_key)
    excluded = sorted((r for r in results if r.knockouts), key=lambda r: (r.name, r.key))
    ranking = tuple(result.model_copy(update={"rank": rank}) for rank, result in enumerate(passing, start=1))
    return EvaluationResult(ranking=ranking, excluded=tuple(excluded))


def ranking_key(result: OfferingResult) -> tuple[float, float, str, str]:
    """Best first: higher fit, then higher sovereignty score, then name and key (scores compared to nine decimals)."""
    return (
        -round(result.fit_score, RANK_DECIMALS),
        -round(result.sovereignty_score, RANK_DECIMALS),
        result.name,
        result.key,
    )


# --- the checklist's shape, resolved once per call -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    profile: RequirementProfile
    criteria: tuple[CriterionSpec, ...]
    criterion_index: dict[str, int]
    # per criterion: key, area key, area position, fit points per level (100 / 4 / area size x area weight),
    # the buyer's own-hosting level (None: not stated) and the note that explains it
    slots: tuple[tuple[str, str, int, float, int | None, str], ...]
    areas: tuple[AreaSpec, ...]
    area_sizes: tuple[int, ...]
    area_weights: tuple[float, ...]  # buyer weights normalised to sum 1
    objectives: tuple[ObjectiveSpec, ...]  # only objectives that at least one criterion measures
    objective_members: tuple[tuple[int, ...], ...]  # criterion positions per objective
    objective_weights: tuple[float, ...]  # buyer's (or CSF v1.2.1) weights of those objectives, not normalised
    not_answered: str  # the explanation of a criterion the catalog does not answer, in the reader's language

    @classmethod
    def build(cls, checklist: ChecklistSpec, profile: RequirementProfile) -> _Plan:
        criteria = checklist.criteria
        area_position = {area.key: i for i, area in enumerate(checklist.areas)}
        unknown_areas = sorted({c.area for c in criteria} - set(area_position))
        if unknown_areas:
            raise ValueError(f"criteria name unknown areas: {', '.join(unknown_areas)}")
        criterion_area = tuple(area_position[c.area] for c in criteria)
        area_sizes = tuple(criterion_area.count(position) for position in range(len(checklist.areas)))
        raw_weights = [float(profile.area_weights.get(area.key, 0.0)) for area in checklist.areas]
        total = sum(raw_weights)
        if total <= 0:
            raise ValueError("the profile gives no weight to any area of this checklist")
        area_weights = tuple(w / total for w in raw_weights)

        objective_members = {
            o.key: tuple(i for i, c in enumerate(criteria) if c.csf_objective == o.key) for o in checklist.objectives
        }
        measured = tuple(o for o in checklist.objectives if objective_members[o.key])
        source = profile.objective_weights
        if source is None:
            source = {o.key: o.weight for o in checklist.objectives}  # CSF v1.2.1

        criterion_index = {c.key: i for i, c in enumerate(criteria)}
        for must in profile.must_haves:
            if must.criterion not in criterion_index:
                raise ValueError(f"must-have on unknown criterion {must.criterion!r}")
        for seal in profile.seal_minimums:
            if not objective_members.get(seal.objective):
                raise ValueError(
                    f"SEAL minimum on {seal.objective!r}, which no criterion of checklist {checklist.version} measures"
                )

        slots = []
        for c, position in zip(criteria, criterion_area, strict=True):
            own_level = profile.own_hosting_levels.get(c.key)
            own_note = (
                _("Decided by your own hosting: level %(level)s as you stated.") % {"level": own_level}
                if own_level is not None
                else _("Decided by your own hosting, which you have not described yet: unknown until you state your "
                       "level (questionnaire, Deployment step).")
            )
            unit = 100 / MAX_LEVEL / area_sizes[position] * area_weights[position]
            slots.append((c.key, c.area, position, unit, own_level, own_note))
        return cls(
            profile=profile,
            criteria=criteria,
            criterion_index=criterion_index,
            slots=tuple(slots),
            areas=checklist.areas,
            area_sizes=area_sizes,
            area_weights=area_weights,
            objectives=measured,
            objective_members=tuple(objective_members[o.key] for o in measured),
            objective_weights=tuple(float(source.get(o.key, 0.0)) for o in measured),
            not_answered=_("Not answered in the catalog: unknown, scored 0."),
        )


# --- one offering --------------------------------------------------------------------------------------------------


class _Scored(NamedTuple):
    level: int
    unknown: bool
    buyer_controlled: bool
    answer: AnswerInput | None


class _ScoredLevels(NamedTuple):
    """Per criterion position, what was scored (kept apart for speed; knock-outs read it through `at`)."""

    levels: list[int]
    unknowns: list[bool]
    owns: list[bool]
    answers: list[AnswerInput | None]

    def at(self, position: int) -> _Scored:
        return _Scored(self.levels[position], self.unknowns[position], self.owns[position], self.answers[position])


def _score_offering(plan: _Plan, offering: OfferingInput) -> OfferingResult:
    answers: dict[str, AnswerInput] = {}
    for answer in offering.answers:
        answers.setdefault(answer.criterion, answer)  # the first answer counts, like OfferingInput.answer_for

    # the hot loop of the engine (200 offerings x 37 criteria): plain locals, parallel lists, one dict per criterion
    levels: list[int] = []
    unknowns: list[bool] = []
    owns: list[bool] = []
    picked: list[AnswerInput | None] = []
    criteria = []
    area_sums = [0] * len(plan.areas)
    data_gaps = []
    stale = []
    vendor_levels = confirmed = stated = 0
    for key, area, position, unit, own_level, own_note in plan.slots:
        answer = answers.get(key)
        confidence = None
        is_stale = own = False
        if answer is None:
            level, unknown, explanation = 0, True, plan.not_answered
        elif answer.buyer_controlled:  # the buyer's own hosting decides, whatever the vendor claims
            own, explanation = True, own_note
            level, unknown = (0, True) if own_level is None else (own_level, False)
        else:
            level, unknown, is_stale, explanation = answer.level, False, answer.stale, answer.explanation
            if level is None:
                level, unknown = 0, True
            else:
                confidence = answer.confidence
                vendor_levels += 1
                if confidence is Confidence.CONFIRMED:
                    confirmed += 1
                elif confidence is Confidence.VENDOR_STATED:
                    stated += 1
        levels.append(level)
        unknowns.append(unknown)
        owns.append(own)
        picked.append(answer)
        area_sums[position] += level
        if unknown:
            data_gaps.append(key)
        if is_stale:
            stale.append(key)
        criteria.append(
            {
                "criterion": key,
                "area": area,
                "level": level,
                "unknown": unknown,
                "buyer_controlled": own,
                "confidence": confidence,
                "stale": is_stale,
                "contribution": level * unit,
                "explanation": explanation,
            }
        )
    scored_levels = _ScoredLevels(levels, unknowns, owns, picked)

    # an area without criteria scores 0 for everyone: it changes no order
    area_scores = [
        total / (MAX_LEVEL * size) * 100 if size else 0.0
        for total, size in zip(area_sums, plan.area_sizes, strict=True)
    ]
    fit = sum(score * weight for score, weight in zip(area_scores, plan.area_weights, strict=True))

    objectives = []  # (objective key, score 0..1000, assured SEAL, attainable SEAL, unknown criteria)
    for objective, members in zip(plan.objectives, plan.objective_members, strict=True):
        member_levels = [levels[i] for i in members]
        attainable = min(MAX_LEVEL if unknowns[i] else levels[i] for i in members)
        open_keys = tuple(plan.slots[i][0] for i in members if unknowns[i])
        objectives.append((objective.key, sum(member_levels) / (MAX_LEVEL * len(members)) * 1000, min(member_levels),
                           attainable, open_keys))
    weight_total = sum(plan.objective_weights)
    sovereignty = (
        sum(o[1] / 1000 * w for o, w in zip(objectives, plan.objective_weights, strict=True))
        / weight_total
        * 100
        if weight_total > 0
        else 0.0
    )

    knockouts = _knockouts(plan, offering, scored_levels, objectives)
    # one validation of the whole nested result is several times faster than building each small model
    return OfferingResult.model_validate(
        {
            "key": offering.key,
            "name": offering.name,
            "vendor": offering.vendor,
            "deployment_mode": offering.deployment_mode,
            "fit_score": fit,
            "sovereignty_score": sovereignty,
            "seal": min((o[2] for o in objectives), default=0),
            "seal_attainable": min((o[3] for o in objectives), default=0),
            "seal_unknowns": _separating_unknowns(objectives),
            "criteria": criteria,
            "areas": [
                {"area": area.key, "score": score, "weight": weight}
                for area, score, weight in zip(plan.areas, area_scores, plan.area_weights, strict=True)
            ],
            "objectives": [{"objective": key, "score": score, "seal": seal, "attainable": attainable,
                            "unknowns": open_keys} for key, score, seal, attainable, open_keys in objectives],
            "knockouts": knockouts,
            "data_gaps": data_gaps,
            "stale": stale,
            # share of the vendor's scored answers that are confirmed; 0.0 without any: nothing is confirmed
            "confidence": confirmed / vendor_levels if vendor_levels else 0.0,
            # counted apart: the vendor's own statement, reviewed, is no confirmation
            "vendor_stated": stated / vendor_levels if vendor_levels else 0.0,
            "known_share": 1 - len(data_gaps) / len(plan.slots) if plan.slots else 0.0,
            "explanation": (
                _excluded_explanation(knockouts)
                if knockouts
                else _explanation(plan, fit, area_scores, data_gaps, stale)
            ),
        }
    )


# --- knock-outs ----------------------------------------------------------------------------------------------------


def _knockouts(
    plan: _Plan,
    offering: OfferingInput,
    scored_levels: _ScoredLevels,
    objectives: list[tuple],
) -> list[Knockout]:
    profile = plan.profile
    knockouts = []
    if offering.deployment_mode not in profile.acceptable_modes:
        accepted = "; ".join(mode_label(mode) for mode in sorted(profile.acceptable_modes))
        knockouts.append(
            Knockout(
                kind="deployment_mode",
                subject=offering.deployment_mode,
                required=", ".join(sorted(profile.acceptable_modes)),
                actual=offering.deployment_mode,
                reason=_("Deployment mode %(mode)s is not acceptable: the profile accepts only %(accepted)s.")
                % {"mode": mode_label(offering.deployment_mode), "accepted": accepted},
            )
        )

    for must in profile.must_haves:
        position = plan.criterion_index[must.criterion]
        scored = scored_levels.at(position)
        if scored.level >= must.min_level:
            continue
        spec = plan.criteria[position]
        if scored.unknown:
            actual_text = _("unknown")
        elif scored.buyer_controlled:
            actual_text = _("%(level)s for your own hosting") % {"level": scored.level}
        else:
            actual_text = str(scored.level)
        reason = _("%(key)s %(title)s is %(actual)s, must-have is %(required)s (%(why)s)") % {
            "key": spec.key, "title": spec.title, "actual": actual_text, "required": must.min_level,
            "why": must.reason}
        if scored.unknown:  # not shown to fail, not shown to pass: say what would settle it
            why = _vendor_explanation(scored) or (_own_explanation(plan, position) if scored.buyer_controlled else "")
            reason = _("%(reason)s: unverified") % {"reason": reason}
        else:
            why = _vendor_explanation(scored)
        knockouts.append(
            Knockout(
                kind="must_have",
                subject=spec.key,
                required=str(must.min_level),
                actual="unknown" if scored.unknown else str(scored.level),
                reason=_sentence(reason, why, unverified=scored.unknown),
                unverified=scored.unknown,
                settle=(spec.key,) if scored.unknown else (),
            )
        )

    position_of = {o.key: i for i, o in enumerate(plan.objectives)}
    for minimum in profile.seal_minimums:
        i = position_of[minimum.objective]
        seal, attainable, open_keys = objectives[i][2:]
        if seal >= minimum.min_level:
            continue
        objective = plan.objectives[i]
        if attainable >= minimum.min_level:  # only unknown answers hold it down: not shown to fail, not met either
            reason = _(
                "%(key)s %(name)s is SEAL %(seal)s assured and SEAL %(attainable)s attainable, minimum is SEAL "
                "%(required)s (%(why)s): unverified; settled by evidence on %(settle)s."
            ) % {"key": objective.key, "name": objective.name, "seal": seal, "attainable": attainable,
                 "required": minimum.min_level, "why": minimum.reason, "settle": ", ".join(open_keys)}
            knockouts.append(Knockout(kind="seal", subject=objective.key, required=str(minimum.min_level),
                                      actual=str(seal), reason=reason, unverified=True, settle=open_keys))
            continue
        lowest = [
            _held_down_by(plan.criteria[c], scored_levels.at(c))
            for c in plan.objective_members[i]
            if scored_levels.levels[c] == seal
        ]
        reason = _("%(key)s %(name)s is at SEAL %(seal)s, minimum is SEAL %(required)s (%(why)s); held down by "
                   "%(lowest)s.") % {"key": objective.key, "name": objective.name, "seal": seal,
                                     "required": minimum.min_level, "why": minimum.reason, "lowest": "; ".join(lowest)}
        knockouts.append(
            Knockout(
                kind="seal", subject=objective.key, required=str(minimum.min_level), actual=str(seal), reason=reason
            )
        )
    return knockouts


def _separating_unknowns(objectives: list[tuple]) -> tuple[str, ...]:
    """The unknown answers of the objectives whose assured SEAL falls short of their attainable SEAL."""
    found: dict[str, None] = {}
    for *_key_and_score, seal, attainable, open_keys in objectives:
        if seal < attainable:
            found.update(dict.fromkeys(open_keys))
    return tuple(found)


def _own_explanation(plan: _Plan, position: int) -> str:
    return plan.slots[position][5].rstrip(".")


# --- what blocks the most offerings -------------------------------------------------------------------------------


def blockers(checklist: ChecklistSpec, profile: RequirementProfile, offerings: Sequence[OfferingInput],
             result: EvaluationResult) -> tuple[Blocker, ...]:
    """Each must-have and SEAL minimum that knocks offerings out: how many it knocks out and how many offerings would
    pass if it alone were one level lower (computed by scoring again, not guessed). Most blocking first."""
    found = []
    counts: dict[tuple[str, str], int] = {}
    for r in result.excluded:
        for k in {(k.kind, k.subject) for k in r.knockouts if k.kind in ("must_have", "seal")}:
            counts[k] = counts.get(k, 0) + 1
    passing_now = len(result.ranking)
    for (kind, subject), blocked in counts.items():
        if kind == "must_have":
            must = next(m for m in profile.must_haves if m.criterion == subject)
            relaxed = tuple(m if m is not must else m.model_copy(update={"min_level": must.min_level - 1})
                            for m in profile.must_haves if m is not must or must.min_level > 1)
            changed, required = profile.model_copy(update={"must_haves": relaxed}), must.min_level
        else:
            seal = next(m for m in profile.seal_minimums if m.objective == subject)
            relaxed = tuple(m if m is not seal else m.model_copy(update={"min_level": seal.min_level - 1})
                            for m in profile.seal_minimums if m is not seal or seal.min_level > 1)
            changed, required = profile.model_copy(update={"seal_minimums": relaxed}), seal.min_level
        passing = len(score_offerings(checklist, changed, offerings).ranking)
        found.append(Blocker(kind=kind, subject=subject, required=required, blocks=blocked,
                             passing_if_relaxed=passing, passing_now=passing_now))
    return tuple(sorted(found, key=lambda b: (-b.blocks, -b.passing_if_relaxed, b.kind, b.subject)))


def _held_down_by(spec: CriterionSpec, scored: _Scored) -> str:
    values = {"key": spec.key, "title": spec.title, "level": scored.level}
    text = (_("%(key)s %(title)s unknown") if scored.unknown else _("%(key)s %(title)s at %(level)s")) % values
    explanation = _vendor_explanation(scored)
    return f"{text} ({explanation})" if explanation else text


def _vendor_explanation(scored: _Scored) -> str:
    if scored.buyer_controlled or scored.answer is None:
        return ""
    return scored.answer.explanation.strip().rstrip(".")


def _sentence(text: str, explanation: str, *, unverified: bool = False) -> str:
    if not explanation:
        return f"{text}."
    return f"{text}. {sentence_case(explanation)}." if unverified else f"{text}: {explanation}."


# --- explanations --------------------------------------------------------------------------------------------------


def _explanation(plan: _Plan, fit: float, area_scores: list[float], data_gaps: list[str], stale: list[str]) -> str:
    weighted = [
        (score, area.name) for score, area, w in zip(area_scores, plan.areas, plan.area_weights, strict=True) if w > 0
    ]
    strongest = max(weighted, key=lambda item: item[0])  # the first area in checklist order wins a tie
    weakest = min(weighted, key=lambda item: item[0])
    values = {"fit": shown(fit), "strongest": strongest[1], "top": shown(strongest[0], 0), "weakest": weakest[1],
              "bottom": shown(weakest[0], 0)}
    if len(weighted) == 1:
        head = _("Fit %(fit)s: only %(strongest)s is weighted (%(top)s).") % values
    elif strongest[0] == weakest[0]:
        head = _("Fit %(fit)s: every weighted area scores %(top)s.") % values
    else:
        head = _("Fit %(fit)s: strongest in %(strongest)s (%(top)s), weakest in %(weakest)s (%(bottom)s).") % values
    gaps = (ngettext("%(n)s data gap", "%(n)s data gaps", len(data_gaps)) % {"n": len(data_gaps)} if data_gaps
            else _("no data gaps"))
    sources = (ngettext("%(n)s stale source", "%(n)s stale sources", len(stale)) % {"n": len(stale)} if stale
               else _("no stale sources"))
    return f"{head} {sentence_case(gaps)}, {sources}."


def _excluded_explanation(knockouts: list[Knockout]) -> str:
    first = knockouts[0].reason.rstrip(".")
    more = len(knockouts) - 1
    if not more:
        return _("Excluded: %(reason)s.") % {"reason": first}
    return ngettext("Excluded: %(reason)s; and %(n)s more reason.", "Excluded: %(reason)s; and %(n)s more reasons.",
                    more) % {"reason": first, "n": more}
