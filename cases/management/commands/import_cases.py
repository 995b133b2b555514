from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.importing import cases_import, missing_lines, read_table


class Command(BaseCommand):
    help = (
        "Import past consultation records from XLSX or CSV (UTF-8 or Shift_JIS). "
        "Any bad row refuses the whole file; --dry-run only validates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="import rows that match an imported case (same date, organisation, description)",
        )

    def handle(self, *args, file, dry_run, allow_duplicates=False, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"ファイルが見つかりません: {file}")
        try:
            rows = read_table(path.read_bytes(), path.name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        result = cases_import(rows, dry_run=dry_run, allow_duplicates=allow_duplicates)
        if not result.ok:
            for number, reason in result.errors:
                self.stderr.write(f"{number}行目: {reason}")
            raise CommandError(
                f"{len(result.errors)}行に誤りがあるため、取り込みませんでした（0件）。"
            )
        verb = "取り込めます（--dry-run のため書き込みなし）" if dry_run else "取り込みました"
        for year, count in result.per_fiscal_year.items():
            self.stdout.write(f"{year}年度: {count}件")
        if result.missing:
            self.stdout.write("記録のない項目:")
            for line in missing_lines(result):
                self.stdout.write(f"  {line}")
        self.stdout.write(f"合計 {result.total}件を{verb}")
