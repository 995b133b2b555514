"""Promotion from the waiting list: every free seat, in waiting order, never after the start."""

import datetime as dt

import pytest
import time_machine

from django.core import mail

from crm.requester import Requester
from events.exceptions import CancellationClosed
from events.models import Registration
from events.services import registration_cancel, registration_create, registration_move

from .factories import make_seminar, seminar_publish

pytestmark = pytest.mark.django_db


def _fill(seminar, confirmed, waiting, mode="venue"):
    people = [
        registration_create(
            seminar=seminar,
            requester=Requester(family_name=f"参加{i}", email=f"p{i}@example.jp"),
            mode=mode,
        )
        for i in range(confirmed + waiting)
    ]
    assert [p.status for p in people] == ["confirmed"] * confirmed + ["waitlisted"] * waiting
    return people[:confirmed], people[confirmed:]


def _promoted_mails():
    return sorted(m.to[0] for m in mail.outbox if "参加確定になりました" in m.subject)


def _statuses(people):
    return [Registration.objects.get(pk=p.pk).status for p in people]


def test_capacity_raised_by_two_confirms_two_of_three_waiting(django_capture_on_commit_callbacks):
    seminar = make_seminar(capacity_venue=1)
    _, waiting = _fill(seminar, 1, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seminar.capacity_venue = 3
        seminar_publish(seminar)
    assert _statuses(waiting) == ["confirmed", "confirmed", "waitlisted"]
    assert _promoted_mails() == ["p1@example.jp", "p2@example.jp"]


def test_two_cancellations_with_three_waiting_confirm_two(django_capture_on_commit_callbacks):
    seminar = make_seminar(capacity_venue=2)
    confirmed, waiting = _fill(seminar, 2, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for person in confirmed:
            registration_cancel(registration=person)
    assert _statuses(waiting) == ["confirmed", "confirmed", "waitlisted"]
    assert _promoted_mails() == ["p2@example.jp", "p3@example.jp"]


def test_a_seat_freed_by_a_waiting_person_leaving_is_not_lost():
    """Two seats were free while someone stood first in line (e.g. capacity raised in the
    database): the next cancellation, of anyone, fills them all."""
    seminar = make_seminar(capacity_venue=1)
    _, waiting = _fill(seminar, 1, 3)
    type(seminar).objects.filter(pk=seminar.pk).update(capacity_venue=3)
    seminar.refresh_from_db()
    registration_cancel(registration=waiting[2])
    assert _statuses(waiting) == ["confirmed", "confirmed", "cancelled"]


def test_moving_a_confirmed_person_gives_their_seat_to_the_next_waiting():
    seminar = make_seminar(format="hybrid", capacity_venue=1, capacity_online=5)
    (moved,), waiting = _fill(seminar, 1, 2)
    registration_move(registration=moved, mode="online")
    assert _statuses(waiting) == ["confirmed", "waitlisted"]


def test_after_the_start_nobody_is_promoted_and_the_cancel_link_is_closed(
    client, django_capture_on_commit_callbacks
):
    import re

    from common.tests.factories import staff_user

    seminar = make_seminar(days=3, capacity_venue=2)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed, waiting = _fill(seminar, 2, 3)
    cancel_url = re.search(r"https?://\S+/registration/cancel/\S+/", mail.outbox[0].body).group(0)
    path = "/" + cancel_url.split("://", 1)[1].split("/", 1)[1]
    mail.outbox.clear()
    after_start = seminar.starts_at + dt.timedelta(days=3)
    with time_machine.travel(after_start, tick=False):
        page = client.get(path)
        assert page.status_code == 410
        assert "既に始まっているため" in page.content.decode()
        assert client.post(path).status_code == 410
        with pytest.raises(CancellationClosed):
            registration_cancel(registration=confirmed[0])
        with django_capture_on_commit_callbacks(execute=True):
            # Staff may still remove someone afterwards, and raise capacity: nobody moves up.
            registration_cancel(registration=confirmed[1], by=staff_user())
            seminar.capacity_venue = 10
            seminar_publish(seminar)
    assert _statuses(confirmed) == ["confirmed", "cancelled"]
    assert _statuses(waiting) == ["waitlisted"] * 3
    assert mail.outbox == []


def test_the_cancel_link_works_until_the_start(client):
    seminar = make_seminar(days=3, capacity_venue=2)
    person = registration_create(
        seminar=seminar, requester=Requester(family_name="前日", email="d@example.jp"), mode="venue"
    )
    from events.services import CANCEL_SALT, registration_token

    path = f"/registration/cancel/{registration_token(person, CANCEL_SALT)}/"
    with time_machine.travel(seminar.starts_at - dt.timedelta(minutes=5), tick=False):
        assert client.get(path).status_code == 200
        assert client.post(path).status_code == 302
    assert _statuses([person]) == ["cancelled"]


def test_a_seat_left_free_goes_to_the_waiting_not_to_the_next_registrant():
    seminar = make_seminar(capacity_venue=1)
    _, waiting = _fill(seminar, 1, 1)
    type(seminar).objects.filter(pk=seminar.pk).update(capacity_venue=2)  # no publish
    newcomer = registration_create(
        seminar=seminar,
        requester=Requester(family_name="新規", email="new@example.jp"),
        mode="venue",
    )
    assert _statuses(waiting) == ["confirmed"]
    assert newcomer.status == "waitlisted"
