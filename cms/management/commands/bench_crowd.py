"""bench_crowd: does the embedded default (SQLite, `make run`'s settings) hold a crowd?

Issue 27 item 7. A copy of a demo database in a temporary directory, served as `make run`
configures it (dxcenter.settings.dev: SQLite in WAL mode with a busy timeout and IMMEDIATE
transactions, the database cache, the rate limits on) by gunicorn with W workers, with a
`db_worker` and a scheduler (`run_scheduled --every N`) beside it. Then C clients, each ready
with its form (CSRF token) or its logged-in staff session, fire one request each at the same
moment: staff case transitions (完了にする and 状況の変更), public seminar registrations, partner
logins, 個別相談会 bookings and page views.

Prints one JSON line: requests (the crowd's), status counts per kind, 5xx, 429 (and the 429 the
rate limits call for: none unless one form gets more posts than its per-address limit), p50/p95
latency, the effects found in the database afterwards, and the errors the worker and the
scheduler logged ("database is locked"...).

Every client comes from 127.0.0.1: `make run` trusts no proxy (TRUSTED_PROXY_COUNT=0), so a
client's X-Forwarded-For is ignored and the per-address limit of a public form (60 posts an
hour) counts the whole crowd; each person types a different e-mail address.

`--database temp` (default) migrates and seeds a new database (a minute); `--database current`
copies this process's database (the tests' in-memory one, or `make run`'s db.sqlite3) first; the
original is never written to.
"""

import collections
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from common.bench import free_port, percentile

ROOT = Path(__file__).resolve().parents[3]
MAKE_RUN = "dxcenter.settings.dev"
STAFF = "crowd-staff"
KINDS = ("page", "register", "staff_close", "staff_status", "booking", "partner_login")


def crowd_targets(password: str) -> dict:
    """What the crowd acts on, read from (and prepared in) the copied database: a staff login and
    the partner logins with ``password``, open cases, seminars open for registration, free
    session slots and pages. Runs in a child process on the copy."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from appointments.models import SessionSeries
    from appointments.services import free_slots
    from cases.models import Case
    from cms.management.commands.bench_pages import pages_to_measure
    from events.models import SeminarPage

    call_command("createcachetable")
    User = get_user_model()
    staff = User.objects.filter(username=STAFF).first()
    if staff is None:
        staff = User.objects.create_superuser(STAFF, f"{STAFF}@example.jp", password)
    staff.set_password(password)
    staff.save()
    partners = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk"))
    partners = [u for u in partners if u.username.endswith(".example.jp")]
    for user in partners:
        user.set_password(password)
        user.save()
    S = Case.Status
    close = Case.objects.filter(status__in=[S.TRIAGE, S.IN_PROGRESS]).order_by("pk")
    change = Case.objects.filter(status__in=[S.NEW, S.ASSIGNED]).order_by("pk")
    now = timezone.now()
    seminars = [
        {
            "url": s.url,
            "register": reverse("events:register", args=[s.pk]),
            "mode": s.seminar.modes()[0],
        }
        # A page of one seminar (a programme's page asks for a date as well).
        for s in SeminarPage.objects.live()
        .filter(locale__language_code="ja", seminar__starts_at__gt=now)
        .select_related("seminar")
        .order_by("seminar__starts_at")
        if s.seminar.registration_open(now)
    ]
    slots = []
    for series in SessionSeries.objects.filter(is_published=True).order_by("pk"):
        url = reverse("appointments:book", args=[series.pk])
        slots += [{"url": url, "slot": slot.pk} for slot in free_slots(series)]
    return {
        "staff": STAFF,
        "partners": [u.username for u in partners],
        "close": [
            {"pk": c.pk, "to": S.CLOSED, "url": reverse("cases:close", args=[c.pk])} for c in close
        ],
        "change": [
            {
                "pk": c.pk,
                "to": S.TRIAGE if c.status == S.NEW else S.IN_PROGRESS,
                "url": reverse("cases:transition", args=[c.pk]),
            }
            for c in change
        ],
        "seminars": seminars,
        "slots": slots,
        "pages": [path for _name, path in pages_to_measure()],
    }


def crowd_effects(db: Path, plan: list[dict]) -> dict:
    """What the crowd's requests left in the copied database (read with sqlite3, no Django)."""
    moved = [(a["case"], a["to"]) for a in plan if a["kind"] in ("staff_close", "staff_status")]
    emails = [a["email"] for a in plan if a["kind"] == "register"]
    slots = [a["slot"] for a in plan if a["kind"] == "booking"]
    with sqlite3.connect(db) as con:
        status = dict(con.execute("SELECT id, status FROM cases_case").fetchall())
        registered = con.execute(
            f"SELECT count(*) FROM events_registration WHERE email IN ({','.join('?' * len(emails))})",
            emails,
        ).fetchone()[0]
        booked = con.execute(
            "SELECT count(*) FROM appointments_sessionbooking WHERE status = 'booked' "
            f"AND slot_id IN ({','.join('?' * len(slots))})",
            slots,
        ).fetchone()[0]
    con.close()
    return {
        "cases_moved": sum(status.get(pk) == to for pk, to in moved),
        "registrations": registered,
        "bookings": booked,
    }


def crowd_plan(targets: dict, size: int) -> list[dict]:
    """``size`` actions in a fixed mix, each kind limited by what the demo offers; the rest are
    page views. Interleaved so that every kind is in the burst from the start."""
    share = {"register": 0.24, "staff_close": 0.1, "staff_status": 0.1}
    share |= {"booking": 0.14, "partner_login": 0.12}
    available = {
        "register": 10**6 if targets["seminars"] else 0,
        "staff_close": len(targets["close"]),
        "staff_status": len(targets["change"]),
        "booking": len(targets["slots"]),
        "partner_login": 10**6 if targets["partners"] else 0,
    }
    counts = {k: min(available[k], round(size * f)) for k, f in share.items()}
    counts["page"] = size - sum(counts.values())
    queues = {k: list(range(n)) for k, n in counts.items()}
    plan = []
    while len(plan) < size:
        for kind in KINDS:
            if queues.get(kind):
                i = queues[kind].pop(0)
                plan.append(_action(kind, i, targets, len(plan)))
    return plan


def _action(kind: str, i: int, targets: dict, n: int) -> dict:
    if kind == "page":
        pages = targets["pages"]
        return {"kind": kind, "url": pages[i % len(pages)]}
    if kind == "register":
        seminar = targets["seminars"][i % len(targets["seminars"])]
        return {"kind": kind, **seminar, "email": f"crowd-register{n}@example.jp"}
    if kind in ("staff_close", "staff_status"):
        case = targets["close" if kind == "staff_close" else "change"][i]
        return {"kind": kind, "case": case["pk"], "to": case["to"], "url": case["url"]}
    if kind == "booking":
        return {"kind": kind, **targets["slots"][i], "email": f"crowd-booking{n}@example.jp"}
    return {"kind": kind, "username": targets["partners"][i % len(targets["partners"])]}


def _csrf(html: str) -> str:
    import re

    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise CommandError("no CSRF token in the form page")
    return found.group(1)


def _booking_data(action: dict, token: str, n: int) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "slot": str(action["slot"]),
        "requester_type": "business",
        "organisation_name": f"株式会社群衆{n}",
        "municipality": "242039",
        "family_name": "伊勢",
        "given_name": "花子",
        "family_name_kana": "イセ",
        "given_name_kana": "ハナコ",
        "email": action["email"],
        "phone": "059-224-0000",
        "category": "information",
        "description": f"群衆試験の予約{n}",
        "acknowledge": "on",
        "referral_consent": "on",
    }


class Crowd:
    """The clients: each prepared (form fetched, staff logged in), then all fire together."""

    def __init__(self, base: str, plan: list[dict], password: str, staff: str):
        import requests

        self.base = base
        self.plan = plan
        self.password = password
        self.staff = staff
        self.requests = requests
        self.prepared: list[tuple[dict, object, str, dict]] = []

    def _session(self):
        session = self.requests.Session()
        session.headers["Accept-Language"] = "ja"
        session.headers["Connection"] = "close"
        return session

    def prepare(self) -> None:
        staff = self._session()
        login = self.base + "/admin/login/"
        answer = staff.post(
            login,
            allow_redirects=False,
            headers={"Referer": login},
            data={
                "csrfmiddlewaretoken": _csrf(staff.get(login, timeout=60).text),
                "username": self.staff,
                "password": self.password,
            },
            timeout=60,
        )
        if answer.status_code != 302:
            raise CommandError(f"staff login answered {answer.status_code}")

        def one(n_action):
            n, action = n_action
            kind, url = action["kind"], self.base + action.get("url", "")
            if kind == "page":
                return action, self._session(), "GET", url, {}
            if kind in ("staff_close", "staff_status"):
                data = {"csrfmiddlewaretoken": staff.cookies["csrftoken"]}
                if kind == "staff_close":
                    data |= {"support_given": "群衆試験で対応", "outcome": "解決"}
                else:
                    data |= {"to_status": action["to"], "comment": "群衆試験"}
                return action, staff, "POST", url, data
            session = self._session()
            if kind == "partner_login":
                url = self.base + "/partner/login/"
                token = _csrf(session.get(url, timeout=60).text)
                data = {"username": action["username"], "password": self.password}
                return action, session, "POST", url, {"csrfmiddlewaretoken": token, **data}
            token = _csrf(session.get(url, timeout=60).text)
            if kind == "booking":
                return action, session, "POST", url, _booking_data(action, token, n)
            page = self.base + action["url"]
            url = self.base + action["register"]
            data = {
                "csrfmiddlewaretoken": token,
                "name": f"群衆 参加者{n}",
                "email": action["email"],
                "requester_type": "business",
                "mode": action["mode"],
                "consent": "on",
            }
            return action, session, "POST", url, data | {"_referer": page}

        with ThreadPoolExecutor(max_workers=4) as pool:
            self.prepared = list(pool.map(one, enumerate(self.plan)))

    def fire(self) -> list[dict]:
        """Every client at once (a barrier), one request each; status and time of each."""
        barrier = threading.Barrier(len(self.prepared))

        def go(item):
            action, session, method, url, data = item
            referer = data.pop("_referer", url) if data else url
            barrier.wait()
            began = time.perf_counter()
            try:
                response = session.request(
                    method,
                    url,
                    data=data or None,
                    headers={"Referer": referer},
                    allow_redirects=False,
                    timeout=120,
                )
                status = response.status_code
                body = response.text[:2000] if status >= 500 else ""
            except self.requests.RequestException as exc:
                status, body = 0, repr(exc)
            return {
                "kind": action["kind"],
                "status": status,
                "ms": (time.perf_counter() - began) * 1000,
                "body": body,
            }

        with ThreadPoolExecutor(max_workers=len(self.prepared)) as pool:
            return list(pool.map(go, self.prepared))


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


def called_for_429(plan: list[dict], settings_env: dict) -> int:
    """429s the rate limits call for: posts of one form beyond its per-address limit (one client
    address, 127.0.0.1, for the whole crowd) or beyond its per-e-mail limit (none: one post per
    address)."""
    per_ip = _limit(settings_env["PUBLIC_POST_RATE_IP"])
    forms = collections.Counter(a["kind"] for a in plan if a["kind"] in ("register", "booking"))
    return sum(max(0, n - per_ip) for n in forms.values())


def _child(code: str, env: dict) -> object:
    out = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _manage(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _copy_sqlite(target: Path) -> None:
    """This process's SQLite database, committed state, into ``target`` (never written to)."""
    if connection.vendor != "sqlite":
        raise CommandError("--database current copies a SQLite database; this one is not.")
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _log_errors(path: Path) -> list[str]:
    if not path.exists():
        return []
    words = ("Traceback", "database is locked", "OperationalError")
    return [
        line
        for line in path.read_text(errors="replace").splitlines()
        if any(w in line for w in words)
    ]


class Command(BaseCommand):
    help = "Fire a crowd of mixed requests at `make run`'s SQLite configuration under gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--crowd", type=int, default=50, help="concurrent requests")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--every", type=int, default=1, help="the scheduler's period (s)")
        parser.add_argument(
            "--server-settings", dest="server_settings", default=MAKE_RUN, help="gunicorn's"
        )
        parser.add_argument(
            "--database",
            choices=["temp", "current"],
            default="temp",
            help="temp: migrate and seed a new database; current: a copy of this one",
        )

    def handle(self, *args, crowd, workers, every, server_settings, database, **options):
        if crowd < 2:
            raise CommandError("--crowd needs at least 2 clients")
        started = time.monotonic()
        password = secrets.token_urlsafe(12)
        with tempfile.TemporaryDirectory(prefix="bench-crowd-") as tmp:
            workdir = Path(tmp)
            db = workdir / "crowd.sqlite3"
            env = {
                **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
                "DJANGO_SETTINGS_MODULE": server_settings,
                "DATABASE_URL": f"sqlite:///{db}",
                "PYTHONPATH": str(ROOT),
                "MEDIA_ROOT": str(workdir / "media"),
                "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
                "PAGE_CACHE_DIR": str(workdir / "pagecache"),
                "DXCENTER_REQUIRE_STAFF_OTP": "false",
                "PUBLIC_POST_RATE_IP": os.environ.get("PUBLIC_POST_RATE_IP", "60/h"),
            }
            for name in ("TEST_CLOCK", "PUBLIC_POST_RATE"):
                env.pop(name, None)
            if database == "temp":
                _manage("migrate", "-v0", env=env)
                _manage(
                    "seed_demo",
                    "--password",
                    password,
                    "--password-file",
                    str(workdir / "demo-password"),
                    env=env,
                )
            else:
                _copy_sqlite(db)
            connection.close()

            def targets():
                return _child(
                    "from cms.management.commands.bench_crowd import crowd_targets; "
                    f"print(json.dumps(crowd_targets({password!r})))",
                    env,
                )

            result, plan = self._run(workdir, env, targets, crowd, password, workers, every)
            result["effects"] = crowd_effects(db, plan)
            result["expected_effects"] = {
                "cases_moved": sum(a["kind"] in ("staff_close", "staff_status") for a in plan),
                "registrations": sum(a["kind"] == "register" for a in plan),
                "bookings": sum(a["kind"] == "booking" for a in plan),
            }
        result["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _run(self, workdir, env, targets, size, password, workers, every) -> tuple[dict, list]:
        """Start the server, the worker and the scheduler; meanwhile (their start-up takes the
        longest) prepare the copy with ``targets()``; then the crowd."""
        logs = {name: workdir / f"{name}.log" for name in ("gunicorn", "worker", "scheduler")}
        port = free_port()
        commands = {
            "gunicorn": [
                sys.executable,
                "-m",
                "gunicorn",
                "dxcenter.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--no-control-socket",
            ],
            "worker": [sys.executable, "manage.py", "db_worker", "--no-startup-delay"],
            "scheduler": [sys.executable, "manage.py", "run_scheduled", "--every", str(every)],
        }
        processes = {}
        began = time.monotonic()
        try:
            for name, command in commands.items():
                with logs[name].open("ab") as log:
                    processes[name] = subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                    )
            found = targets()
            plan = crowd_plan(found, size)
            base = f"http://127.0.0.1:{port}"
            self._wait_for(base, processes["gunicorn"])
            phases = {"start": time.monotonic()}
            crowd = Crowd(base, plan, password, found["staff"])
            crowd.prepare()
            phases["prepare"] = time.monotonic()
            answers = crowd.fire()
            phases["burst"] = time.monotonic()
            time.sleep(max(2, every * 2))  # the worker and the scheduler after the burst
            alive = {n: p.poll() is None for n, p in processes.items()}
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        statuses = collections.Counter(a["status"] for a in answers)
        by_kind = collections.defaultdict(collections.Counter)
        for a in answers:
            by_kind[a["kind"]][str(a["status"])] += 1
        timings = [a["ms"] for a in answers]
        errors = [a for a in answers if a["status"] >= 500 or a["status"] == 0]
        return {
            "crowd": len(answers),
            "workers": workers,
            "settings": env["DJANGO_SETTINGS_MODULE"],
            "requests": len(answers),
            "5xx": sum(n for s, n in statuses.items() if s >= 500),
            "failed_connections": statuses.get(0, 0),
            "429": statuses.get(429, 0),
            "429_called_for": called_for_429(plan, env),
            "p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "max_ms": round(max(timings), 1),
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
            "first_errors": [
                {"kind": a["kind"], "status": a["status"], "body": a["body"][:300]}
                for a in errors[:3]
            ],
            "logged_errors": {n: _log_errors(p)[:5] for n, p in logs.items()},
            "processes_alive": alive,
            "startup_seconds": round(phases["start"] - began, 1),
            "prepare_seconds": round(phases["prepare"] - phases["start"], 1),
            "burst_seconds": round(phases["burst"] - phases["prepare"], 1),
        }, plan

    @staticmethod
    def _wait_for(base: str, process) -> None:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                return
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise CommandError("gunicorn did not start") from None
                time.sleep(0.2)
