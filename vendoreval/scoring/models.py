"""Inputs and outputs of the scoring core.

Everything the engine needs arrives through these models, validated; everything it decides leaves through them.
The questionnaire validates buyer input with `RequirementProfile` and a `ChecklistSpec` context, so a tampered post
is rejected with the same rules the engine relies on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .text import _

Level = Annotated[int, Field(ge=0, le=4)]
MAX_WEIGHT = 1000.0  # weights are proportions; anything above says nothing more and risks overflow
USES = ("military", "government", "competing_models", "multimodal_eu")  # uses a licence may withhold


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidence(StrEnum):
    """How strongly a source supports a fact, strongest first: the vendor's own or an official document, the vendor's
    reviewed self-assessment, independent reporting, reasoning from facts."""

    CONFIRMED = "confirmed"
    VENDOR_STATED = "vendor_stated"
    THIRD_PARTY = "third_party"
    INFERRED = "inferred"

    @property
    def label(self) -> str:
        return {"confirmed": _("confirmed"), "vendor_stated": _("vendor-stated"), "third_party": _("third-party"),
                "inferred": _("inferred")}[self.value]

    @property
    def rank(self) -> int:
        """0 for the strongest; higher is weaker."""
        return list(Confidence).index(self)


# --- checklist ---------------------------------------------------------------------------------------------------


class AreaSpec(Frozen):
    key: str
    name: str


class CriterionSpec(Frozen):
    key: str
    area: str
    title: str
    csf_objective: str | None = None
    buyer_controlled_when_self_hosted: bool = False


class ObjectiveSpec(Frozen):
    key: str  # SOV-1 .. SOV-8
    name: str
    weight: float  # CSF v1.2.1 weight (percent)


class ChecklistSpec(Frozen):
    version: str
    areas: tuple[AreaSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    objectives: tuple[ObjectiveSpec, ...]
    countries: frozenset[str] = frozenset()  # ISO codes the buyer may trust
    deployment_modes: frozenset[str] = frozenset()

    def criterion_keys(self) -> set[str]:
        return {c.key for c in self.criteria}


# --- offerings ---------------------------------------------------------------------------------------------------


class AnswerInput(Frozen):
    """An offering's answer to one criterion. `level` None means unknown (scored 0, listed as a data gap)."""

    criterion: str
    level: Level | None
    buyer_controlled: bool = False  # self-hosted: the buyer's own hosting decides; level comes from the profile
    confidence: Confidence | None = None  # None for unknown / buyer-controlled
    stale: bool = False  # newest source older than 18 months
    explanation: str = ""  # short rationale shown next to the level


class OfferingInput(Frozen):
    key: str
    name: str
    vendor: str
    deployment_mode: str
    answers: tuple[AnswerInput, ...]

    def answer_for(self, criterion: str) -> AnswerInput | None:
        for answer in self.answers:
            if answer.criterion == criterion:
                return answer
        return None


# --- the buyer's requirement profile -----------------------------------------------------------------------------


class MustHave(Frozen):
    criterion: str
    min_level: Level
    reason: str = "set by the buyer"  # "added because data classification is restricted"


class SealMinimum(Frozen):
    objective: str
    min_level: Level
    reason: str = "set by the buyer"


class RequirementProfile(Frozen):
    """What the buyer needs. Validate with `context={"checklist": ChecklistSpec}` to check keys against the
    checklist."""

    area_weights: dict[str, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]]
    acceptable_modes: frozenset[str]
    must_haves: tuple[MustHave, ...] = ()
    seal_minimums: tuple[SealMinimum, ...] = ()
    trusted_countries: frozenset[str] = frozenset()
    own_hosting_levels: dict[str, Level] = {}  # buyer's stated level for buyer-controlled criteria; absent: unknown
    objective_weights: dict[str, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] | None = None  # None: CSF v1.2.1
    uses: frozenset[str] = frozenset()  # uses the model licence must permit (USES)
    monthly_users: Annotated[int, Field(gt=0)] | None = None  # for licences with a user threshold

    @field_validator("area_weights")
    @classmethod
    def _weights_not_all_zero(cls, weights: dict[str, float]) -> dict[str, float]:
        if not weights or sum(weights.values()) <= 0:
            raise ValueError("at least one area must have a weight above zero")
        return weights

    @model_validator(mode="after")
    def _keys_exist(self, info: ValidationInfo) -> RequirementProfile:
        checklist: ChecklistSpec | None = (info.context or {}).get("checklist")
        if checklist is None:
            return self
        areas = {a.key for a in checklist.areas}
        criteria = checklist.criterion_keys()
        objectives = {o.key for o in checklist.objectives}
        if set(self.area_weights) != areas:
            raise ValueError(f"area weights must name exactly the areas {', '.join(sorted(areas))}")
        for must in self.must_haves:
            if must.criterion not in criteria:
                raise ValueError(f"unknown criterion {must.criterion!r}")
        for key in self.own_hosting_levels:
            if key not in criteria:
                raise ValueError(f"unknown criterion {key!r}")
        for seal in self.seal_minimums:
            if seal.objective not in objectives:
                raise ValueError(f"unknown CSF objective {seal.objective!r}")
        if checklist.countries:
            unknown = sorted(set(self.trusted_countries) - checklist.countries)
            if unknown:
                raise ValueError(f"unknown country {', '.join(unknown)}")
        if checklist.deployment_modes:
            unknown = sorted(set(self.acceptable_modes) - checklist.deployment_modes)
            if unknown:
                raise ValueError(f"unknown deployment mode {', '.join(unknown)}")
        if not self.acceptable_modes:
            raise ValueError("accept at least one deployment mode")
        unknown_uses = sorted(set(self.uses) - set(USES))
        if unknown_uses:
            raise ValueError(f"unknown use {', '.join(unknown_uses)}")
        return self


# --- results -------------------------------------------------------------------------------------------------------


class CriterionResult(Frozen):
    criterion: str
    area: str
    level: int  # the level scored (unknown -> 0; buyer-controlled -> the buyer's own-hosting level)
    unknown: bool
    buyer_controlled: bool
    confidence: Confidence | None
    stale: bool
    contribution: float  # points this criterion adds to the fit score (sums to the fit score)
    explanation: str = ""


class AreaScore(Frozen):
    area: str
    score: float  # 0..100
    weight: float  # buyer weight, normalised to sum 1


class ObjectiveScore(Frozen):
    objective: str
    score: float  # 0..1000
    seal: int  # assured SEAL: minimum level of its criteria, unknown answers counted as 0
    attainable: int  # attainable SEAL: the same minimum with unknown answers at their best level (4)
    unknowns: tuple[str, ...] = ()  # unknown criteria of this objective: evidence on them settles the SEAL


class Knockout(Frozen):
    kind: str  # "must_have" | "seal" | "deployment_mode"
    subject: str  # criterion key, objective key or deployment mode
    required: str
    actual: str
    reason: str  # full sentence, e.g. "B1 Extraterritorial exposure is 1, must-have is 4 (added because ...): <why>"
    unverified: bool = False  # not shown to fail: unknown answers could still meet the requirement
    settle: tuple[str, ...] = ()  # the criteria whose evidence would settle an unverified knock-out


class OfferingResult(Frozen):
    key: str
    name: str
    vendor: str
    deployment_mode: str
    fit_score: float  # 0..100
    sovereignty_score: float  # 0..100
    seal: int  # overall assured SEAL = minimum over objectives, unknown answers counted as 0
    seal_attainable: int  # overall attainable SEAL: unknown answers at their best level
    seal_unknowns: tuple[str, ...] = ()  # the unknown answers that separate the assured from the attainable SEAL
    criteria: tuple[CriterionResult, ...]
    areas: tuple[AreaScore, ...]
    objectives: tuple[ObjectiveScore, ...]
    knockouts: tuple[Knockout, ...]
    data_gaps: tuple[str, ...]  # criterion keys answered unknown
    stale: tuple[str, ...]  # criterion keys with stale evidence
    confidence: float  # share of the vendor's known answers confirmed by its own or an official document, 0..1
    vendor_stated: float = 0.0  # share of them resting on the vendor's reviewed self-assessment (never confirmed)
    known_share: float = 0.0  # share of all answers that are known (not data gaps), 0..1
    explanation: str
    rank: int | None = None  # 1-based among passing offerings; None when excluded

    @property
    def excluded(self) -> bool:
        return bool(self.knockouts)


class EvaluationResult(Frozen):
    ranking: tuple[OfferingResult, ...]  # passing offerings, best first
    excluded: tuple[OfferingResult, ...]  # knocked-out offerings, with every reason


class Blocker(Frozen):
    """A requirement that knocks offerings out, and what relaxing it by one level would change (computed)."""

    kind: str  # "must_have" | "seal"
    subject: str  # criterion or objective key
    required: int
    blocks: int  # offerings it knocks out (alone or with other requirements)
    passing_if_relaxed: int  # offerings that would pass with this requirement one level lower
    passing_now: int


class WeightFlip(Frozen):
    area: str
    from_weight: float  # the buyer's weight (percent of total)
    to_weight: float  # the weight at which the winner changes (percent of total, others scaled)
    new_winner: str  # offering key


class SensitivityResult(Frozen):
    samples: int
    seed: int
    acceptability: dict[str, float]  # offering key -> probability of ranking first
    leader: str | None
    flip: WeightFlip | None  # None: no single-area change flips the winner
    robust: bool
    verdict: str  # one sentence for people
