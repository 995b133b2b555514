import datetime as dt
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.bench import gunicorn, percentile
from common.site import home_page
from events.demo import seminar_index
from events.models import Registration, Seminar, SeminarPage


class Command(BaseCommand):
    help = (
        "Create a throwaway seminar, start gunicorn on loopback, send M registrations from C "
        "concurrent clients over HTTP, delete the seminar, print one JSON line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--capacity", type=int, default=50)
        parser.add_argument("--attempts", type=int, default=200)
        parser.add_argument("--concurrency", type=int, default=50)
        parser.add_argument("--workers", type=int, default=4)

    def handle(self, *args, capacity, attempts, concurrency, workers, **options):
        seminar = self.make_seminar(capacity)
        connection.close()  # gunicorn workers get their own connections
        timings: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        try:
            with gunicorn(workers=workers) as base:
                url = base + seminar.url

                post_url = base + reverse("events:register", args=[seminar.pk])

                def client(worker: int):
                    # Like a person: load the page once (CSRF cookie and token), then register.
                    jar = http.cookiejar.CookieJar()
                    opener = urllib.request.build_opener(
                        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
                    )
                    page = opener.open(url, timeout=30).read().decode()
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                    start_gate.wait()
                    for i in range(worker, attempts, concurrency):
                        data = urllib.parse.urlencode(
                            {
                                "csrfmiddlewaretoken": token,
                                "name": f"ベンチ 参加者{i}",
                                "email": f"bench{i}@example.jp",
                                "requester_type": "business",
                                "mode": "venue",
                                "consent": "on",
                            }
                        ).encode()
                        request = urllib.request.Request(
                            post_url, data=data, headers={"Referer": url}
                        )
                        started = time.perf_counter()
                        try:
                            status = opener.open(request, timeout=30).status
                        except urllib.error.HTTPError as exc:
                            status = exc.code
                        elapsed = (time.perf_counter() - started) * 1000
                        with lock:
                            timings.append(elapsed)
                            statuses.append(status)

                start_gate = threading.Barrier(concurrency + 1)
                with ThreadPoolExecutor(max_workers=concurrency) as pool:
                    futures = [pool.submit(client, w) for w in range(concurrency)]
                    start_gate.wait()
                    started = time.perf_counter()
                    for future in futures:
                        future.result()
                seconds = time.perf_counter() - started
            confirmed = Registration.objects.filter(
                seminar=seminar.seminar, status="confirmed"
            ).count()
            waitlisted = Registration.objects.filter(
                seminar=seminar.seminar, status="waitlisted"
            ).count()
        finally:
            seminar.delete()
            Seminar.objects.filter(pk=seminar.seminar_id).delete()
        result = {
            "capacity": capacity,
            "attempts": attempts,
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "oversold": max(0, confirmed - capacity),
            "errors_5xx": sum(1 for s in statuses if s >= 500),
            "p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "seconds": round(seconds, 2),
        }
        self.stdout.write(json.dumps(result))
        return None

    def make_seminar(self, capacity):
        index = seminar_index(home_page())
        starts = timezone.now() + dt.timedelta(days=30)
        seminar = Seminar.objects.create(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format="venue",
            venue_name="ベンチ会場",
            capacity_venue=capacity,
        )
        page = SeminarPage(
            title="負荷試験用セミナー",
            slug=f"bench-{int(time.time() * 1000)}",
            seminar=seminar,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        return page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
