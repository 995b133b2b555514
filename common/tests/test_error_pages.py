"""Issue 15: the site's own 404 and 500 pages, in Japanese and English, in the site's design,
with the center's contact details, and nothing internal; the 500 page needs no database."""

import pytest

from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from common.site import home_page
from common.views import server_error

INTERNAL = ("Traceback", "SECRET_KEY", settings.SECRET_KEY, 'File "/', "DATABASES")


@pytest.fixture
def center(db):
    from common.models import CenterSettings

    home_page()
    from wagtail.models import Site

    center = CenterSettings.for_site(Site.objects.get(is_default_site=True))
    center.phone = "059-000-1234"
    center.email = "dx-center@example.jp"
    center.office_hours = "平日 9:00〜17:00"
    center.office_hours_en = "Weekdays 9:00-17:00"
    center.save()
    return center


def test_404_in_japanese_with_the_site_design_and_contact(client, center):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません" in html
    assert 'lang="ja"' in html and "css/dx.css" in html and "dx-header" in html
    assert "059-000-1234" in html and "dx-center@example.jp" in html
    assert not any(word in html for word in INTERNAL)


def test_404_in_english_under_en(client, center):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'lang="en"' in html
    assert "059-000-1234" in html and "Weekdays 9:00-17:00" in html


def _render_500(path, language):
    request = RequestFactory().get(path)
    with translation.override(language):
        return server_error(request)


@pytest.mark.parametrize(
    ("language", "heading"), [("ja", "一時的なエラー"), ("en", "temporary error")]
)
def test_500_with_contact_from_the_settings(center, language, heading):
    response = _render_500("/", language)
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html
    assert f'lang="{language}"' in html and "css/dx.css" in html
    assert "059-000-1234" in html
    assert not any(word in html for word in INTERNAL)


def test_500_with_the_database_down_shows_the_last_known_contact(center, monkeypatch):
    from django.db import OperationalError

    from common.models import CenterSettings

    _render_500("/", "ja")  # the database answers: the contact is remembered

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CenterSettings, "for_request", database_down)
    html = _render_500("/", "ja").content.decode()
    assert "一時的なエラー" in html and "059-000-1234" in html


def test_500_renders_without_any_database():
    # No database for this test: any query raises, as with the database down.
    response = _render_500("/", "ja")
    assert response.status_code == 500
    html = response.content.decode()
    assert "一時的なエラー" in html and "css/dx.css" in html
    assert not any(word in html for word in INTERNAL)


def test_500_from_a_failing_view_uses_the_site_page(client, center):
    from django.test import Client

    from common.tests.factories import UserFactory

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get("/admin/failwhale/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "一時的なエラー" in html and "059-000-1234" in html
    assert "emergency broadcast" not in html
