"""A signed-in user's chosen language (kept in the session at login and when they switch) wins over the cookie and
the browser's preference that LocaleMiddleware looked at."""

from __future__ import annotations

from django.utils import translation

from .language import CODES, SESSION_KEY


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if code in CODES:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
