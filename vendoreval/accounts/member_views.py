from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
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
            errors["email"] = _("Enter a valid email address, for example anna.muller@example.eu.")
        if role not in Role.values:
            errors["role"] = _("Choose owner, evaluator or viewer.")
        if not errors:
            services.invitation_create(organisation=organisation, email=email, role=role, invited_by=request.user,
                                       base_url=request.build_absolute_uri("/")[:-1])
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
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
        messages.success(request, _("%(user)s no longer belongs to %(organisation)s.") % {
            "user": membership.user.get_username(), "organisation": organisation.name})
    return redirect("members", org=organisation.slug)


@organisation_access(MANAGE)
@require_POST
def invitation_revoke(request: HttpRequest, organisation) -> HttpResponse:
    """An owner withdraws an open invitation (POST `invitation`: its id); its link stops working at once."""
    number = request.POST.get("invitation", "")
    invitation = (Invitation.objects.filter(organisation=organisation, pk=int(number)).first()
                  if number.isdigit() and len(number) < 19 else None)
    if invitation is None:
        messages.error(request, _("That invitation does not exist (any more)."))
    elif services.invitation_revoke(invitation=invitation, actor=request.user):
        messages.success(request, _("The invitation of %(email)s was withdrawn: its link no longer works.")
                         % {"email": invitation.email})
    else:
        messages.error(request, _("The invitation of %(email)s was no longer open (accepted, expired or withdrawn "
                                  "already).") % {"email": invitation.email})
    return redirect("members", org=organisation.slug)


INVITATION_SESSION_KEY = "invitation_id"


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The invitation link. Its token (in the query string) is looked up once and exchanged for the invitation's id in
    the session, and the browser is sent on to this address without it: the token leaves the address bar, the
    history and the Referer. The invited account accepts with one click (another account is refused); a newcomer
    creates the invited address's account here (Django's password validators)."""
    token = request.GET.get("token")
    if token is not None:
        invitation = services.invitation_find(token)
        if invitation is None:
            raise Http404("No such invitation")
        request.session[INVITATION_SESSION_KEY] = invitation.pk
        return redirect("invitation-accept")
    invitation_id = request.session.get(INVITATION_SESSION_KEY)
    invitation = (Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
                  if isinstance(invitation_id, int) else None)
    if invitation is None:
        return render(request, "accounts/invitation.html", {"invitation": None}, status=404)
    refusal = services.invitation_refusal(invitation, request.user)
    form = None
    if refusal is None and request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(invitation=invitation, user=request.user)
            else:
                form = SignUpForm(request.POST)
                if form.is_valid():
                    membership = services.invitation_accept_as_newcomer(invitation=invitation, form=form)
                    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except services.InvitationRefused as exc:
            refusal, form = exc, None
        else:
            if form is None or not form.errors:
                request.session.pop(INVITATION_SESSION_KEY, None)
                messages.success(request, _("You joined %(organisation)s as %(role)s.") % {
                    "organisation": invitation.organisation.name, "role": invitation.role_in_text})
                return redirect("home")
    if refusal is None and form is None and not request.user.is_authenticated:
        form = SignUpForm()
    status = refusal.status if refusal else 400 if form is not None and form.errors else 200
    return render(request, "accounts/invitation.html", {
        "invitation": invitation, "error": refusal.messages[0] if refusal else "", "form": form,
        "wrong_account": bool(refusal and refusal.status == 403)}, status=status)
