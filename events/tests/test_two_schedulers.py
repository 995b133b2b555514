"""Issue 20: two schedulers (one per machine) for the same periods send each seminar reminder
and each thank-you (survey request) exactly once."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.db import connection
from django.utils import timezone

from common.models import OutboxMessage
from crm.requester import Requester
from events.models import Registration, Seminar
from events.services import registration_create

from .factories import make_seminar

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 25


def scheduler(database_url: str) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.test",
        "DATABASE_URL": database_url,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_scheduled",
            "--only",
            "seminar_reminders",
            "seminar_thanks",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.not_clock  # the schedulers are subprocesses on the real clock
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_send_each_reminder_and_survey_once():
    tomorrow = make_seminar(days=1, capacity_venue=PEOPLE)
    held = make_seminar(days=5, capacity_venue=PEOPLE)
    for i in range(PEOPLE):
        registration_create(
            seminar=tomorrow,
            requester=Requester(family_name=f"明日{i}", email=f"t{i}@example.jp"),
            mode="venue",
        )
        registration_create(
            seminar=held,
            requester=Requester(family_name=f"参加{i}", email=f"h{i}@example.jp"),
            mode="venue",
        )
    # The second seminar was yesterday and everybody came.
    starts = timezone.now() - dt.timedelta(days=1)
    Seminar.objects.filter(pk=held.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    Registration.objects.filter(seminar=held).update(checked_in_at=starts)

    url = database_url_of_this_test()
    for _period in range(2):  # two ticks of both schedulers, each pair at the same time
        pair = [scheduler(url), scheduler(url)]
        for process in pair:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-3000:]

    for template, seminar in (("seminar_reminder", tomorrow), ("seminar_thanks", held)):
        sent = list(
            OutboxMessage.objects.filter(template=template).values_list("to_email", flat=True)
        )
        assert len(sent) == PEOPLE, template
        assert len(set(sent)) == PEOPLE, template
        assert Registration.objects.filter(seminar=seminar).count() == PEOPLE
