"""Time the admin's one search (common.people_search) over many people and cases; print figures.

    python manage.py bench_search                       # 100,000 people, 200,000 cases
    python manage.py bench_search --people 2000 --cases 4000 --queries 20

Meant for PostgreSQL (the trigram indexes exist only there); on SQLite it runs, scanning.
Rows are made with bulk_create inside a transaction that is rolled back, so the database is
left as it was; the tables are ANALYZEd first so the planner sees their real size. Each search
is the whole of what the admin page asks (every kind, as a superuser): the figures are
wall-clock milliseconds per kind of query, p50 and p95.
"""

import datetime as dt
import json
import random
import time

import jaconv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from common.bench import percentile
from common.people_search import search_everything, search_key
from crm.models import Organisation, Person

from ...models import Case

FAMILY = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("伊勢", "イセ"), ("津田", "ツダ"), ("桑名", "クワナ"), ("鳥羽", "トバ"), ("志摩", "シマ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"),
    ("健太", "ケンタ"), ("陽子", "ヨウコ"), ("大輔", "ダイスケ"), ("直美", "ナオミ"),
    ("翔", "ショウ"), ("愛", "アイ"), ("誠", "マコト"), ("由美", "ユミ"), ("亮", "リョウ"),
    ("恵", "メグミ"), ("拓也", "タクヤ"), ("真由美", "マユミ"), ("浩二", "コウジ"),
    ("彩", "アヤ"), ("修", "オサム"), ("明美", "アケミ"),
]  # fmt: skip
TOWNS = ["津", "四日市", "伊勢", "松阪", "桑名", "鈴鹿", "名張", "尾鷲", "亀山", "鳥羽"]
BATCH = 5000


class _Rollback(Exception):
    pass


def _phone(i: int) -> str:
    return f"059-{200 + (i // 10000) % 700:03d}-{i % 10000:04d}"


class Command(BaseCommand):
    help = "Time the admin's one search among many people and cases; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument("--queries", type=int, default=50, help="searches per kind")
        parser.add_argument("--seed", type=int, default=29)

    def handle(self, *args, people, cases, queries, seed, **options):
        figures = {}
        try:
            with transaction.atomic():
                figures = self._run(people, cases, queries, random.Random(seed))
                raise _Rollback
        except _Rollback:
            pass
        self.stdout.write(json.dumps(figures, ensure_ascii=False))

    def _fill(self, n_people: int, n_cases: int, rng: random.Random) -> list[Person]:
        n_orgs = max(1, n_people // 2)
        organisations = []
        for i in range(n_orgs):
            name = f"株式会社{rng.choice(TOWNS)}{FAMILY[i % len(FAMILY)][0]}製作所{i}"
            organisations.append(
                Organisation(
                    name=name,
                    requester_type="business",
                    name_normalised=name[:200],
                    search_key=search_key(texts=[name]),
                )
            )
        organisations = Organisation.objects.bulk_create(organisations, batch_size=BATCH)
        persons = []
        for i in range(n_people):
            family, family_kana = rng.choice(FAMILY)
            given, given_kana = rng.choice(GIVEN)
            email, phone = f"user{i}@example{i % 97}.jp", _phone(i)
            persons.append(
                Person(
                    organisation=organisations[i % n_orgs],
                    family_name=family,
                    given_name=given,
                    family_name_kana=family_kana,
                    given_name_kana=given_kana,
                    email=email,
                    email_normalised=email,
                    phone=phone,
                    search_key=search_key(
                        texts=[family + given, family_kana + given_kana],
                        emails=[email],
                        phones=[phone],
                    ),
                )
            )
        persons = Person.objects.bulk_create(persons, batch_size=BATCH)
        start = dt.date(2015, 4, 1)
        rows = []
        for i in range(n_cases):
            person = persons[rng.randrange(n_people)]
            reference = f"BS{i:07d}"
            rows.append(
                Case(
                    reference=reference,
                    fiscal_year=1900 + i // 100_000,
                    sequence=i % 100_000 + 1,
                    received_on=start + dt.timedelta(days=i % 3650),
                    channel=Case.Channel.WEB,
                    requester_type="business",
                    category="problem_solving",
                    organisation_id=person.organisation_id,
                    contact=person,
                    contact_email=person.email,
                    subject="在庫管理のデジタル化",
                    description="在庫をスマホで管理したい。",
                    status=Case.Status.CLOSED,
                    search_key=search_key(texts=[reference], emails=[person.email]),
                )
            )
            if len(rows) >= BATCH:
                Case.objects.bulk_create(rows)
                rows = []
        Case.objects.bulk_create(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("cases_organisation", "cases_contact", "cases_case"):
                    cursor.execute(f"ANALYZE {table}")
        return persons

    def _run(self, n_people, n_cases, n_queries, rng) -> dict:
        began = time.perf_counter()
        persons = self._fill(n_people, n_cases, rng)
        filled = time.perf_counter() - began
        user, _created = get_user_model().objects.get_or_create(
            username="bench-search", defaults={"is_superuser": True, "is_staff": True}
        )
        sample = [persons[rng.randrange(len(persons))] for _ in range(n_queries)]
        kinds = {
            "name_kanji": lambda p: f"{p.family_name} {p.given_name}",
            "name_kana_halfwidth": lambda p: jaconv.z2h(f"{p.family_name_kana}{p.given_name_kana}"),
            "email": lambda p: p.email.upper(),
            "phone": lambda p: jaconv.h2z(
                p.phone.replace("-", "（", 1).replace("-", "）", 1), digit=True, ascii=True
            ),
            "family_name_only": lambda p: p.family_name,
        }
        figures = {
            "database": connection.vendor,
            "people": n_people,
            "cases": n_cases,
            "queries_per_kind": n_queries,
            "fill_seconds": round(filled, 1),
        }
        search_everything(user=user, query=sample[0].email)  # warm the caches and connection
        for kind, query_of in kinds.items():
            timings, found = [], 0
            for person in sample:
                query = query_of(person)
                t0 = time.perf_counter()
                groups = search_everything(user=user, query=query)
                timings.append((time.perf_counter() - t0) * 1000)
                found += any(g.hits for g in groups if g.provider.kind == "person")
            figures[kind] = {
                "p50_ms": round(percentile(timings, 50), 1),
                "p95_ms": round(percentile(timings, 95), 1),
                "max_ms": round(max(timings), 1),
                "found_people": f"{found}/{len(sample)}",
            }
            self.stderr.write(f"{kind}: {figures[kind]}")
        return figures
