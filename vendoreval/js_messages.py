"""The sentences app.js shows (autosave states, counters), in the page's language.

base.html puts them, as JSON, in the body's data-messages attribute, which the script reads (the pages carry no inline
script of any kind). Placeholders are written {name} and filled in by the script.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _


def js_messages(request) -> dict:
    return {"js_messages": lambda: json.dumps(_messages(), ensure_ascii=False)}


def _messages() -> dict[str, str]:
    return {
        "saving": _("Saving…"),
        "not_saved_yet": _("Not saved yet"),
        "unreachable": _("Not saved: the server could not be reached. Your answer is kept here; change it again "
                         "or use Save."),
        "refused": _("Not saved: {why}. Your answer is kept here."),
        "why_403": _("you may not change this evaluation, or your session expired — log in again"),
        "why_410": _("this request is closed (submitted, expired or withdrawn) — reload the page"),
        "why_429": _("too many requests in a short time — wait a few minutes and change it again"),
        "why_status": _("the server answered {status}"),
        "counter": _("{length} of {limit} characters"),
        "counter_over": _("{length} of {limit} characters — {over} too many"),
    }
