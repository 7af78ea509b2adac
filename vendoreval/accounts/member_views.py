from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .access import MANAGE, organisation_access
from .forms import SignUpForm
from .models import Invitation, Membership, Role


@organisation_access(MANAGE)
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, organisation) -> HttpResponse:
    errors: dict[str, str] = {}
    email, role = "", Role.EVALUATOR
    if request.method == "POST":
        email, role = request.POST.get("email", "").strip(), request.POST.get("role", "")
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter a valid email address, for example anna.muller@example.eu."
        if role not in Role.values:
            errors["role"] = "Choose owner, evaluator or viewer."
        if not errors:
            services.invitation_create(organisation=organisation, email=email, role=role, invited_by=request.user,
                                       base_url=request.build_absolute_uri("/")[:-1])
            messages.success(request, f"Invitation sent to {email}.")
            return redirect("members", org=organisation.slug)
    return render(request, "accounts/members.html", {
        "organisation": organisation, "errors": errors, "email": email, "role": role, "roles": Role.choices,
        "memberships": organisation.memberships.select_related("user"),
        "invitations": [i for i in organisation.invitations.all() if i.is_open],
    }, status=400 if errors else 200)


@organisation_access(MANAGE)
@require_POST
def member_remove(request: HttpRequest, organisation, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{membership.user.get_username()} no longer belongs to {organisation.name}.")
    return redirect("members", org=organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Signed-in users accept with one click; newcomers create their account here (Django's password validators)."""
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise Http404("No such invitation")
    error = "" if invitation.is_open else "This invitation has expired or was already used. Ask the owner for a new one."
    form = None
    if not error and not request.user.is_authenticated:
        form = SignUpForm(request.POST or None, initial={"email": invitation.email})
        if request.method == "POST" and form.is_valid():
            user = form.save(commit=False)
            user.email = invitation.email
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if request.method == "POST" and not error and request.user.is_authenticated:
        services.invitation_accept(invitation=invitation, user=request.user)
        messages.success(request, f"You joined {invitation.organisation.name} as {invitation.get_role_display().lower()}.")
        return redirect("home")
    status = 410 if error else 400 if form is not None and form.errors else 200
    return render(request, "accounts/invitation.html", {"invitation": invitation, "error": error, "form": form},
                  status=status)
