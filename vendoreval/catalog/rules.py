"""The catalog's own rules, said once and used wherever an answer is written (data files, admin, private offerings)
or read (selectors). Pure: no database."""

from __future__ import annotations

from django.utils.translation import gettext_noop

LEVEL_NEEDS_SOURCE = gettext_noop("A level needs a source; without one the answer is unknown.")  # shown through gettext
BUYER_HOSTED_MODES = ("on_premises", "self_hosted_open_weights")  # DeploymentMode values: the buyer runs these


def level_is_sourced(*, has_level: bool, sources: int) -> bool:
    """A level counts only with at least one source; a level without one is read as unknown."""
    return not has_level or sources > 0


def buyer_controlled_required(criterion, offering) -> bool:
    """Criteria decided by the buyer's own hosting are buyer-controlled exactly when the buyer hosts the offering."""
    return offering.hosting_operator_id is None and criterion.buyer_controlled_when_self_hosted


def not_assessed(organisation) -> str:
    """The rationale of a private offering's answer nobody has assessed yet."""
    return f"Not assessed yet by {organisation.name}"
