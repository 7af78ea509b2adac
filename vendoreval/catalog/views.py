from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vendoreval.accounts.selectors import organisations_of

from . import selectors


def _profiles(request: HttpRequest, **filters):
    checklist = selectors.current_checklist()
    offerings = selectors.offerings_for(organisations_of(request.user)).filter(**filters)
    return checklist, selectors.offering_profiles(offerings, checklist=checklist, buyer=selectors.default_buyer(),
                                                  today=timezone.localdate())


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    checklist, profiles = _profiles(request)
    return render(request, "catalog/list.html", {
        "profiles": profiles, "catalog": selectors.catalog_state(), "checklist": checklist,
    })


@login_required
def offering_detail(request: HttpRequest, key: str) -> HttpResponse:
    checklist, profiles = _profiles(request, key=key)
    if not profiles:
        raise Http404("No such offering")
    profile = profiles[0]
    areas = [(area, [a for a in profile.answers if a.criterion.area_id == area.pk]) for area in checklist.areas.all()]
    return render(request, "catalog/detail.html", {
        "profile": profile, "offering": profile.offering, "areas": areas, "catalog": selectors.catalog_state(),
        "holdings": profile.offering.vendor.shareholdings.select_related("holder_company"),
    })
