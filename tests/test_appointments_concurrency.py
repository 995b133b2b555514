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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_address_posting_for_every_slot_at_once_gets_one_booking(settings):
    """Slot hoarding in parallel: the per-address limit holds under concurrent posts too."""
    settings.DXCENTER_RATE_LIMIT_ENABLED = False
    settings.DXCENTER_PAGE_CACHE = False
    demo.seed_site()
    series = make_series(slots=4)
    slots = list(series.slots.all())
    barrier = threading.Barrier(len(slots))
    results = []

    def hoarder(slot, spelling):
        try:
            client = Client()
            data = form_data(slot, email=spelling)
            barrier.wait()
            response = client.post(f"/sessions/{series.pk}/", data)
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    spellings = ["h@example.jp", "H@example.jp", "h@EXAMPLE.jp", "H@Example.JP"]
    threads = [
        threading.Thread(target=hoarder, args=pair) for pair in zip(slots, spellings, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in results) == [302, 409, 409, 409]
    assert SessionBooking.objects.filter(status="booked").count() == 1
    assert Case.objects.filter(channel="session").count() == 1
    assert all("既にこの個別相談会を予約されています" in html for s, html in results if s == 409)
