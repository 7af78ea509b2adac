"""Every organisation URL, found in the URL configuration, × every kind of visitor.

A new view under /o/<org>/ is covered automatically: it is found through its access decorator
(`evaluation_access` / `organisation_access`), and a view there without one fails the suite.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from vendoreval.accounts.models import Membership
from vendoreval.catalog.models import Offering

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "other organisation", "viewer", "evaluator", "owner"]
FORBIDDEN_FOR = {"view": set(), "edit": {"viewer"}, "manage": {"viewer", "evaluator"}}


def organisation_patterns():
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("o/<slug:org>/"):
                found.append((prefix + str(p.pattern), p.callback))

    walk(get_resolver().url_patterns, "")
    return found


PATTERNS = organisation_patterns()


def test_every_organisation_url_is_guarded():
    routes = [route for route, _ in PATTERNS]
    assert any("<slug:slug>" in r for r in routes) and any("members" in r for r in routes)
    unguarded = [route for route, view in PATTERNS if not hasattr(view, "access_need")]
    assert unguarded == [], f"organisation views without an access decorator: {unguarded}"


@pytest.fixture
def visitors(evaluator, owner, viewer, outsider):
    return {"anonymous": None, "other organisation": outsider, "viewer": viewer, "evaluator": evaluator,
            "owner": owner}


@pytest.fixture
def url_values(evaluation, owner):
    template = Offering.objects.get(key="mistral-self-hosted")
    private = Offering.objects.create(key="matrix-private", name="In-house", vendor=template.vendor, product="x",
                                      deployment_mode=template.deployment_mode, organisation=evaluation.organisation)
    return {"org": evaluation.organisation.slug, "slug": evaluation.slug, "step": "organisation",
            "field": "use_cases", "key": private.key, "document_id": "VE-000000000000",
            "membership_id": str(Membership.objects.get(user=owner).pk)}


def build(route: str, values: dict) -> str:
    path = route
    for name, value in values.items():
        for kind in ("slug", "str", "int"):
            path = path.replace(f"<{kind}:{name}>", value)
    assert "<" not in path, f"no test value for a parameter of {route}"
    return "/" + path


@pytest.mark.parametrize("route, view", PATTERNS, ids=[route for route, _ in PATTERNS])
@pytest.mark.parametrize("who", VISITORS)
def test_organisation_url_access(client, evaluation, visitors, url_values, route, view, who):
    path = build(route, url_values)
    if visitors[who] is not None:
        client.force_login(visitors[who])
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"use_cases": "matrix"})
        status = response.status_code
        forbidden = who in FORBIDDEN_FOR[view.access_need] or (who == "viewer" and method.upper() in view.edit_methods)
        if who == "anonymous":
            assert status == 302 and response["Location"].startswith("/accounts/login/"), (method, status)
        elif who == "other organisation":
            assert status == 404, (method, status)
        elif forbidden:
            assert status == 403, (method, status)
        else:
            assert status not in (401, 403, 404, 500), (method, status)
    evaluation.refresh_from_db()
    if who in ("anonymous", "other organisation", "viewer"):
        assert evaluation.use_cases != "matrix"
    assert Membership.objects.filter(organisation=evaluation.organisation, role="owner").exists()
