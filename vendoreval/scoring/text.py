"""The words the scoring core writes — reasons, explanations, verdicts — in the reader's language.

The core stays free of Django: it marks its sentences with `_` and `ngettext` (so `makemessages` finds them) and the
app installs Django's translation functions at start-up (`install`, called from the checklist app's `ready`). Without
them (the core used on its own, in benchmarks) the sentences stay in English. Numbers are written with the decimal
mark of the active language through `decimal_mark`.
"""

from __future__ import annotations

from collections.abc import Callable


def _identity(message: str) -> str:
    return message


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_gettext: Callable[[str], str] = _identity
_ngettext: Callable[[str, str, int], str] = _plural


def _point() -> str:
    return "."


def _comma() -> str:
    return ","


_decimal_mark: Callable[[], str] = _point
_thousands_mark: Callable[[], str] = _comma


def install(*, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str],
            decimal_mark: Callable[[], str], thousands_mark: Callable[[], str]) -> None:
    global _gettext, _ngettext, _decimal_mark, _thousands_mark
    _gettext, _ngettext, _decimal_mark, _thousands_mark = gettext, ngettext, decimal_mark, thousands_mark


def _(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ngettext(singular, plural, n)


def decimal_mark() -> str:
    return _decimal_mark()


def thousands_mark() -> str:
    return _thousands_mark()


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


# Deployment modes as buyers read them (the catalog's labels are these).
def mode_labels() -> dict[str, str]:
    return {
        "public_api": _("Public API (vendor-hosted)"),
        "third_party_cloud": _("Hosted by a third-party cloud"),
        "dedicated_cloud": _("Dedicated / private cloud"),
        "on_premises": _("On-premises software"),
        "self_hosted_open_weights": _("Open weights, self-hosted"),
    }


def mode_label(mode: str) -> str:
    return mode_labels().get(mode, mode.replace("_", " "))
