"""Issue 20, the narrow window with real processes: a worker SIGKILLed after the SMTP server has
the message but before "sent" is written. After the lease another worker sends it again, as the
same message (one Message-ID), and the row ends sent. Nothing is lost, nothing is two messages.

A web process queues the mail, a `db_worker` takes it and is killed by the SMTP server itself the
moment the message arrives (so the kill lands in the window every time, not by luck), then a
scheduler tick and a second `db_worker` finish the job.
"""

import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from django.conf import settings
from django.db import connection

from common.models import OutboxMessage

from .test_mail import free_port

ROOT = Path(settings.BASE_DIR)
LEASE_SECONDS = 3


class KillTheSenderOnArrival:
    """An SMTP server that keeps every message and SIGKILLs `victim` when the first arrives."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.victim: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        if self.victim is not None and len(self.messages) == 1:
            os.kill(self.victim.pid, signal.SIGKILL)
        return "250 OK"


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _process(port: int, *args: str) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.dev",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    _out, err = process.communicate(timeout=120)
    return process.returncode, err[-3000:]


@pytest.mark.postgres
@pytest.mark.not_clock  # the workers are subprocesses on the real clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_window_after_acceptance_is_followed_by_the_same_message():
    server = KillTheSenderOnArrival()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        web = _process(
            port,
            "shell",
            "-c",
            "from common.mail import outbox_add; "
            "from common.tests.factories import CASE_RECEIVED_CONTEXT as c; "
            "outbox_add(to='taro@example.jp', template='case_received', context=c)",
        )
        assert _finish(web)[0] == 0
        message = OutboxMessage.objects.get()
        assert message.state == OutboxMessage.State.QUEUED

        worker = _process(port, "db_worker", "--batch", "--no-reload")
        server.victim = worker
        code, err = _finish(worker)
        assert code == -signal.SIGKILL, err  # killed by the server, in the window
        message.refresh_from_db()
        assert len(server.messages) == 1  # the server has it ...
        assert message.state == OutboxMessage.State.QUEUED  # ... "sent" was never written
        assert message.attempts == 1 and message.lease_until is not None

        time.sleep(LEASE_SECONDS + 0.5)  # the lease of the dead worker runs out
        scheduler = _process(port, "run_scheduled", "--only", "outbox_dispatch_due")
        assert _finish(scheduler)[0] == 0
        second = _process(port, "db_worker", "--batch", "--no-reload")
        code, err = _finish(second)
        assert code == 0, err
    finally:
        controller.stop()

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 2
    ids = [email.message_from_bytes(raw)["Message-ID"] for raw in server.messages]
    assert ids == [message.message_id, message.message_id]
