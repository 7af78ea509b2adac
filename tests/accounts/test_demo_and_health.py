"""The local default's demo data, and the health endpoint load balancers poll."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vendoreval.evaluations.models import Evaluation

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_a_newcomer_results_exclusions_and_a_login(client, catalog, settings, capsys):
    settings.VENDOREVAL_DEMO_ACCOUNT = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    assert "Demo login: demo / vendoreval-demo" in capsys.readouterr().out
    evaluation = Evaluation.objects.get()
    assert (evaluation.sector, evaluation.classification) == ("defence", "restricted")
    response = client.post(reverse("login"), {"username": "demo", "password": "vendoreval-demo"})
    assert response.status_code == 302
    html = client.get(reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug,
                                                            "slug": evaluation.slug})).content.decode()
    assert "CLOUD Act" in html and 'name="o" value="mistral-self-hosted"' in html


def test_demo_seed_is_refused_outside_the_local_default(settings):
    from django.core.management import CommandError

    settings.VENDOREVAL_DEMO_ACCOUNT = False
    with pytest.raises(CommandError, match="exists only in the local default"):
        call_command("seed_demo")


def test_health_reports_ok_when_the_database_answers(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_health_reports_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["database"] == "unreachable"
