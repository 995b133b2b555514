import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from common.bench import scratch_postgres_database
from common.models import Municipality
from common.vocab import Category, RequesterType
from crm.models import Organisation
from reports.render import to_pdf
from reports.report import yearly_report


class Command(BaseCommand):
    help = (
        "Fill a scratch database with N cases over several fiscal years, time the yearly report "
        "(JSON and PDF) and print one JSON line: cases, seconds_json, seconds_pdf, peak_rss_mb, "
        "queries. Several sizes (--cases 1000 10000) grow one database and print a line each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, nargs="+", default=[10000])
        parser.add_argument("--fiscal-year", type=int, default=2024)
        parser.add_argument(
            "--inner", action="store_true", help="(internal) run inside the scratch DB"
        )

    def handle(self, *args, cases, fiscal_year, inner, **options):
        if inner:
            return self.run_inner(cases, fiscal_year)
        env, cleanup = self.scratch_database()
        env["DJANGO_SETTINGS_MODULE"] = "dxcenter.settings.bench"
        root = Path(settings.BASE_DIR)
        try:
            result = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "bench_stats",
                    "--inner",
                    "--cases",
                    *(str(n) for n in cases),
                    "--fiscal-year",
                    str(fiscal_year),
                ],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            cleanup()
        if result.returncode != 0:
            self.stderr.write(result.stderr[-4000:])
            raise SystemExit(result.returncode)
        lines = result.stdout.strip().splitlines()
        self.stdout.write("\n".join(lines[-len(cases) :]))

    def scratch_database(self):
        """A temporary SQLite file or a throwaway PostgreSQL database: (environment, cleanup)."""
        env = {**os.environ}
        if connection.vendor == "postgresql":
            name = f"bench_stats_{os.getpid()}"
            s = connection.settings_dict
            cleanup = scratch_postgres_database(s, name)
            password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
            env["DATABASE_URL"] = f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{name}"
        else:
            handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-stats-")
            os.close(handle)
            env["DATABASE_URL"] = f"sqlite:///{path}"

            def cleanup():
                for suffix in ("", "-wal", "-shm"):
                    Path(path + suffix).unlink(missing_ok=True)

        return env, cleanup

    def fill(self, start, stop, fiscal_year, rng, seq):
        """Cases start..stop (closed, spread over four fiscal years), in batches of 5,000;
        ``seq`` carries the reference numbers from one call to the next."""
        municipalities = list(Municipality.objects.values_list("code", flat=True))
        types = RequesterType.values
        categories = Category.values
        organisations = list(Organisation.objects.order_by("pk")[:200])
        if not organisations:
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(name=f"団体{i}", requester_type=types[i % len(types)])
                    for i in range(200)
                ]
            )

        years = [fiscal_year - 3, fiscal_year - 2, fiscal_year - 1, fiscal_year]
        batch = []
        for i in range(start, stop):
            fy = years[i % len(years)]
            received = dt.date(fy, 4, 1) + dt.timedelta(days=rng.randrange(365))
            seq[fy] = seq.get(fy, 0) + 1
            batch.append(
                Case(
                    reference=f"DX{fy}-{seq[fy]:06d}",
                    fiscal_year=fy,
                    sequence=seq[fy],
                    received_on=received,
                    channel="web",
                    requester_type=types[i % len(types)],
                    category=categories[rng.randrange(len(categories))],
                    organisation=organisations[i % 200],
                    municipality_id=rng.choice(municipalities),
                    subject="件名",
                    description="相談内容",
                    status="closed",
                    first_response_due=received + dt.timedelta(days=5),
                    first_responded_on=received + dt.timedelta(days=rng.randrange(7)),
                )
            )
            if len(batch) >= 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)

    def run_inner(self, sizes, fiscal_year):
        call_command("migrate", verbosity=0)
        yearly_report(fiscal_year)  # warm the per-process caches: every size counts alike
        rng, seq, filled = random.Random(0), {}, 0
        for n in sorted(sizes):
            self.fill(filled, n, fiscal_year, rng, seq)
            filled = n
            self.measure(n, fiscal_year)

    def measure(self, n, fiscal_year):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            report = yearly_report(fiscal_year)
            json.dumps(report, ensure_ascii=False, default=str)
            seconds_json = time.perf_counter() - started
        queries = len(ctx.captured_queries)
        started = time.perf_counter()
        to_pdf(report)
        seconds_pdf = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    "cases": n,
                    "seconds_json": round(seconds_json, 3),
                    "seconds_pdf": round(seconds_pdf, 3),
                    "peak_rss_mb": round(peak, 1),
                    "queries": queries,
                }
            )
        )
