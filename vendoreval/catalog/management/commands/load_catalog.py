import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vendoreval.catalog.files import CatalogInvalid, read_catalog
from vendoreval.catalog.loader import catalog_load
from vendoreval.catalog.quality import catalog_quality, report_lines


class Command(BaseCommand):
    help = "Validate the checklist and catalog data files and load them in one transaction (a bad file loads nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=settings.DATA_DIR, help="data directory (default: data/)")
        parser.add_argument("--check", action="store_true", help="validate only; change nothing")
        parser.add_argument("--reason", default="", help="why the catalog changes (kept with the revision)")
        parser.add_argument("--report", action="store_true",
                            help="also print the catalog's quality: per offering answers, unknown, by confidence, "
                                 "stale, weakest evidence; then the catalog-wide figures")

    def handle(self, *args, data: Path, check: bool, report: bool = False, reason: str = "", **options):
        try:
            bundle = read_catalog(data)
        except CatalogInvalid as exc:
            raise CommandError(f"{len(exc.problems)} problem(s) in {data}; nothing was loaded:\n{exc}") from exc
        if report:
            quality = catalog_quality(bundle, today=dt.date.today(),
                                      stale_after_days=settings.VENDOREVAL_STALE_AFTER_DAYS)
            self.stdout.write("\n".join(report_lines(quality)))
        if check:
            self.stdout.write(f"{data}: valid ({len(bundle.offerings)} offerings)")
            return
        summary = catalog_load(bundle=bundle, reason=reason)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded checklist v{summary.checklist_version}, {summary.countries} countries, {summary.companies} "
            f"companies, {summary.offerings} offerings ({summary.answers} answers), catalog as of {bundle.meta.as_of}."
            + (f" Removed offerings no longer in the files: {', '.join(summary.removed_offerings)}."
               if summary.removed_offerings else "")))
