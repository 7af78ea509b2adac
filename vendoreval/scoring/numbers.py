"""The one way a number is shown: pages, charts, the PDF and the engine's own sentences all round here, once, half up,
with the decimal mark of the reader's language (73.5 in English, 73,5 in French and German).

Rounding binary floats with format strings rounds 38.25 and 71.25 inconsistently (half-even on the binary value:
38.2 here, 38.3 elsewhere with Django's floatformat); this rounds the value's shortest decimal form half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .text import _, decimal_mark


def shown(value: float, digits: int = 1) -> str:
    """38.25 -> "38.3", 71.25 -> "71.3", 0.05 with 1 digit -> "0.1"; never "-0.0"."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{rounded:.{digits}f}"
    text = text[1:] if text.startswith("-") and Decimal(text) == 0 else text
    return text.replace(".", decimal_mark()) if digits else text


def percent(share: float, digits: int = 0) -> str:
    """A share 0..1 as a percentage: 0.125 -> "13%"."""
    return _("%(number)s%%") % {"number": shown(share * 100, digits)}
