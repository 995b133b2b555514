"""Time referral suggestions over a large directory and print the figures as JSON.

    python manage.py bench_suggest --experts 500 --requests 20

Creates the demo directory plus generated experts inside a transaction that is rolled back, so
the database is left as it was. `first_ms` includes analysing every expert's texts once;
later rankings reuse that analysis, as a running web process does. Wall-clock figures (`*_ms`)
and the CPU time of this process (`median_cpu_ms`) are both printed: on a busy machine the first
measures the neighbours too.
"""

import datetime as dt
import json
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.selectors import assignee_suggestions
from cases.services import case_create
from crm.models import Organisation
from partners import demo
from partners.models import Advisor, ExpertiseArea, PartnerCompany

# Requests as requesters type them (not the labelled set, which lives with the tests).
REQUESTS = [
    ("problem_solving", "FAXの注文をWebにしたい", "取引先からの注文がFAXで、転記ミスが多い。"),
    ("training", "標的型メール訓練", "町役場の職員に標的型メール訓練をしたい。"),
    ("problem_solving", "勤務表を自動で", "介護職員40人の勤務表を自動で作りたい。"),
    ("information", "外国人住民向けの情報発信", "外国人住民にお知らせを届けたい。"),
    ("problem_solving", "出欠管理", "子育てサークルのイベントの出欠管理が大変。"),
    ("information", "インボイス", "インボイス制度に合う会計ソフトを選びたい。"),
    ("training", "スマホ教室", "老人クラブでスマホ教室を開きたい。"),
    ("problem_solving", "在庫が合わない", "倉庫と店舗の在庫が合わず棚卸に一日かかる。"),
]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time referral suggestions among many experts; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--experts", type=int, default=500)
        parser.add_argument("--requests", type=int, default=20)

    def handle(self, *args, experts, requests, **options):
        figures = {}
        try:
            with transaction.atomic():
                figures = self._run(experts, requests)
                raise _Rollback
        except _Rollback:
            pass
        self.stdout.write(json.dumps(figures, ensure_ascii=False))

    def _run(self, experts: int, requests: int) -> dict:
        demo.seed()
        rng = random.Random(30)
        areas = list(ExpertiseArea.objects.all())
        advisors = list(demo.ADVISORS)
        companies = list(demo.COMPANIES)
        existing = Advisor.objects.count() + PartnerCompany.objects.count()
        for i in range(max(0, experts - existing)):
            if i % 3:
                row = rng.choice(advisors)
                made = Advisor.objects.create(
                    name=f"{row[0]} {i}", title=row[3], profile=row[6], keywords=row[7]
                )
            else:
                row = rng.choice(companies)
                made = PartnerCompany.objects.create(
                    name=f"{row[0]} {i}", kind=row[2], description=row[4], keywords=row[5]
                )
            made.expertise.set(rng.sample(areas, 2))
        organisation = Organisation.objects.create(name="bench", requester_type="business")
        cases = [
            case_create(
                organisation=organisation,
                received_on=dt.date(2026, 4, 1),
                channel="web",
                category=category,
                subject=subject,
                description=description,
            )
            for category, subject, description in (REQUESTS * requests)[:requests]
        ]
        timings, cpu = [], []
        for case in cases:
            start, start_cpu = time.perf_counter(), time.process_time()
            assignee_suggestions(case)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        warm = timings[1:] or timings
        warm_cpu = cpu[1:] or cpu
        return {
            "experts": Advisor.objects.count() + PartnerCompany.objects.count(),
            "requests": len(timings),
            "first_ms": round(timings[0], 1),
            "median_ms": round(statistics.median(warm), 1),
            "max_ms": round(max(warm), 1),
            # CPU time of this process: what the ranking costs when the machine is shared.
            "median_cpu_ms": round(statistics.median(warm_cpu), 1),
            "target_ms": 50,
        }
