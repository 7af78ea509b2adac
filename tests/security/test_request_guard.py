"""Input no view can handle is refused with a 400 page before anything else reads it: a NUL character in the address,
the query string, a cookie or a form (PostgreSQL cannot compare text with NUL: it was a 500 there), and a form body in
a charset other than UTF-8 (Django's own 400 handler read the body again and failed: a bare 500 from gunicorn)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse

from tests.servers import gunicorn
from vendoreval.middleware import handles_nul_in_form

pytestmark = pytest.mark.django_db


def report_url(evaluation, name, **kwargs):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


def assert_bad_request(response):
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


@pytest.mark.parametrize("name", ["evaluation-report-file", "evaluation-report-status"])
def test_a_nul_in_a_report_document_id_is_a_400(client, viewer, evaluation, name):
    client.force_login(viewer)
    assert_bad_request(client.get(report_url(evaluation, name, document_id="VE-0\x00")))


def test_a_nul_in_a_query_parameter_is_a_400(client, viewer, evaluation):
    client.force_login(viewer)
    assert_bad_request(client.get(report_url(evaluation, "evaluation-compare"), {"o": "mistral-api\x00"}))
    assert_bad_request(client.get(reverse("catalog") + "?q=%00"))
    assert_bad_request(client.get(reverse("catalog") + "?%00=1"))


def test_a_nul_in_a_form_field_is_a_400_and_changes_nothing(client, organisation, owner):
    from django.core import mail

    client.force_login(owner)
    response = client.post(reverse("members", kwargs={"org": organisation.slug}),
                           {"email": "anna\x00@example.eu", "role": "viewer"})
    assert_bad_request(response)
    assert mail.outbox == []


def test_a_nul_in_the_login_form_is_a_400_not_a_database_error(evaluator):
    response = Client().post(reverse("login"), {"username": evaluator.username + "\x00", "password": "x"})
    assert_bad_request(response)


def test_a_nul_in_an_invitation_token_is_a_400(client):
    assert_bad_request(client.get(reverse("invitation-accept") + "?token=abc%00def"))


def test_a_nul_in_a_cookie_is_a_400(client, viewer):
    client.cookies["sessionid"] = "abc\x00def"
    assert_bad_request(client.get(reverse("catalog")))


def test_a_view_that_explains_nul_itself_receives_the_form(rf):
    from vendoreval.middleware import RequestGuardMiddleware

    seen = {}

    @handles_nul_in_form
    def view(request):
        seen["name"] = request.POST["name"]

    request = rf.post("/anywhere/", {"name": "a\x00b"})
    guard = RequestGuardMiddleware(lambda r: None)
    assert guard(request) is None  # the body itself is readable
    assert guard.process_view(request, view, (), {}) is None
    view(request)
    assert seen["name"] == "a\x00b"


def browser_client() -> Client:
    """A client that is CSRF-checked as browsers are, holding the CSRF cookie of the login page."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client


def form_post(client, path, charset):
    body = f"csrfmiddlewaretoken={client.cookies['csrftoken'].value}&username=anna&password=secret".encode()
    return client.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "base64", "rot13"])
def test_a_form_in_an_unusual_charset_is_a_400(charset):
    assert_bad_request(form_post(browser_client(), reverse("login"), charset))


def test_an_unknown_charset_is_ignored_and_the_form_read_as_utf8(evaluator):
    response = form_post(browser_client(), reverse("login"), "x-no-such-charset")
    assert response.status_code == 200 and "do not match an account" in response.content.decode()


def test_a_multipart_form_in_a_non_text_charset_is_a_400():
    body = (b"--xx\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nanna\r\n--xx--\r\n")
    response = browser_client().generic("POST", reverse("login"), body,
                                        content_type="multipart/form-data; boundary=xx; charset=base64")
    assert_bad_request(response)


@pytest.fixture
def gunicorn_server():
    with gunicorn() as base:
        yield base


def test_gunicorn_answers_an_unusual_charset_with_the_400_page(gunicorn_server):
    with urllib.request.urlopen(gunicorn_server + "/accounts/login/", timeout=10) as page:  # noqa: S310
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        token = page.read().decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    request = urllib.request.Request(  # noqa: S310
        gunicorn_server + "/accounts/login/", method="POST",
        data=f"csrfmiddlewaretoken={token}&username=anna&password=secret".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=latin-1", "Cookie": cookie})
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert failed.value.code == 400
    assert "The request could not be read" in failed.value.read().decode()
