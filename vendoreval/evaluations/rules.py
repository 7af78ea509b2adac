"""Must-haves that follow from the buyer's answers, each with the rule that added it.

Pure functions over plain data: the sector preset, the data classification and the regulations that apply each add
minimum levels; the strictest wins and every reason is kept. The buyer may lower or drop a rule-added must-have only
with a recorded reason (an override); buyer-set must-haves come on top. The reasons are written in the active
language.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from vendoreval.checklist.selectors import regulation_name
from vendoreval.scoring.models import MustHave

from .history import semicolons

# The data classifications as a rule's reason names them ("data classification is restricted")
CLASSIFICATION_IN_REASON = {
    "public": pgettext_lazy("data classification, in a sentence", "public"),
    "internal": pgettext_lazy("data classification, in a sentence", "internal"),
    "confidential": pgettext_lazy("data classification, in a sentence", "confidential"),
    "restricted": pgettext_lazy("data classification, in a sentence", "restricted"),
}


def _and(parts: tuple[str, ...] | list[str]) -> str:
    """Reasons joined as a sentence says them: "A and B and C"."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = pgettext("joins two reasons", "%(reasons)s and %(reason)s") % {"reasons": text, "reason": part}
    return text


@dataclasses.dataclass(frozen=True)
class RuleMustHave:
    criterion: str
    level: int
    reasons: tuple[str, ...]  # "sector preset Defence & aerospace", "data classification is restricted"

    @property
    def reason(self) -> str:
        return _("added because %(reasons)s") % {"reasons": _and(self.reasons)}


@dataclasses.dataclass(frozen=True)
class EffectiveMustHave:
    criterion: str
    level: int | None  # None: dropped by an override
    rule: RuleMustHave | None
    override_reason: str = ""
    buyer_level: int | None = None

    @property
    def active(self) -> bool:
        return self.level is not None

    @property
    def reason(self) -> str:
        parts = []
        if self.rule:
            parts.append(self.rule.reason)
            if self.override_reason:
                if self.level is None:
                    parts.append(_("overridden to none by the buyer: %(reason)s") % {"reason": self.override_reason})
                else:
                    parts.append(_("overridden to %(level)s by the buyer: %(reason)s") % {
                        "level": self.level, "reason": self.override_reason})
        if self.buyer_level is not None:
            parts.append(_("set by the buyer"))
        return semicolons(parts)


def rule_must_haves(*, sector_preset: dict | None, classification: str, regulations: list[str],
                    classification_rules: list[dict], regulation_rules: list[dict]) -> dict[str, RuleMustHave]:
    sources: list[tuple[str, dict]] = []
    if sector_preset and sector_preset.get("must_haves"):
        sources.append((_("the sector is %(name)s") % {"name": sector_preset["name"]}, sector_preset["must_haves"]))
    for rule in classification_rules:
        if rule["classification"] == classification:
            sources.append((_("data classification is %(classification)s") % {
                "classification": CLASSIFICATION_IN_REASON.get(classification, classification)}, rule["must_haves"]))
    for rule in regulation_rules:
        if rule["key"] in regulations:
            sources.append((_("%(regulation)s applies") % {"regulation": regulation_name(rule)}, rule["must_haves"]))
    result: dict[str, RuleMustHave] = {}
    for reason, must_haves in sources:
        for criterion, level in must_haves.items():
            current = result.get(criterion)
            if current is None or level > current.level:
                result[criterion] = RuleMustHave(criterion, level, (reason,))
            elif level == current.level:
                result[criterion] = RuleMustHave(criterion, level, current.reasons + (reason,))
    return result


def effective_must_haves(rules: dict[str, RuleMustHave], overrides: dict[str, dict],
                         buyer: dict[str, int], order: list[str]) -> list[EffectiveMustHave]:
    """Rule must-haves with overrides applied, plus the buyer's own, in checklist order."""
    result = []
    for criterion in order:
        rule = rules.get(criterion)
        override = overrides.get(criterion) if rule else None
        buyer_level = buyer.get(criterion)
        if rule is None and buyer_level is None:
            continue
        level = rule.level if rule else None
        if override is not None:
            level = override.get("level")
        if buyer_level is not None:
            level = buyer_level if level is None else max(level, buyer_level)
        result.append(EffectiveMustHave(criterion, level, rule, override.get("reason", "") if override else "",
                                        buyer_level))
    return result


def scoring_must_haves(effective: list[EffectiveMustHave]) -> tuple[MustHave, ...]:
    return tuple(MustHave(criterion=m.criterion, min_level=m.level, reason=m.reason)
                 for m in effective if m.active and m.level > 0)
