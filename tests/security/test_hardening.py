"""Security headers, CSRF on every POST (htmx included), login throttling, deploy checks, escaped vendor text."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vendoreval.catalog.models import Offering

pytestmark = pytest.mark.django_db


def pages(evaluation):
    org, slug = evaluation.organisation.slug, evaluation.slug
    return {
        "login": reverse("login"),
        "home": reverse("home"),
        "catalog": reverse("catalog"),
        "offering": reverse("offering", kwargs={"key": "mistral-api"}),
        "questionnaire": reverse("evaluation-step", kwargs={"org": org, "slug": slug, "step": "organisation"}),
        "results": reverse("evaluation-results", kwargs={"org": org, "slug": slug}),
        "comparison": reverse("evaluation-compare", kwargs={"org": org, "slug": slug})
        + "?o=mistral-api&o=llama-self-hosted",
        "activity": reverse("evaluation-activity", kwargs={"org": org, "slug": slug}),
        "members": reverse("members", kwargs={"org": org}),
        "admin": reverse("admin:catalog_offering_changelist"),
    }


def test_every_page_type_sends_a_strict_content_security_policy(client, evaluation, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    for name, path in pages(evaluation).items():
        response = (Client() if name == "login" else client).get(path)
        assert response.status_code == 200, name
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy, name
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name


def test_our_pages_carry_no_inline_script_or_third_party_asset(client, evaluation, owner):
    client.force_login(owner)
    for name, path in pages(evaluation).items():
        if name == "admin":
            continue
        html = (Client() if name == "login" else client).get(path).content.decode()
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src=") or " src=" in tag.split(">")[0], f"inline script on {name}"
        assert ' style="' not in html, f"inline style on {name}"
        assert 'src="http' not in html and "href=\"http" not in html.split("<main", 1)[0], name


def test_post_without_csrf_token_is_refused_even_from_htmx(evaluation, evaluator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(evaluator)
    path = reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                               "field": "use_cases"})
    response = client.post(path, {"use_cases": "sneaky"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.use_cases == ""


def test_htmx_requests_send_the_csrf_token_in_a_header(evaluation, evaluator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(evaluator)
    page = client.get(reverse("evaluation-step", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                                         "step": "organisation"})).content.decode()
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    path = reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                               "field": "use_cases"})
    response = client.post(path, {"use_cases": "fine"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_password_guessing_locks_the_account_with_a_clear_message(client, evaluator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": evaluator.username, "password": "wrong"})
        assert "do not match an account" in response.content.decode()
    locked = client.post(reverse("login"), {"username": evaluator.username, "password": "wrong"})
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    still_locked = client.post(reverse("login"), {"username": evaluator.username,
                                                  "password": "correct horse battery staple"})
    assert still_locked.status_code == 429


def test_correct_password_logs_in(client, evaluator):
    response = client.post(reverse("login"), {"username": evaluator.username,
                                              "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_logout_is_a_post_from_every_page(client, evaluator):
    client.force_login(evaluator)
    html = client.get(reverse("catalog")).content.decode()
    assert f'action="{reverse("logout")}"' in html
    client.post(reverse("logout"))
    assert client.get(reverse("catalog")).status_code == 302


def test_vendor_text_is_escaped(client, evaluator, catalog):
    Offering.objects.filter(key="mistral-api").update(name='<script>alert(1)</script><img src=x onerror=alert(2)>')
    client.force_login(evaluator)
    for path in (reverse("catalog"), reverse("offering", kwargs={"key": "mistral-api"})):
        html = client.get(path).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_production_settings_pass_the_deployment_checks():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 30 + "production-like-secret-key-for-tests",
           "ALLOWED_HOSTS": "vendoreval.example.eu", "DJANGO_SETTINGS_MODULE": "vendoreval.settings"}
    env.pop("VENDOREVAL_DEMO", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "vendoreval.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_demo_account_is_never_created_with_debug_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "y" * 50, "ALLOWED_HOSTS": "x",
           "DJANGO_SETTINGS_MODULE": "vendoreval.settings", "VENDOREVAL_DEMO": "1"}
    result = subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "exists only in the local default" in result.stderr
