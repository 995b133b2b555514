import threading

import pytest

from django.db import connection
from django.test import Client

from appointments.models import SessionBooking
from appointments.tests.factories import form_data, make_series
from cases.models import Case
from cms import demo


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_people_race_for_one_slot_one_books_seven_see_the_next_free_slots(settings):
    settings.DXCENTER_RATE_LIMIT_ENABLED = False
    settings.DXCENTER_PAGE_CACHE = False
    demo.seed_site()
    series = make_series(slots=4)
    first, *others = series.slots.all()
    barrier = threading.Barrier(8)
    results = []

    def person(i):
        try:
            client = Client()
            data = form_data(first, email=f"p{i}@example.jp", organisation_name=f"並列{i}株式会社")
            barrier.wait()
            response = client.post(f"/sessions/{series.pk}/", data)
            results.append((i, response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(status for _, status, _ in results)
    assert statuses == [302] + [409] * 7
    assert SessionBooking.objects.filter(slot=first, status="booked").count() == 1
    assert Case.objects.filter(channel="session").count() == 1
    for i, status, html in results:
        if status == 409:
            # What they typed is kept; the free slots are offered, the taken one is not.
            assert f'value="並列{i}株式会社"' in html
            assert all(f'value="{s.pk}"' in html for s in others)
            assert f'value="{first.pk}"' not in html
