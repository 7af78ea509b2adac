"""Each user reads VendorEval in English, French or German: their choice is kept in their settings and, for the
requests of a session, in the session (no query per request); a visitor's choice is kept in the language cookie.
Until anyone chooses, Django's LocaleMiddleware follows the browser's Accept-Language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_KEY = "vendoreval_language"
CODES = {code for code, _ in settings.LANGUAGES}


def language_choice(request: HttpRequest) -> str:
    """The language this request is read in (after the middleware ran)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def remember_language(request: HttpRequest, response: HttpResponse, code: str) -> None:
    """Keep a chosen language for this visitor: in the session and the user's settings when signed in, and always in
    the language cookie (so the login page keeps it too)."""
    from .models import UserSettings

    if code not in CODES:
        raise ValueError(f"not a language of VendorEval: {code!r}")
    if request.user.is_authenticated:
        UserSettings.objects.update_or_create(user=request.user, defaults={"language": code})
        request.session[SESSION_KEY] = code
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
                        httponly=True)


@receiver(user_logged_in)
def _language_on_login(sender, request, user, **kwargs) -> None:
    from .models import preferred_language

    code = preferred_language(user)
    if code and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = code
