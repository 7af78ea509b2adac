"""Every evaluation URL, found in the URL configuration, × every kind of visitor.

A new evaluation view is covered automatically: it is found through its `evaluation_access` decorator, and a view
under /o/<org>/e/<slug>/ without that decorator fails the suite.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

EXTRA_KWARGS = {"step": "organisation", "field": "use_cases", "token": "x"}


def evaluation_patterns():
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<slug:slug>" in route and route.startswith("o/<slug:org>/"):
                    found.append((route, p.callback))

    walk(get_resolver().url_patterns, "")
    return found


PATTERNS = evaluation_patterns()


def test_every_evaluation_url_is_guarded():
    assert len(PATTERNS) >= 6
    unguarded = [route for route, view in PATTERNS if not hasattr(view, "access_need")]
    assert unguarded == [], f"evaluation views without evaluation_access: {unguarded}"


def build(route: str, evaluation) -> str:
    path = route.replace("<slug:org>", evaluation.organisation.slug).replace("<slug:slug>", evaluation.slug)
    for name, value in EXTRA_KWARGS.items():
        for kind in ("slug", "str", "int"):
            path = path.replace(f"<{kind}:{name}>", value)
    return "/" + path


@pytest.fixture
def visitors(evaluator, owner, viewer, outsider):
    return {"anonymous": None, "other organisation": outsider, "viewer": viewer, "evaluator": evaluator,
            "owner": owner}


@pytest.mark.parametrize("route, view", PATTERNS, ids=[route for route, _ in PATTERNS])
@pytest.mark.parametrize("who", ["anonymous", "other organisation", "viewer", "evaluator", "owner"])
def test_evaluation_url_access(client, evaluation, visitors, route, view, who):
    path = build(route, evaluation)
    if visitors[who] is not None:
        client.force_login(visitors[who])
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"use_cases": "matrix"})
        status = response.status_code
        if who == "anonymous":
            assert status == 302 and response["Location"].startswith("/accounts/login/"), (method, status)
        elif who == "other organisation":
            assert status == 404, (method, status)
        elif who == "viewer" and (view.access_need == "edit" or method.upper() in view.edit_methods):
            assert status == 403, (method, status)
        else:
            assert status not in (401, 403, 404, 500), (method, status)
    evaluation.refresh_from_db()
    if who in ("anonymous", "other organisation", "viewer"):
        assert evaluation.use_cases != "matrix"
