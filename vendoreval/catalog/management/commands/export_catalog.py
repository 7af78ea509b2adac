from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from vendoreval.catalog.exporter import catalog_export


class Command(BaseCommand):
    help = "Write the shared catalog and the current checklist from the database back to YAML data files."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=settings.DATA_DIR, help="target directory (default: data/)")

    def handle(self, *args, data: Path, **options):
        written = catalog_export(root=data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files under {data}."))
