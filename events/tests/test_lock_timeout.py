"""When the seminar row stays locked (a stuck transaction), a registration waits a little and
then says "try again" with 503 and Retry-After, keeping what the person typed."""

import threading

import pytest

from django.db import connection, transaction

from events.models import Registration, Seminar

from .factories import make_seminar, seminar_page
from .test_registration import FORM


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_locked_seminar_answers_try_again_and_keeps_the_form(client):
    seminar = make_seminar(capacity_venue=5)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Seminar.objects.select_for_update().get(pk=seminar.pk)
                locked.set()
                release.wait(20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(10)
        response = client.post(f"/seminars/{seminar_page(seminar).pk}/register/", FORM)
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "申込が集中しています" in html
    assert 'value="三重 花子"' in html and 'value="hanako@example.jp"' in html
    assert not Registration.objects.exists()
    # Once the lock is gone the same form goes through.
    again = client.post(f"/seminars/{seminar_page(seminar).pk}/register/", FORM)
    assert again.status_code == 302
    assert Registration.objects.get().status == "confirmed"
