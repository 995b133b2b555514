"""Purpose-of-use notice versions: managers add new ones; a version someone consented to is
kept word for word."""

import pytest

from django.contrib.auth.models import Group, User

from common.models import PurposeNotice
from common.site import home_page


@pytest.fixture
def manager(client, db):
    user = User.objects.create_user("kanri", "kanri@example.jp", "pw-123456789")
    user.groups.add(Group.objects.get(name="センター管理者"))
    client.force_login(user)
    return user


def test_managers_add_a_new_version_and_the_form_uses_it(client, manager):
    response = client.post(
        "/admin/purpose-notices/new/",
        {
            "scope": "consultation",
            "version": "2027-04",
            "effective_from": "2026-11-01 00:00",
            "text_ja": "新しい利用目的の本文です。",
            "text_en": "The new notice.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert PurposeNotice.current("consultation").version == "2027-04"
    home_page()
    assert "新しい利用目的の本文です。" in client.get("/consultation/").content.decode()


def test_a_version_someone_consented_to_cannot_be_edited(client, manager):
    from django.test import Client

    from cases.tests.test_intake import VALID

    home_page()
    Client().post("/consultation/", VALID)
    used = PurposeNotice.current("consultation")
    unused = PurposeNotice.objects.create(
        scope="seminar", version="draft", text_ja="下書き", text_en=""
    )
    assert client.get(f"/admin/purpose-notices/edit/{unused.pk}/").status_code == 200
    response = client.post(
        f"/admin/purpose-notices/edit/{used.pk}/",
        {
            "scope": "consultation",
            "version": used.version,
            "effective_from": "2021-04-01 00:00",
            "text_ja": "書き換え",
            "text_en": "",
        },
    )
    assert response.status_code in (302, 403)
    used.refresh_from_db()
    assert used.text_ja != "書き換え"
    assert (
        client.get(f"/admin/purpose-notices/inspect/{used.pk}/").status_code == 200
    )  # still readable


def test_the_notice_in_force_is_cached_until_the_next_version_takes_effect(
    db, monkeypatch, django_assert_num_queries
):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    old = PurposeNotice.current("seminar")
    scheduled = PurposeNotice.objects.create(
        scope="seminar",
        version="next",
        text_ja="次の版",
        effective_from=now + dt.timedelta(hours=1),
    )
    assert PurposeNotice.current("seminar") == old
    with django_assert_num_queries(0):  # every form page asks; the database is asked once
        assert PurposeNotice.current("seminar") == old
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(hours=1, seconds=1))
    assert PurposeNotice.current("seminar") == scheduled  # on time, not five minutes late
    scheduled.text_ja = "直した本文"
    scheduled.save()
    assert PurposeNotice.current("seminar").text_ja == "直した本文"
