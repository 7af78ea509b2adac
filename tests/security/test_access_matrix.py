"""Who may do what on every organisation URL: the expectations are the table below, written by hand.

Nothing here reads the access decorators under test: downgrading a view (say, letting viewers POST) makes its cell
fail. Every URL under /o/<org>/ found in the URL configuration must have both rows (GET and POST); a new URL without
them fails `test_every_organisation_url_has_a_row_in_the_table`, naming it.

A cell is one of
    login  the visitor is sent to the login page, which brings them back to the URL they asked for
    404    not found: an organisation's content is not revealed to anyone outside it
    403    forbidden: a member whose role does not allow this
    405    let in, but the page does not take this method
    200 / 302
           allowed: the page answered (302: it did what was posted and redirected, never to the login page)

A refused request (login, 403, 404, 405) changes nothing: no evaluation, audit row, report, offering, answer, member,
invitation or email. After every request the organisation still has its owner.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vendoreval.accounts.models import Invitation, Membership
from vendoreval.catalog.models import Answer, Evidence, Offering
from vendoreval.catalog.private_forms import PrivateOfferingForm
from vendoreval.catalog.private_services import private_offering_create
from vendoreval.evaluations.models import AuditEvent, Evaluation
from vendoreval.reports.models import Report

pytestmark = pytest.mark.django_db

VISITORS = ("anonymous", "other-org", "viewer", "evaluator", "owner")

MATRIX = """
url name                    method  anonymous  other-org  viewer  evaluator  owner
evaluation-new              GET     login      404        403     200        200
evaluation-new              POST    login      404        403     302        302
evaluation-results          GET     login      404        200     200        200
evaluation-results          POST    login      404        403     302        302
evaluation-step             GET     login      404        200     200        200
evaluation-step             POST    login      404        403     302        302
evaluation-field            GET     login      404        403     405        405
evaluation-field            POST    login      404        403     200        200
evaluation-compare          GET     login      404        200     200        200
evaluation-compare          POST    login      404        403     405        405
evaluation-shortlist        GET     login      404        403     405        405
evaluation-shortlist        POST    login      404        403     302        302
evaluation-activity         GET     login      404        200     200        200
evaluation-activity         POST    login      404        403     405        405
evaluation-report           GET     login      404        200     200        200
evaluation-report           POST    login      404        302     302        302
evaluation-report-preview   GET     login      404        200     200        200
evaluation-report-preview   POST    login      404        405     405        405
evaluation-report-download  GET     login      404        302     302        302
evaluation-report-download  POST    login      404        405     405        405
evaluation-report-status    GET     login      404        200     200        200
evaluation-report-status    POST    login      404        405     405        405
evaluation-report-file      GET     login      404        302     302        302
evaluation-report-file      POST    login      404        405     405        405
private-offering-new        GET     login      404        403     200        200
private-offering-new        POST    login      404        403     302        302
private-offering-edit       GET     login      404        403     200        200
private-offering-edit       POST    login      404        403     302        302
private-offering-answers    GET     login      404        200     200        200
private-offering-answers    POST    login      404        403     302        302
evaluation-adopt-checklist  GET     login      404        403     405        405
evaluation-adopt-checklist  POST    login      404        403     302        302
evaluation-duplicate        GET     login      404        403     200        200
evaluation-duplicate        POST    login      404        403     302        302
evaluation-archive          GET     login      404        403     405        405
evaluation-archive          POST    login      404        403     302        302
evaluation-unarchive        GET     login      404        403     405        405
evaluation-unarchive        POST    login      404        403     302        302
evaluation-delete           GET     login      404        403     403        200
evaluation-delete           POST    login      404        403     403        302
deleted-evaluations         GET     login      404        403     403        200
deleted-evaluations         POST    login      404        403     403        405
evaluation-ranking-xlsx     GET     login      404        200     200        200
evaluation-ranking-xlsx     POST    login      404        405     405        405
evaluation-ranking-csv      GET     login      404        200     200        200
evaluation-ranking-csv      POST    login      404        405     405        405
evaluation-compare-xlsx     GET     login      404        200     200        200
evaluation-compare-xlsx     POST    login      404        405     405        405
evaluation-compare-csv      GET     login      404        200     200        200
evaluation-compare-csv      POST    login      404        405     405        405
evaluation-report-changes   GET     login      404        200     200        200
evaluation-report-changes   POST    login      404        405     405        405
evaluation-report-changes-summary GET  login   404        200     200        200
evaluation-report-changes-summary POST login   404        405     405        405
report-verify               GET     login      404        200     200        200
report-verify               POST    login      404        200     200        200
members                     GET     login      404        403     403        200
members                     POST    login      404        403     403        302
member-remove               GET     login      404        403     403        405
member-remove               POST    login      404        403     403        302
invitation-revoke           GET     login      404        403     403        405
invitation-revoke           POST    login      404        403     403        302
"""
# Notes on single cells: viewers generate and download reports (it changes nothing in the evaluation); a download
# or report "file" that is not stored (the report here is queued, never rendered) leads to the report page (302); a
# viewer reads and exports but neither duplicates, archives nor moves an evaluation to a new checklist; only owners
# delete one and see the record of deleted evaluations; anyone in the organisation may check a report PDF (the
# verification page); the owner's POST to member-remove names the owner's own membership, which the last owner
# cannot leave (302 back to the member list, the owner stays).

# A member (here: owner) of another organisation who puts this organisation's objects into their own organisation's
# URLs: the object is not found. One row per URL with an object in its path.
FOREIGN_OBJECTS = """
url name                    GET  POST
evaluation-results          404  404
evaluation-step             404  404
evaluation-field            404  404
evaluation-compare          404  404
evaluation-shortlist        404  404
evaluation-activity         404  404
evaluation-report           404  404
evaluation-report-preview   404  404
evaluation-report-download  404  404
evaluation-report-status    404  404
evaluation-report-file      404  404
evaluation-adopt-checklist  404  404
evaluation-duplicate        404  404
evaluation-archive          404  404
evaluation-unarchive        404  404
evaluation-delete           404  404
evaluation-ranking-xlsx     404  404
evaluation-ranking-csv      404  404
evaluation-compare-xlsx     404  404
evaluation-compare-csv      404  404
evaluation-report-changes   404  404
evaluation-report-changes-summary 404 404
private-offering-edit       404  404
private-offering-answers    404  404
member-remove               405  404
"""

OUTCOMES = {"login", "200", "302", "403", "404", "405"}
REFUSED = {"login", "403", "404", "405"}

IN_HOUSE = {
    "name": "In-house Llama cluster", "product": "Llama 3.3 70B on vLLM", "vendor": "meta",
    "deployment_mode": "self_hosted_open_weights", "hosting_operator": "", "processing_regions": ["DE"],
    "model_licence": "Llama 3.3 Community Licence",
}
# what each URL is sent, so that an allowed request does what a member would do there
COMPARED = {"o": ["mistral-self-hosted", "mistral-on-azure"]}
GET_QUERY = {"evaluation-compare": COMPARED, "evaluation-compare-xlsx": COMPARED, "evaluation-compare-csv": COMPARED}
POST_DATA = {
    "evaluation-new": {"name": "Matrix evaluation"},
    "evaluation-results": {"weight:A": "7"},
    "evaluation-step": {"use_cases": "matrix"},
    "evaluation-field": {"use_cases": "matrix"},
    "evaluation-shortlist": {"o": ["mistral-self-hosted", "llama-self-hosted"]},
    "private-offering-new": {**IN_HOUSE, "name": "Matrix offering"},
    "private-offering-edit": {**IN_HOUSE, "name": "Matrix offering renamed"},
    "private-offering-answers": {"F1-status": "unknown", "F1-rationale": "matrix"},
    "members": {"email": "matrix@example.eu", "role": "viewer"},
    "evaluation-duplicate": {"name": "Matrix copy"},
    "evaluation-delete": lambda values: {"confirm": values["slug"]},
    "invitation-revoke": lambda values: {"invitation": values["invitation"]},
    "report-verify": lambda values: {"report": SimpleUploadedFile("report.pdf", b"%PDF-1.7 not a report",
                                                                  content_type="application/pdf")},
}
ANY_POST = {"name": "matrix", "use_cases": "matrix", "weight:A": "7", "o": ["mistral-self-hosted"]}


# --- the tables ----------------------------------------------------------------------------------------------------


def parse_matrix(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(url name, method) -> {visitor: outcome}; a malformed row fails here, naming it."""
    header, *lines = [line.split() for line in text.strip().splitlines()]
    assert header[2:] == ["method", *VISITORS], header
    table: dict[tuple[str, str], dict[str, str]] = {}
    for name, method, *cells in lines:
        assert method in ("GET", "POST") and len(cells) == len(VISITORS), (name, method, cells)
        assert set(cells) <= OUTCOMES, (name, method, set(cells) - OUTCOMES)
        assert (name, method) not in table, f"two rows for {name} {method}"
        table[name, method] = dict(zip(VISITORS, cells, strict=True))
    return table


def parse_foreign(text: str) -> dict[tuple[str, str], str]:
    header, *lines = [line.split() for line in text.strip().splitlines()]
    assert header[2:] == ["GET", "POST"], header
    table = {}
    for name, get, post in lines:
        assert {get, post} <= OUTCOMES, name
        table[name, "GET"], table[name, "POST"] = get, post
    return table


TABLE = parse_matrix(MATRIX)
FOREIGN = parse_foreign(FOREIGN_OBJECTS)


def organisation_urls() -> dict[str, list[str]]:
    """URL name -> its path parameters, for every URL under /o/<org>/ in the URL configuration."""
    found: dict[str, list[str]] = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("o/"):
                route = prefix + str(p.pattern)
                found[p.name or f"(unnamed) {route}"] = re.findall(r"<(?:\w+:)?(\w+)>", route)

    walk(get_resolver().url_patterns, "")
    return found


URLS = organisation_urls()


def coverage_problems(table_names: set[str], url_names: set[str], what: str = "the access table") -> list[str]:
    return ([f"{name}: an organisation URL without its GET and POST rows in {what}" for name in
             sorted(url_names - table_names)]
            + [f"{name}: a row in {what} for a URL that does not exist" for name in sorted(table_names - url_names)])


def rows_complete(keys) -> set[str]:
    """URL names that have both a GET and a POST row."""
    names = {name for name, _ in keys}
    return {name for name in names if (name, "GET") in keys and (name, "POST") in keys}


# --- checking one cell ---------------------------------------------------------------------------------------------


def check(expected: str, response, full_path: str) -> None:
    """Assert that `response` is the outcome the table expects; the message says what came instead."""
    status, location = response.status_code, response.get("Location", "")
    said = f"expected {expected}, got {status} {location}".rstrip()
    login = reverse("login")
    if expected == "login":
        parts = urlsplit(location)
        assert status == 302 and parts.path == login, said
        assert parse_qs(parts.query).get("next") == [full_path], said
    else:
        assert status == int(expected), said
        if status == 302:
            assert not urlsplit(location).path.startswith(login), said


def organisation_state(organisation) -> dict:
    return {
        "evaluations": list(Evaluation.objects.filter(organisation=organisation).order_by("pk").values()),
        "audit": list(AuditEvent.objects.filter(evaluation__organisation=organisation).values_list("pk", flat=True)),
        "reports": list(Report.objects.filter(evaluation__organisation=organisation).values_list("pk", "status")),
        "offerings": list(Offering.objects.filter(organisation=organisation).order_by("pk").values()),
        "answers": list(Answer.objects.filter(offering__organisation=organisation).order_by("pk").values()),
        "evidence": Evidence.objects.count(),
        "memberships": list(Membership.objects.filter(organisation=organisation).order_by("pk").values()),
        "invitations": list(Invitation.objects.filter(organisation=organisation).values_list("pk", flat=True)),
        "mail": len(mail.outbox),
    }


def send(client, name: str, method: str, values: dict) -> tuple:
    """Request the URL as a member would use it; returns the response and the full path that was asked for."""
    missing = set(URLS[name]) - set(values)
    assert not missing, f"no test value for the parameters {sorted(missing)} of {name}: add them to url_values"
    path = reverse(name, kwargs={p: values[p] for p in URLS[name]})
    if method == "POST":
        data = POST_DATA.get(name, ANY_POST)
        return client.post(path, data(values) if callable(data) else data), path
    query = GET_QUERY.get(name)
    return client.get(path, query), path + (f"?{urlencode(query, doseq=True)}" if query else "")


@pytest.fixture(autouse=True)
def report_store(settings, tmp_path):
    """Reports generated here are stored in the test's own folder."""
    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"


@pytest.fixture
def in_house(evaluation, owner):
    form = PrivateOfferingForm(data=IN_HOUSE)
    assert form.is_valid(), form.errors
    return private_offering_create(organisation=evaluation.organisation, actor=owner, data=form.cleaned_data)


@pytest.fixture
def queued_report(evaluation, context):
    """A report asked for but not rendered: its snapshot is known, its file is not stored."""
    from vendoreval.reports.services import report_get_or_create
    from vendoreval.reports.snapshot import report_snapshot

    return report_get_or_create(evaluation=evaluation, snapshot=report_snapshot(evaluation=evaluation, context=context))


@pytest.fixture
def url_values(evaluation, owner, in_house, queued_report):
    from vendoreval.accounts.services import invitation_create

    invitation = invitation_create(organisation=evaluation.organisation, email="invited@example.eu", role="viewer",
                                   invited_by=owner, base_url="http://testserver")
    mail.outbox.clear()
    return {"org": evaluation.organisation.slug, "slug": evaluation.slug, "step": "organisation",
            "field": "use_cases", "key": in_house.key, "document_id": queued_report.document_id,
            "membership_id": Membership.objects.get(user=owner).pk, "invitation": str(invitation.pk)}


@pytest.fixture
def visitors(evaluator, owner, viewer, outsider):
    return {"anonymous": None, "other-org": outsider, "viewer": viewer, "evaluator": evaluator, "owner": owner}


# --- the tests -----------------------------------------------------------------------------------------------------


def test_every_organisation_url_has_a_row_in_the_table():
    assert {"evaluation-results", "members", "private-offering-new"} <= set(URLS), "the URL walk found too little"
    incomplete = {name for name, _ in TABLE} - rows_complete(TABLE)
    assert incomplete == set(), f"URLs with a GET row but no POST row, or the other way round: {incomplete}"
    problems = coverage_problems({name for name, _ in TABLE}, set(URLS))
    assert problems == [], "\n".join(problems)


def test_every_url_with_an_object_in_its_path_has_a_foreign_object_row():
    with_objects = {name for name, params in URLS.items() if set(params) - {"org"}}
    assert rows_complete(FOREIGN) == {name for name, _ in FOREIGN}
    problems = coverage_problems({name for name, _ in FOREIGN}, with_objects, "FOREIGN_OBJECTS")
    assert problems == [], "\n".join(problems)


CELLS = [(name, method, who, expected) for (name, method), row in TABLE.items() for who, expected in row.items()]


@pytest.mark.parametrize("name, method, who, expected", CELLS, ids=[f"{n}-{m}-{w}" for n, m, w, _ in CELLS])
def test_access(client, evaluation, visitors, url_values, name, method, who, expected):
    if visitors[who] is not None:
        client.force_login(visitors[who])
    organisation = evaluation.organisation
    before = organisation_state(organisation)

    response, full_path = send(client, name, method, url_values)

    check(expected, response, full_path)
    if expected in REFUSED:
        assert organisation_state(organisation) == before, "a refused request changed something"
    assert Membership.objects.filter(organisation=organisation, role="owner").exists()


FOREIGN_CELLS = sorted(FOREIGN.items())


@pytest.mark.parametrize("cell, expected", FOREIGN_CELLS, ids=[f"{n}-{m}" for (n, m), _ in FOREIGN_CELLS])
def test_objects_of_another_organisation_are_not_found_under_ones_own(client, evaluation, outsider, url_values,
                                                                       cell, expected):
    name, method = cell
    client.force_login(outsider)
    own = Membership.objects.get(user=outsider).organisation
    before = organisation_state(evaluation.organisation)

    response, full_path = send(client, name, method, {**url_values, "org": own.slug})

    check(expected, response, full_path)
    assert organisation_state(evaluation.organisation) == before


# --- the table can fail --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, method, who, real", [
    ("evaluation-step", "GET", "anonymous", "login"),
    ("evaluation-step", "POST", "other-org", "404"),
    ("evaluation-step", "POST", "viewer", "403"),
    ("evaluation-field", "GET", "evaluator", "405"),
    ("evaluation-step", "GET", "viewer", "200"),
    ("evaluation-step", "POST", "evaluator", "302"),
])
def test_a_wrong_cell_is_detected(client, visitors, url_values, name, method, who, real):
    """Each real response matches its own outcome and no other: a table that says otherwise fails."""
    if visitors[who] is not None:
        client.force_login(visitors[who])
    response, full_path = send(client, name, method, url_values)

    check(real, response, full_path)
    for wrong in sorted(OUTCOMES - {real}):
        with pytest.raises(AssertionError, match=f"expected {wrong}, got {response.status_code}"):
            check(wrong, response, full_path)


def test_a_302_to_the_login_page_is_not_taken_for_an_allowed_redirect(client, url_values):
    response, full_path = send(client, "evaluation-step", "POST", url_values)
    with pytest.raises(AssertionError, match="expected 302"):
        check("302", response, full_path)


def test_a_url_without_a_row_and_a_row_without_a_url_are_named():
    names = {name for name, _ in TABLE}
    problems = coverage_problems(names - {"member-remove"}, set(URLS) | {"evaluation-export"})
    assert problems == [
        "evaluation-export: an organisation URL without its GET and POST rows in the access table",
        "member-remove: an organisation URL without its GET and POST rows in the access table",
    ]
    assert coverage_problems(names | {"evaluation-old"}, set(URLS)) == [
        "evaluation-old: a row in the access table for a URL that does not exist"]
    half = {key: row for key, row in TABLE.items() if key != ("members", "POST")}
    assert "members" not in rows_complete(half)
