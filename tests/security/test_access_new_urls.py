"""The URLs that manage and export evaluations, as an explicit table: URL × visitor × method → expected status.

Anonymous visitors are sent to log in, members of another organisation get 404 (nothing is revealed), a role that
may not act gets 403. Evaluators and owners duplicate and archive; only owners delete and read the record of deleted
evaluations; every member downloads. A refused request changes nothing, and no GET writes anything.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from vendoreval.catalog.models import Offering
from vendoreval.evaluations.models import AuditEvent, DeletedEvaluation, Evaluation

pytestmark = pytest.mark.django_db

LOGIN, HIDDEN = 302, 404  # anonymous: to the login page; another organisation: not found

# (URL name, method, data, status for: anonymous, other organisation, viewer, evaluator, owner)
TABLE = [
    ("evaluation-duplicate", "get", {}, (LOGIN, HIDDEN, 403, 200, 200)),
    ("evaluation-duplicate", "post", {"name": "Copy for another use"}, (LOGIN, HIDDEN, 403, 302, 302)),
    ("evaluation-duplicate", "post", {"name": ""}, (LOGIN, HIDDEN, 403, 400, 400)),
    ("evaluation-archive", "get", {}, (LOGIN, HIDDEN, 403, 405, 405)),
    ("evaluation-archive", "post", {}, (LOGIN, HIDDEN, 403, 302, 302)),
    ("evaluation-unarchive", "get", {}, (LOGIN, HIDDEN, 403, 405, 405)),
    ("evaluation-unarchive", "post", {}, (LOGIN, HIDDEN, 403, 302, 302)),
    ("evaluation-delete", "get", {}, (LOGIN, HIDDEN, 403, 403, 200)),
    ("evaluation-delete", "post", {}, (LOGIN, HIDDEN, 403, 403, 400)),  # not confirmed: nothing is deleted
    ("evaluation-delete", "post", {"confirm": "<slug>"}, (LOGIN, HIDDEN, 403, 403, 302)),
    ("deleted-evaluations", "get", {}, (LOGIN, HIDDEN, 403, 403, 200)),
    ("deleted-evaluations", "post", {}, (LOGIN, HIDDEN, 403, 403, 405)),
    ("evaluation-ranking-xlsx", "get", {}, (LOGIN, HIDDEN, 200, 200, 200)),
    ("evaluation-ranking-xlsx", "post", {}, (LOGIN, HIDDEN, 405, 405, 405)),
    ("evaluation-ranking-csv", "get", {}, (LOGIN, HIDDEN, 200, 200, 200)),
    ("evaluation-ranking-csv", "post", {}, (LOGIN, HIDDEN, 405, 405, 405)),
    ("evaluation-compare-xlsx", "get", {"o": "<two offerings>"}, (LOGIN, HIDDEN, 200, 200, 200)),
    ("evaluation-compare-xlsx", "post", {}, (LOGIN, HIDDEN, 405, 405, 405)),
    ("evaluation-compare-csv", "get", {"o": "<two offerings>"}, (LOGIN, HIDDEN, 200, 200, 200)),
    ("evaluation-compare-csv", "post", {}, (LOGIN, HIDDEN, 405, 405, 405)),
]
VISITORS = ("anonymous", "other organisation", "viewer", "evaluator", "owner")
ORGANISATION_URLS = {"deleted-evaluations"}  # the others are evaluation URLs


def cases():
    for name, method, data, statuses in TABLE:
        for who, status in zip(VISITORS, statuses, strict=True):
            label = f"{name}-{method}-{'+'.join(data) or 'plain'}-{who}"
            yield pytest.param(name, method, data, who, status, id=label)


def state(evaluation) -> tuple:
    evaluation.refresh_from_db()
    return (Evaluation.objects.count(), AuditEvent.objects.count(), DeletedEvaluation.objects.count(),
            evaluation.archived_at, evaluation.updated_at)


@pytest.mark.parametrize("name, method, data, who, expected", list(cases()))
def test_new_url_access(client, evaluation, owner, evaluator, viewer, outsider, name, method, data, who, expected):
    visitor = {"anonymous": None, "other organisation": outsider, "viewer": viewer, "evaluator": evaluator,
               "owner": owner}[who]
    if visitor is not None:
        client.force_login(visitor)
    if name == "evaluation-unarchive":
        Evaluation.objects.filter(pk=evaluation.pk).update(archived_at=evaluation.updated_at)
    kwargs = {"org": evaluation.organisation.slug}
    if name not in ORGANISATION_URLS:
        kwargs["slug"] = evaluation.slug
    data = dict(data)
    if data.get("confirm") == "<slug>":
        data["confirm"] = evaluation.slug
    if data.get("o") == "<two offerings>":
        data["o"] = list(Offering.objects.filter(organisation=None).values_list("key", flat=True)[:2])
    before = state(evaluation)

    response = getattr(client, method)(reverse(name, kwargs=kwargs), data)

    assert response.status_code == expected, (name, method, who, response.status_code)
    if expected == LOGIN and who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    refused = who == "anonymous" or expected >= 400
    if method == "get" or refused:  # a GET or a refused request writes nothing
        assert state(evaluation) == before
    elif name == "evaluation-delete":
        assert not Evaluation.objects.filter(pk=evaluation.pk).exists()
        assert DeletedEvaluation.objects.get().deleted_by == visitor


def test_every_new_url_is_in_the_table_and_guarded():
    from django.urls import get_resolver

    names = {name for name, *_ in TABLE}
    views = {name: get_resolver().resolve(reverse(name, kwargs={"org": "o", **({} if name in ORGANISATION_URLS
                                                                              else {"slug": "e"})})).func
             for name in names}
    assert all(reverse(name, kwargs={"org": "o", **({} if name in ORGANISATION_URLS else {"slug": "e"})})
               .startswith("/o/o/") for name in names)
    assert all(hasattr(view, "access_need") for view in views.values())
    assert {method for name, method, *_ in TABLE} == {"get", "post"}
    assert all({m for n, m, *_ in TABLE if n == name} == {"get", "post"} for name in names)
