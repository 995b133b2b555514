"""Issue 20: a worker killed mid-send loses nothing and doubles nothing.

The outbox claims an attempt (lease, fixed Message-ID) before handing the mail to the provider;
a worker that dies after the provider accepted but before "sent" was written leaves the row
claimed; after the lease another worker sends it again with the same Message-ID, so the SMTP
server sees one message (twice at most, never two different ones)."""

import datetime as dt
import email

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from common.models import OutboxMessage
from common.tasks import outbox_dispatch_due, send_outbox_message, tasks_requeue_stale

from .test_mail import Recorder, free_port, queue


class WorkerKilled(BaseException):
    """What SIGKILL looks like from inside: nothing after this line of the task runs."""


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder
    controller.stop()


def message_ids(recorder) -> list[str]:
    return [email.message_from_bytes(m.content)["Message-ID"] for m in recorder.messages]


@pytest.mark.django_db
def test_a_worker_killed_after_the_server_accepted_resends_the_same_message(
    smtp, settings, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = EmailMultiAlternatives.send

    def accepted_then_killed(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(EmailMultiAlternatives, "send", accepted_then_killed)
    with django_capture_on_commit_callbacks(execute=True):
        queue()  # the task dies inside (the immediate backend swallows the exception)
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.QUEUED  # the worker died before "sent"
    assert message.message_id and message.lease_until > timezone.now()
    assert message_ids(smtp) == [message.message_id]

    # While the lease runs nobody else takes it: not the safety net, not a second task.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_dispatch_due(timezone.now()) == 0
    assert send_outbox_message.call(message.pk, message.attempts) == "skipped"

    lease = dt.timedelta(seconds=settings.DXCENTER_OUTBOX_LEASE_SECONDS)
    with (
        time_machine.travel(timezone.now() + lease + dt.timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_dispatch_due(timezone.now()) == 1
        assert outbox_dispatch_due(timezone.now()) == 0
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 2
    # Delivered twice at most, but as one message: the same Message-ID both times.
    assert message_ids(smtp) == [message.message_id, message.message_id]


@pytest.mark.django_db
def test_every_attempt_of_a_message_carries_its_one_message_id(
    smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = queue(), queue(to="hanako@example.jp")
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted(message_ids(smtp)) == sorted([first.message_id, second.message_id])
    assert first.message_id != second.message_id
    assert first.message_id.endswith("@example.jp>")


@pytest.mark.django_db
def test_a_task_whose_worker_died_runs_again_after_the_stale_timeout(settings):
    started = timezone.now()
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=started,
        args_kwargs={"args": [1, 0], "kwargs": {}},
        task_path="common.tasks.send_outbox_message",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=["killed-worker"],
    )
    stale = dt.timedelta(seconds=settings.DXCENTER_TASK_STALE_SECONDS)
    with time_machine.travel(started + stale - dt.timedelta(seconds=5)):
        assert tasks_requeue_stale(timezone.now()) == 0  # may still be running
    with time_machine.travel(started + stale + dt.timedelta(seconds=5)):
        assert tasks_requeue_stale(timezone.now()) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()


@pytest.mark.django_db
def test_the_safety_net_queues_a_waiting_message_once_not_every_tick(settings):
    """Schedulers tick every few seconds; a message waiting for a worker is queued again only
    when its own task had a lease's time to run, and then once per lease (a mail burst found
    the workers buried under thousands of repeats)."""
    # Tasks are queued and not run (as when every worker is busy).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = queue()
    lease = dt.timedelta(seconds=settings.DXCENTER_OUTBOX_LEASE_SECONDS)
    now = timezone.now()
    assert outbox_dispatch_due(now) == 0  # its own task is still to come
    later = now + lease + dt.timedelta(seconds=1)
    assert outbox_dispatch_due(later) == 1
    assert outbox_dispatch_due(later + dt.timedelta(seconds=5)) == 0  # the next tick
    assert outbox_dispatch_due(later + lease + dt.timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.QUEUED
