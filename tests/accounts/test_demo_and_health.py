"""The local default's demo data, and the health endpoint load balancers poll."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vendoreval.evaluations.models import Evaluation

pytestmark = pytest.mark.django_db


def results_page(client, evaluation) -> str:
    return client.get(reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug,
                                                            "slug": evaluation.slug})).content.decode()


def ranked(html: str) -> list[str]:
    ranking = html.split("<h2>Ranking</h2>", 1)[1].split("<h2>Excluded offerings</h2>", 1)[0]
    return re.findall(r'name="o" value="([a-z0-9-]+)"', ranking)


def test_demo_seed_gives_a_newcomer_results_exclusions_and_a_login(client, catalog, settings, capsys):
    settings.VENDOREVAL_DEMO_ACCOUNT = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    assert "Demo login: demo / vendoreval-demo" in capsys.readouterr().out
    defence, hospital = Evaluation.objects.order_by("pk")
    assert (defence.sector, defence.classification) == ("defence", "restricted")
    assert (hospital.sector, hospital.regulations) == ("health", ["health-data"])
    response = client.post(reverse("login"), {"username": "demo", "password": "vendoreval-demo"})
    assert response.status_code == 302

    html = results_page(client, defence)
    assert "CLOUD Act" in html and "Recommended:" in html and "mistral-self-hosted" in ranked(html)

    # the hospital states its own hosting, so self-hosted offerings are scored and recommended; a SEAL minimum on
    # data sovereignty shows assured against attainable, and per-objective SEALs are on the page
    html = results_page(client, hospital)
    assert "Your own hosting is not described yet" not in html
    assert len(ranked(html)) >= 2 and "Recommended:" in html
    assert "CSF view: score and SEAL per objective" in html
    for objective in ("Strategic sovereignty", "Data and AI sovereignty", "Environmental sustainability"):
        assert objective in html
    assert re.search(r"SOV-3 Data and AI sovereignty is SEAL \d assured and SEAL \d attainable, minimum is SEAL 2 "
                     r"\(set by the buyer\): unverified; settled by evidence on", html)


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
