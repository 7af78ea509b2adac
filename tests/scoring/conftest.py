"""Small builders for the scoring core's tests: a 3-area, 6-criterion checklist, profiles and offerings.

The checklist (weights of the CSF objectives as in v1.2.1):

    area A Ownership & control   A1 Ownership jurisdiction  SOV-1    A2 Untrusted shareholding  SOV-1
    area B Legal exposure        B1 Extraterritorial exp.   SOV-2    B2 Contract law and venue  SOV-2
    area D Deployment control    D1 Self-hosting            SOV-6    D3 Hosting operator        SOV-5 (buyer-controlled
                                                                                                when self-hosted)
    objectives SOV-1 15, SOV-2 10, SOV-5 20, SOV-6 15, SOV-8 5 (no criterion: omitted from the CSF view)

Builders are plain functions (usable inside Hypothesis strategies) and are also handed out by session fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from vendoreval.scoring.models import (
    AnswerInput,
    AreaSpec,
    ChecklistSpec,
    Confidence,
    CriterionSpec,
    ObjectiveSpec,
    OfferingInput,
    RequirementProfile,
)

CRITERIA = ("A1", "A2", "B1", "B2", "D1", "D3")
AREAS = ("A", "B", "D")
MODES = ("public_api", "third_party_cloud", "self_hosted_open_weights")
DEFAULT_WEIGHTS = {"A": 20, "B": 50, "D": 30}


def build_checklist() -> ChecklistSpec:
    return ChecklistSpec(
        version="test-1",
        areas=(
            AreaSpec(key="A", name="Ownership & control"),
            AreaSpec(key="B", name="Legal exposure"),
            AreaSpec(key="D", name="Deployment control"),
        ),
        criteria=(
            CriterionSpec(key="A1", area="A", title="Ownership jurisdiction", csf_objective="SOV-1"),
            CriterionSpec(key="A2", area="A", title="Untrusted shareholding", csf_objective="SOV-1"),
            CriterionSpec(key="B1", area="B", title="Extraterritorial exposure", csf_objective="SOV-2"),
            CriterionSpec(key="B2", area="B", title="Contract law and venue", csf_objective="SOV-2"),
            CriterionSpec(key="D1", area="D", title="Self-hosting", csf_objective="SOV-6"),
            CriterionSpec(
                key="D3",
                area="D",
                title="Hosting operator",
                csf_objective="SOV-5",
                buyer_controlled_when_self_hosted=True,
            ),
        ),
        objectives=(
            ObjectiveSpec(key="SOV-1", name="Strategic sovereignty", weight=15),
            ObjectiveSpec(key="SOV-2", name="Legal and jurisdictional sovereignty", weight=10),
            ObjectiveSpec(key="SOV-5", name="Supply-chain sovereignty", weight=20),
            ObjectiveSpec(key="SOV-6", name="Technology sovereignty", weight=15),
            ObjectiveSpec(key="SOV-8", name="Environmental sustainability", weight=5),
        ),
        countries=frozenset({"DE", "FR", "NL", "IE", "CH", "US"}),
        deployment_modes=frozenset(MODES),
    )


def build_profile(checklist: ChecklistSpec | None = None, **fields: Any) -> RequirementProfile:
    """A profile validated against the checklist; `fields` override the defaults (weights A 20, B 50, D 30)."""
    data: dict[str, Any] = {"area_weights": dict(DEFAULT_WEIGHTS), "acceptable_modes": MODES}
    data.update(fields)
    return RequirementProfile.model_validate(data, context={"checklist": checklist or build_checklist()})


def build_offering(
    key: str,
    levels: Mapping[str, int | None] | None = None,
    *,
    default: int | None = 4,
    name: str | None = None,
    vendor: str = "Vendor",
    mode: str = "public_api",
    confidence: Confidence | Mapping[str, Confidence | None] = Confidence.CONFIRMED,
    buyer_controlled: Iterable[str] = (),
    stale: Iterable[str] = (),
    explanations: Mapping[str, str] | None = None,
    omit: Iterable[str] = (),
) -> OfferingInput:
    """An offering answering every criterion at `default` unless `levels` says otherwise (None = unknown).

    `buyer_controlled` criteria carry no vendor level; `omit` leaves criteria unanswered altogether.
    """
    levels = dict(levels or {})
    explanations = dict(explanations or {})
    buyer_controlled, stale, omit = set(buyer_controlled), set(stale), set(omit)
    unknown = (set(levels) | set(explanations) | buyer_controlled | stale | omit) - set(CRITERIA)
    assert not unknown, f"criteria {sorted(unknown)} are not in the test checklist {CRITERIA}: they would be dropped"
    answers = []
    for criterion in CRITERIA:
        if criterion in omit:
            continue
        level = levels.get(criterion, default)
        if isinstance(confidence, Mapping):
            answer_confidence = confidence.get(criterion, Confidence.CONFIRMED)
        else:
            answer_confidence = confidence
        own = criterion in buyer_controlled
        answers.append(
            AnswerInput(
                criterion=criterion,
                level=None if own else level,
                buyer_controlled=own,
                confidence=None if own or level is None else answer_confidence,
                stale=criterion in stale,
                explanation=explanations.get(criterion, ""),
            )
        )
    return OfferingInput(
        key=key,
        name=name or key.capitalize(),
        vendor=vendor,
        deployment_mode=mode,
        answers=tuple(answers),
    )


@pytest.fixture(scope="session")
def checklist() -> ChecklistSpec:
    return build_checklist()


@pytest.fixture(scope="session")
def make_profile(checklist: ChecklistSpec):
    def make(**fields: Any) -> RequirementProfile:
        return build_profile(checklist, **fields)

    return make


@pytest.fixture(scope="session")
def make_offering():
    return build_offering
