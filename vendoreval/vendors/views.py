"""The vendor's pages (reached by link, no account) and the catalog editors' pages. Thin: services write, selectors
read, `questions.py` cleans; every form works as a plain POST without JavaScript, and htmx autosaves one answer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendoreval.catalog.schema import DEPLOYMENT_MODE_LABELS
from vendoreval.checklist.selectors import current_checklist
from vendoreval.fields import FieldError

from . import documents, ratelimit, rules, selectors, services
from .access import editor_access, grant, too_many_requests, vendor_access
from .models import VendorDocument, VendorProposal, VendorRequest, state_label
from .questions import question as find_question
from .questions import questions_for


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


# --- the vendor's pages ---------------------------------------------------------------------------------------------


@never_cache
@require_GET
def vendor_link(request: HttpRequest) -> HttpResponse:
    """The e-mailed link: its token (query string) is looked up once, the request goes into the session, and the
    browser moves on to the request's page, whose address holds no secret."""
    if ratelimit.exceeded(request, link=True):
        return too_many_requests(request)
    vendor_request = services.vendor_request_find(request.GET.get("token", ""))
    if vendor_request is None:
        response = render(request, "vendors/link_invalid.html", status=404)
    else:
        grant(request, vendor_request)
        services.audit(vendor_request, "opened", actor=_user(request), ip=ratelimit.client_ip(request))
        response = redirect("vendor-request", public_id=vendor_request.public_id)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _closed(request: HttpRequest, vendor_request: VendorRequest) -> HttpResponse:
    """After submission, revocation or expiry the link shows the state, nothing else: a 200 for the vendor who just
    submitted, 410 Gone for a link that expired or was revoked, and for any write."""
    submitted = vendor_request.submitted_at is not None and vendor_request.revoked_at is None
    return render(request, "vendors/state.html", {"vendor_request": vendor_request, "state": vendor_request.state},
                  status=200 if submitted and request.method == "GET" else 410)


def _page(request: HttpRequest, vendor_request: VendorRequest, *, errors=None, submitted=None, status=200,
          submit_error: str = "") -> HttpResponse:
    errors, submitted = errors or {}, submitted or {}
    profile, rows = selectors.asked(vendor_request)
    sections = [{"row": row, "fields": [q.field(row.proposal, error=errors.get(q.name, ""),
                                                submitted=submitted.get(q.name))
                                        for q in questions_for(row.criterion)]} for row in rows]
    return render(request, "vendors/answer.html", {
        "vendor_request": vendor_request, "offering": vendor_request.offering, "profile": profile,
        "sections": sections, "errors": errors, "submit_error": submit_error,
        "mode_label": DEPLOYMENT_MODE_LABELS.get(vendor_request.offering.deployment_mode,
                                                 vendor_request.offering.deployment_mode),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@vendor_access
def vendor_request_page(request: HttpRequest, vendor_request: VendorRequest) -> HttpResponse:
    ip = ratelimit.client_ip(request)
    if not vendor_request.is_open:
        services.audit(vendor_request, "viewed", actor=_user(request), detail=vendor_request.state, ip=ip)
        return _closed(request, vendor_request)
    if request.method == "GET":
        services.audit(vendor_request, "viewed", actor=_user(request), ip=ip)
        return _page(request, vendor_request)
    errors, submitted = {}, {}
    criteria = selectors.asked_criteria(vendor_request)
    for criterion in criteria.values():  # the no-JavaScript path: every posted answer, like the autosave
        for q in questions_for(criterion):
            if not q.posted(request.POST, request.FILES):
                continue
            raw = q.raw(request.POST, request.FILES)
            try:
                services.vendor_proposal_answer(vendor_request=vendor_request, question=q, raw=raw, ip=ip)
            except FieldError as exc:
                errors[q.name], submitted[q.name] = exc.message, raw
            except services.RequestClosed:
                vendor_request.refresh_from_db()
                return _closed(request, vendor_request)
    if errors:
        return _page(request, vendor_request, errors=errors, submitted=submitted, status=400)
    messages.success(request, _("Your answers are saved. Submit them when they are complete."))
    return redirect("vendor-request", public_id=vendor_request.public_id)


@never_cache
@require_POST
@vendor_access
def vendor_field(request: HttpRequest, vendor_request: VendorRequest, field: str) -> HttpResponse:
    """Autosave of one answer (htmx): the field's fragment with its saved state or its error."""
    q = find_question(field, selectors.asked_criteria(vendor_request))
    if q is None:
        return HttpResponse(_("Unknown answer “%(field)s”.") % {"field": field}, status=400,
                            content_type="text/plain; charset=utf-8")
    raw = q.raw(request.POST, request.FILES)
    try:
        proposal = services.vendor_proposal_answer(vendor_request=vendor_request, question=q, raw=raw,
                                                   ip=ratelimit.client_ip(request))
    except services.RequestClosed as exc:
        return HttpResponse(_("Not saved: this request is %(state)s.") % {"state": state_label(exc.state)}, status=410,
                            content_type="text/plain; charset=utf-8")
    except FieldError as exc:
        proposal = VendorProposal.objects.filter(request=vendor_request, criterion_key=q.criterion.key).first()
        status, target = 422, q.field(proposal, error=exc.message, submitted=raw)
    else:
        status, target = 200, q.field(proposal)
        target.saved = True
    return render(request, "vendors/answer.html#field", {
        "field": target, "vendor_request": vendor_request, "saved_at": timezone.localtime()}, status=status)


@never_cache
@require_POST
@vendor_access
def vendor_submit(request: HttpRequest, vendor_request: VendorRequest) -> HttpResponse:
    try:
        services.vendor_request_submit(vendor_request=vendor_request, base_url=_base_url(request),
                                       ip=ratelimit.client_ip(request))
    except services.RequestClosed:
        vendor_request.refresh_from_db()
        return _closed(request, vendor_request)
    except FieldError as exc:
        return _page(request, vendor_request, status=400, submit_error=exc.message)
    return redirect("vendor-request", public_id=vendor_request.public_id)


# --- the catalog editors' pages -------------------------------------------------------------------------------------


@editor_access
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    return render(request, "vendors/editor_list.html", {"requests": selectors.requests_for_editors()})


@editor_access
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Step 1 picks the offering (or a new draft); step 2 the contact, the criteria and the expiry."""
    data = request.POST if request.method == "POST" else request.GET
    key = data.get("offering", "")
    offering = selectors.shared_offerings().filter(key=key).first() if key else None
    errors: dict[str, str] = {}
    checklist = current_checklist()
    criteria = selectors.answerable_criteria(checklist)
    defaults = (selectors.default_criteria(selectors.offering_profile(offering, checklist)) if offering
                else [c.key for c in criteria])
    if request.method == "POST":
        new = services.NewRequest(contact_email=data.get("contact_email", ""), criteria=data.getlist("criteria"),
                                  days=int(data["days"]) if data.get("days", "").isdigit() else -1)
        draft = None if offering else services.DraftOffering(
            name=data.get("offering_name", ""), vendor=data.get("vendor", ""),
            deployment_mode=data.get("deployment_mode", ""))
        try:
            vendor_request, _token = services.vendor_request_create(offering=offering, draft=draft, new=new,
                                                               created_by=request.user, base_url=_base_url(request))
        except FieldError as exc:
            errors[exc.field] = exc.message
        else:
            messages.success(request, _("Request %(number)s sent to %(email)s.") % {
                "number": vendor_request.pk, "email": vendor_request.contact_email})
            return redirect("vendor-request-review", pk=vendor_request.pk)
    chosen = set(data.getlist("criteria")) if request.method == "POST" else set(defaults)
    return render(request, "vendors/editor_new.html", {
        "offering": offering, "offerings": selectors.shared_offerings(), "criteria": criteria, "chosen": chosen,
        "defaults": defaults, "errors": errors, "companies": selectors.companies(),
        "modes": list(DEPLOYMENT_MODE_LABELS.items()), "data": data,
        "days": data.get("days") or str(settings.VENDOREVAL_VENDOR_REQUEST_DAYS),
    }, status=400 if errors else 200)


@editor_access
@require_http_methods(["GET", "POST"])
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    vendor_request = get_object_or_404(VendorRequest.objects.select_related("offering__vendor", "checklist",
                                                                            "created_by"), pk=pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        proposal = VendorProposal.objects.filter(request=vendor_request,
                                                 criterion_key=request.POST.get("criterion", "")).first()
        decision = request.POST.get("decision", "")
        if proposal is None or decision not in ("accept", "reject"):
            raise Http404("No such proposal")
        try:
            services.vendor_proposal_review(proposal=proposal, accept=decision == "accept",
                                            reason=request.POST.get("reason", ""), reviewer=request.user)
        except FieldError as exc:
            errors[proposal.criterion_key] = exc.message
        else:
            done = _("%(criterion)s accepted.") if decision == "accept" else _("%(criterion)s rejected.")
            messages.success(request, done % {"criterion": proposal.criterion_key})
            return redirect("vendor-request-review", pk=vendor_request.pk)
    else:
        services.audit(vendor_request, "reviewed_page", actor=request.user, ip=ratelimit.client_ip(request))
    profile, rows = selectors.asked(vendor_request)
    return render(request, "vendors/editor_review.html", {
        "vendor_request": vendor_request, "offering": vendor_request.offering, "profile": profile,
        "rows": [{"row": r, "refusal": rules.replace_refusal(
            r.current.confidence if r.current else None, r.current.stale if r.current else False),
            "error": errors.get(r.criterion.key, "")} for r in rows],
        "events": selectors.audit_trail(vendor_request)[:200], "errors": errors,
    }, status=400 if errors else 200)


@editor_access
@require_POST
def request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    vendor_request = get_object_or_404(VendorRequest, pk=pk)
    if services.vendor_request_revoke(vendor_request=vendor_request, actor=request.user):
        messages.success(request, _("Request %(number)s revoked: its link no longer works.")
                         % {"number": vendor_request.pk})
    else:
        messages.error(request, _("Request %(number)s was no longer open (submitted, expired or revoked).")
                       % {"number": vendor_request.pk})
    return redirect("vendor-request-review", pk=vendor_request.pk)


@editor_access
@require_GET
def vendor_document(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """A vendor's PDF, to editors only, always as a download that the browser may not render or sniff."""
    found = get_object_or_404(VendorDocument.objects.select_related("proposal__request"), pk=document,
                              proposal__request_id=pk)
    try:
        handle = open(documents.path_of(found.stored_name), "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise Http404("The document's file is missing") from None
    services.audit(found.proposal.request, "downloaded", actor=request.user, criterion=found.proposal.criterion_key,
                   detail=found.original_name, ip=ratelimit.client_ip(request))
    response = FileResponse(handle, as_attachment=True, filename=found.original_name,
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
