"""Batch use: python manage.py render_report <org-slug>/<evaluation-slug> [--language de] -o file.pdf

Uses the same store as the web app: an unchanged evaluation is copied from the store without rendering again."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vendoreval.evaluations.models import Evaluation
from vendoreval.reports import services
from vendoreval.reports.models import Report
from vendoreval.reports.rendering import ReportRenderError, report_html
from vendoreval.reports.snapshot import REPORT_LANGUAGES, report_snapshot


class Command(BaseCommand):
    help = "Render the procurement report of an evaluation (<org-slug>/<evaluation-slug>) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("evaluation", help="<organisation-slug>/<evaluation-slug>")
        parser.add_argument("-o", "--output", help="PDF file to write (default: <evaluation-slug>-<date>.pdf)")
        parser.add_argument("--html", action="store_true", help="write the HTML of the report instead of the PDF")
        parser.add_argument("--language", choices=REPORT_LANGUAGES,
                            help="the report's language (default: the evaluation's report language)")

    def handle(self, *args, **options):
        org, _, slug = options["evaluation"].partition("/")
        if not org or not slug:
            raise CommandError("Name the evaluation as <organisation-slug>/<evaluation-slug>, e.g. acme/llm-2027.")
        evaluation = (Evaluation.objects.select_related("organisation", "checklist")
                      .filter(organisation__slug=org, slug=slug).first())
        if evaluation is None:
            raise CommandError(f"No evaluation “{slug}” in organisation “{org}”.")
        started = time.perf_counter()
        language = options["language"] or evaluation.report_language
        if options["html"]:
            snapshot = report_snapshot(evaluation=evaluation).in_language(language)
            output = Path(options["output"] or f"{evaluation.slug}-{snapshot.date.isoformat()}.html")
            output.write_text(report_html(snapshot), encoding="utf-8")
            self.stdout.write(f"{output}: HTML of document {snapshot.document_id}")
            return
        try:
            report, rendered = services.report_ensure(evaluation=evaluation, language=language)
        except ReportRenderError as exc:
            raise CommandError(f"The report could not be rendered: {exc}") from exc
        if report.status != Report.Status.READY:
            raise CommandError(f"Document {report.document_id} is being rendered by another process; try again "
                               "in a moment.")
        output = Path(options["output"] or report.download_name)
        with report.file.open("rb") as source, output.open("wb") as target:
            shutil.copyfileobj(source, target)
        how = "rendered" if rendered else "from the store"
        self.stdout.write(f"{output}: document {report.document_id} ({how}, {time.perf_counter() - started:.2f} s), "
                          f"SHA-256 {report.fingerprint}")
