"""Report fixtures. Rendering takes seconds, so one sample report is rendered per module from an evaluation that is
built inside a rolled-back transaction; tests that need their own database state render their own."""

from __future__ import annotations

import re
from io import BytesIO

import pytest


@pytest.fixture(autouse=True)
def report_store(settings, tmp_path):
    """Every test stores its PDFs in its own folder."""
    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"
    return settings.VENDOREVAL_REPORT_STORE


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def pdf_text_from(pdf: bytes, first: int) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages[first:])


def squash(text: str) -> str:
    """Text without whitespace: table cells wrap long names over lines."""
    return re.sub(r"\s+", "", text)


def make_evaluation(*, name: str = "Engineering assistant", shortlist: list[str] | None = None):
    """The shared `evaluation` fixture's recipe (defence & aerospace, restricted), usable outside function scope."""
    from tests.conftest import OWN_HOSTING
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    organisation = OrganisationFactory(name="Bundeswehr Beschaffung Test")
    owner = MembershipFactory(organisation=organisation, role="owner", user=UserFactory()).user
    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=organisation, name=name, actor=owner, context=context)
    answers = [("sector", ["defence"]), ("classification", ["restricted"]),
               ("trusted_countries", list(context.default_trusted))]
    answers += [(f"own_hosting:{key}", [str(level)]) for key, level in OWN_HOSTING.items()]
    if shortlist:
        answers.append(("shortlist", shortlist))
    for field, values in answers:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=owner, context=context)
    evaluation.refresh_from_db()
    return evaluation, context


class Sample:
    """One rendered report with what the tests compare it against."""

    def __init__(self, snapshot, outcome, pdf: bytes, fetcher):
        self.snapshot = snapshot
        self.outcome = outcome
        self.pdf = pdf
        self.fetcher = fetcher
        self.text = pdf_text(pdf)
        self.flat = squash(self.text)
        # the text after the cover and the contents page (which names every section too)
        self.body = squash(pdf_text_from(pdf, 2))


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker) -> Sample:
    from django.db import transaction

    from tests.conftest import load_real_catalog
    from vendoreval.catalog.models import CatalogRelease
    from vendoreval.evaluations.services import evaluation_outcome
    from vendoreval.reports.fetcher import ReportAssetFetcher
    from vendoreval.reports.rendering import render_pdf
    from vendoreval.reports.snapshot import report_snapshot

    with django_db_blocker.unblock(), transaction.atomic():
        if not CatalogRelease.objects.exists():
            load_real_catalog()
        evaluation, context = make_evaluation()
        snapshot = report_snapshot(evaluation=evaluation, context=context)
        outcome = evaluation_outcome(evaluation, context, today=snapshot.date)
        fetcher = ReportAssetFetcher()
        pdf = render_pdf(snapshot, fetcher=fetcher)
        transaction.set_rollback(True)
    return Sample(snapshot, outcome, pdf, fetcher)
