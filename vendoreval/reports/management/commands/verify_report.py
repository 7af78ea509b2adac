from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vendoreval.evaluations.models import Evaluation
from vendoreval.reports.models import Report
from vendoreval.reports.services import changes_since
from vendoreval.reports.verification import MAX_UPLOAD_BYTES, verify_pdf


class Command(BaseCommand):
    help = ("Check a report PDF: is its embedded snapshot the one whose fingerprint it states (intact), whose "
            "evaluation is it, and what changed since. Exits with status 1 when the file is not intact.")

    def add_arguments(self, parser):
        parser.add_argument("pdf", type=Path)

    def handle(self, *args, pdf: Path, **options):
        if not pdf.is_file():
            raise CommandError(f"{pdf}: no such file")
        if pdf.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{pdf}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; not a VendorEval report")
        result = verify_pdf(pdf.read_bytes())
        if not result.intact:
            raise CommandError(f"{pdf}: {result.verdict}")
        self.stdout.write(self.style.SUCCESS(result.verdict))
        snapshot = result.snapshot
        self.stdout.write(f"Evaluation: {snapshot['evaluation']['name']} of {snapshot['organisation']['name']}, "
                          f"snapshot of {snapshot['snapshot_date']}")
        evaluation = Evaluation.objects.filter(organisation__slug=result.organisation_slug,
                                               slug=result.evaluation_slug).first()
        report = Report.objects.filter(evaluation=evaluation, document_id=result.document_id).first() \
            if evaluation else None
        if report is None or not report.snapshot:
            self.stdout.write("This application holds no such evaluation report, so what changed since is unknown.")
            return
        changes = changes_since(report, evaluation)
        if changes.empty:
            self.stdout.write("Nothing that affects the result changed since.")
            return
        for move in changes.moves:
            self.stdout.write(f"Rank of {move.name}: {move.old_rank} -> {move.new_rank}")
        for a in changes.admissions:
            self.stdout.write(f"{a.name}: {'now passes' if a.admitted else 'now excluded: ' + '; '.join(a.reasons)}")
        for a in changes.answers:
            self.stdout.write(f"{a.offering_name} {a.criterion} {a.title}: {a.old} -> {a.new}")
        for r in changes.requirements:
            self.stdout.write(f"{r.what}: {r.old} -> {r.new}")
