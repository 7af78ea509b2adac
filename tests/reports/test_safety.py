"""Hostile catalog text renders as text: nothing is fetched, embedded or run, and no request leaves the process."""

from __future__ import annotations

import socket
from io import BytesIO
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from vendoreval.catalog.models import Answer, Evidence, Offering
from vendoreval.evaluations.services import evaluation_create, evaluation_set_field
from vendoreval.reports import rendering
from vendoreval.reports.fetcher import FONT_DIR, STYLESHEET, ReportAssetFetcher

from .conftest import pdf_text, squash

pytestmark = pytest.mark.django_db

HOSTILE = ('<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
           '<style>p { background: url(http://127.0.0.1:9/) }</style> '
           '<span style="background: url(http://127.0.0.1:9/x)">css</span> <script>document.write("pwned")</script>')
NAME = 'Mistral <img src="file:///etc/passwd"> Großmodell « Sécurité » url(http://127.0.0.1:9/)'


@pytest.fixture
def hostile_evaluation(catalog, context, viewer, owner):
    offering = Offering.objects.get(key="mistral-self-hosted")
    offering.name = NAME
    offering.save()
    answer = Answer.objects.get(offering=offering, criterion__key="A3")
    answer.rationale = HOSTILE
    answer.save()
    Evidence.objects.filter(object_id=answer.pk, content_type__model="answer").update(
        title='<link rel="attachment" href="file:///etc/passwd">Quelle für Änderungen · 体系结构', note=HOSTILE)
    organisation = viewer.memberships.get().organisation
    organisation.name = "Bundesamt für Ausrüstung – Sécurité <b>"
    organisation.save()
    evaluation = evaluation_create(organisation=organisation, name="Évaluation: Großrechner <script>", actor=owner,
                                   context=context)
    for field, values in [("sector", ["defence"]), ("classification", ["restricted"]),
                          ("shortlist", ["mistral-self-hosted", "llama-self-hosted"])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=owner, context=context)
    evaluation.refresh_from_db()
    return evaluation


def test_hostile_catalog_text_is_rendered_as_text_and_loads_nothing(client, viewer, hostile_evaluation):
    fetchers: list[ReportAssetFetcher] = []
    connections = []

    class RecordingFetcher(ReportAssetFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            fetchers.append(self)

    def no_network(*args, **kwargs):
        connections.append(args)
        raise OSError("no network in report tests")

    client.force_login(viewer)
    kwargs = {"org": hostile_evaluation.organisation.slug, "slug": hostile_evaluation.slug}
    with mock.patch.object(rendering, "ReportAssetFetcher", RecordingFetcher), \
            mock.patch.object(socket.socket, "connect", no_network), \
            mock.patch.object(socket, "create_connection", no_network):
        client.post(reverse("evaluation-report", kwargs=kwargs))  # generate (inline with the test task backend)
        response = client.get(reverse("evaluation-report-download", kwargs=kwargs))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)

    # the fetcher was asked only for the report's own assets, never for anything in the catalog text
    (fetcher,) = fetchers
    assert fetcher.refused == []
    assert fetcher.requested
    for url in fetcher.requested:
        assert url == fetcher.base_url + STYLESHEET or url.startswith(fetcher.base_url + FONT_DIR + "/"), url
    assert connections == []

    reader = PdfReader(BytesIO(pdf))
    assert list(reader.attachments) == ["snapshot.json"]  # no file smuggled in by <link rel="attachment">
    text = pdf_text(pdf)
    assert "root:x:0:0" not in text and b"root:x:0:0" not in pdf
    assert b"root:x:0:0" not in reader.attachments["snapshot.json"][0]
    flat = squash(text)
    # the markup is shown as the text it is, accented names survive, and a source title in Chinese (vendors' own
    # pages come in other scripts) is drawn with the bundled fallback font, not as empty boxes
    for visible in (NAME, HOSTILE, "Évaluation: Großrechner <script>",
                    "Bundesamt für Ausrüstung – Sécurité <b>", "Quelle für Änderungen · 体系结构"):
        assert squash(visible) in flat, visible
    assert reader.metadata.author == "Bundesamt für Ausrüstung – Sécurité <b>"


def test_the_preview_escapes_catalog_text(client, viewer, hostile_evaluation):
    client.force_login(viewer)
    address = reverse("evaluation-report-preview",
                      kwargs={"org": hostile_evaluation.organisation.slug, "slug": hostile_evaluation.slug})
    html = client.get(address).content.decode()
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert '<img src="file:' not in html and '<link rel="attachment"' not in html
    assert "<script>" not in html and "<style>p" not in html and '<span style="' not in html
    assert "Großmodell « Sécurité »" in html
