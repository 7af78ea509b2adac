from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .forms import LoginForm
from .language import CODES, remember_language
from .models import UserSettings, wants_catalog_alerts


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switcher in the page header (anyone, signed in or not): back to the page it was used on."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("home")
    response = redirect(target)
    if code in CODES:
        remember_language(request, response, code)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def alert_settings(request: HttpRequest) -> HttpResponse:
    """Each user switches catalog alerts on or off for themselves."""
    if request.method == "POST":
        on = request.POST.get("catalog_alerts") == "on"
        UserSettings.objects.update_or_create(user=request.user, defaults={"catalog_alerts": on})
        messages.success(request, _("Catalog alerts are on.") if on else _("Catalog alerts are off."))
        return redirect("alert-settings")
    return render(request, "accounts/alerts.html", {"alerts_on": wants_catalog_alerts(request.user)})
