"""Browser journeys: a real gunicorn with the demo data, Debian's Chromium, axe on every page.

The server has its own database (a temporary SQLite file, or a throwaway PostgreSQL database
when the suite runs on PostgreSQL), seeded with `seed_demo`; mail goes to files the tests read.
"""

import email
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    SCREENSHOTS,
    axe_violations,
    require_chromium,
    slug,
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-pass-2026!"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Server:
    base: str
    env: dict
    mail_dir: Path

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stdout + result.stderr)
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def mails(self) -> list[email.message.Message]:
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip()))
        return messages

    def attachments_to(self, address: str, content_type: str) -> list[bytes]:
        """The decoded attachments of one type in every mail sent to `address`, oldest first."""
        return [
            part.get_payload(decode=True)
            for message in self.mails()
            if address in (message.get("To") or "")
            for part in message.walk()
            if part.get_content_type() == content_type
        ]

    def mails_to(self, address: str) -> list[tuple[str, str]]:
        """(subject, plain text body) of every mail sent to `address`, oldest first."""
        found = []
        for message in self.mails():
            if address in (message.get("To") or ""):
                subject = str(make_header(decode_header(message["Subject"])))
                part = next(
                    (p for p in message.walk() if p.get_content_type() == "text/plain"), message
                )
                body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                found.append((subject, body))
        return found


@pytest.fixture(scope="session")
def server(django_db_blocker):
    require_chromium()
    from django.db import connection

    from common.bench import free_port, gunicorn, scratch_postgres_database

    tmp = Path(tempfile.mkdtemp(prefix="dxcenter-e2e-"))
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    cleanup = None
    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings_dict = dict(connection.settings_dict)
    if vendor == "postgresql":
        name = f"e2e_{os.getpid()}"
        cleanup = scratch_postgres_database(settings_dict, name)
        host, port = settings_dict["HOST"], settings_dict["PORT"] or 5432
        db_url = f"postgres://{settings_dict['USER']}@{host}:{port}/{name}"
    else:
        db_url = f"sqlite:///{tmp / 'e2e.sqlite3'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.e2e",
        "DATABASE_URL": db_url,
        "EMAIL_FILE_PATH": str(mail_dir),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "SITE_BASE_URL": base,
        "PYTHONPATH": str(ROOT),
    }
    srv = Server(base=base, env=env, mail_dir=mail_dir)
    srv.manage("migrate", "--noinput", "-v0")
    srv.manage("createcachetable")
    srv.manage("seed_demo", "--password", PASSWORD)
    try:
        with gunicorn(
            workers=2,
            threads=4,
            settings="dxcenter.settings.e2e",
            db_url=db_url,
            extra_env={
                k: env[k] for k in ("EMAIL_FILE_PATH", "PRIVATE_MEDIA_ROOT", "SITE_BASE_URL")
            },
            port=port,
        ):
            yield srv
    finally:
        if cleanup:
            cleanup()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Journey:
    """Steps of one journey: each saves a screenshot and must pass axe."""

    name: str
    browser: object
    server: Server
    viewport: dict = field(default_factory=lambda: dict(DESKTOP))
    count: int = 0
    pages: list = field(default_factory=list)
    last_label: str = ""

    def new_page(self, viewport=None, locale="ja-JP"):
        context = self.browser.new_context(
            viewport=viewport or self.viewport, locale=locale, reduced_motion="reduce"
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        self.pages.append(page)
        return page

    def step(self, page, label: str, *, check_axe: bool = True, readme: str = ""):
        """Screenshot the page and run axe; `readme` names the README picture this step is.

        `make screenshots` sets README_SCREENSHOTS to docs/screenshots/, so the README shows
        what the current code shows.
        """
        self.count += 1
        self.last_label = label
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{slug(self.name)}-{self.count:02d}-{slug(label)}.png"
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # let admin messages finish appearing
        page.screenshot(path=str(path), full_page=True)
        if readme and os.environ.get("README_SCREENSHOTS"):
            target = Path(os.environ["README_SCREENSHOTS"]) / f"{readme}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        if check_axe:
            violations = axe_violations(page)
            assert not violations, (
                f"step {self.count} «{label}» ({page.url}) has axe violations "
                f"(screenshot {path}):\n" + "\n".join(violations)
            )
        return path

    def failure_report(self) -> str:
        """Where a failing journey stood: the last step passed, and a screenshot of each page."""
        where = f"step {self.count} «{self.last_label}»" if self.count else "the first step"
        lines = [f"journey {self.name} failed after {where}"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(self.pages, 1):
            path = SCREENSHOTS / f"{slug(self.name)}-failed-{n}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                lines.append(f"  page {n}: {page.url} (screenshot {path})")
            except Exception as exc:  # the page may be gone with the failure
                lines.append(f"  page {n}: no screenshot ({type(exc).__name__})")
        return "\n".join(lines)

    def close(self):
        for page in self.pages:
            page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    journey = getattr(item, "funcargs", {}).get("journey")
    if report.when == "call" and report.failed and isinstance(journey, Journey):
        report.sections.append(("journey", journey.failure_report()))
    return report


@pytest.fixture
def journey(request, browser, server):
    j = Journey(name=request.node.name, browser=browser, server=server)
    yield j
    j.close()
