from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.render import RENDERERS
from reports.report import yearly_report


class Command(BaseCommand):
    help = "Write the yearly report of a fiscal year (April–March) as JSON, CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        parser.add_argument(
            "--output", help="file to write; standard output when omitted (json, csv)"
        )
        parser.add_argument("--language", choices=["ja", "en"], default="ja")

    def handle(self, *args, fiscal_year, format, output, language, **options):
        if not 2000 <= fiscal_year <= 2100:
            raise CommandError("--fiscal-year は西暦で指定してください（例: 2022）")
        report = yearly_report(fiscal_year, language)
        content = RENDERERS[format](report)
        if output:
            Path(output).write_bytes(content)
            self.stdout.write(f"{report['label']}: {output} ({len(content)} bytes)")
        elif format in ("json", "csv"):
            self.stdout.write(content.decode("utf-8-sig"))
        else:
            raise CommandError("--output is required for xlsx and pdf")
