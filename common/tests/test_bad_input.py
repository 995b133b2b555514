"""Finding 7 of issue 15: values a stranger or a member of staff types into a URL are checked
before they reach the database or a parser; the answer is a 400 or a 404, never a 500."""

import base64
import json

import pytest

from django.test import Client, RequestFactory

from common.models import BouncedAddress, ProcessedWebhookEvent
from common.site import home_page
from common.tests.factories import staff_user
from common.webhooks import webhook_urlpatterns

HUGE = "9" * 25


@pytest.fixture
def client():
    # A view that fails answers 500 here instead of raising into the test.
    return Client(raise_request_exception=False)


@pytest.fixture
def manager_client(db, client):
    client.force_login(staff_user("manager1", group="センター管理者"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, "9223372036854775808", "0"])
def test_registration_for_an_impossible_seminar_id_is_not_found(client, number):
    response = client.post(f"/seminars/{number}/register/", {"name": "三重 太郎"})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("query", ['"', '"a', 'a"b"', "\x00", '""', "*", "相談\"'"])
def test_site_search_with_search_syntax_is_a_normal_page(client, query):
    home_page()
    for prefix in ("", "/en"):
        response = client.get(f"{prefix}/search/", {"q": query})
        assert response.status_code == 200


@pytest.mark.django_db
def test_site_search_still_finds_words_around_a_quote(client):
    home_page()
    plain = client.get("/search/", {"q": "相談"})
    quoted = client.get("/search/", {"q": '"相談"'})
    assert plain.status_code == quoted.status_code == 200
    assert list(plain.context["results"]) == list(quoted.context["results"])
    assert len(plain.context["results"]) > 0


@pytest.mark.parametrize("fy", ["-99999", HUGE, "99999", "0", "2024.5", "１２", "\x00"])
def test_statistics_with_an_impossible_year_shows_the_current_year(manager_client, fy):
    response = manager_client.get("/admin/statistics/", {"fy": fy})
    assert response.status_code == 200
    assert response.context["fy"] == response.context["years"][0][0]


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/statistics/{HUGE}/download/csv/",
        "/admin/statistics/0/download/csv/",
        "/admin/statistics/0001/download/csv/",
        "/admin/statistics/2025/download/exe/",
        f"/admin/seminars/{HUGE}/roster/",
        f"/admin/seminars/{HUGE}/walk-in/",
        f"/admin/cases/{HUGE}/assign/",
        f"/partner/assignments/{HUGE}/",
    ],
)
def test_impossible_ids_in_staff_urls_are_not_found(manager_client, url):
    assert manager_client.get(url).status_code == 404
    assert manager_client.post(url).status_code in {302, 404}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/images/chooser/chosen/abc/",
        "/admin/documents/chooser/chosen/%E3%81%82/",
        "/admin/images/chooser/chosen-multiple/?id=abc",
        f"/admin/pages/{HUGE}/",
    ],
)
def test_wagtail_admin_views_answer_a_bad_id_with_a_client_error(manager_client, url):
    assert manager_client.get(url).status_code in {400, 404}


def test_a_foreign_next_parameter_is_ignored(manager_client):
    response = manager_client.get("/admin/login/", {"next": "*"})
    assert response.status_code == 302
    response = manager_client.get("/admin/login/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- mail webhooks ---


@pytest.mark.django_db
@pytest.mark.parametrize("provider", ["mailgun", "amazon_ses", "sendgrid", "mandrill"])
def test_only_the_configured_providers_webhooks_are_mounted(client, provider):
    # The test settings configure postmark.
    assert (
        client.post(f"/anymail/{provider}/tracking/", "x", content_type="text/plain").status_code
        == 404
    )


def _amazon_ses_view():
    patterns = {p.name: p.callback for p in webhook_urlpatterns("amazon_ses")}
    assert set(patterns) == {"amazon_ses_tracking_webhook", "amazon_ses_inbound_webhook"}
    return patterns["amazon_ses_tracking_webhook"]


def _auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


@pytest.mark.django_db
def test_webhook_checks_the_credentials_before_reading_the_body(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    view = _amazon_ses_view()
    factory = RequestFactory()
    for auth in ({}, _auth("hook:wrong")):
        request = factory.post(
            "/anymail/amazon_ses/tracking/", "not json {", content_type="text/plain", **auth
        )
        assert view(request).status_code == 400
    # With the right credentials a malformed body is still the sender's error.
    request = factory.post(
        "/anymail/amazon_ses/tracking/",
        "not json {",
        content_type="text/plain",
        **_auth("hook:s3cret-value"),
    )
    assert view(request).status_code == 400
    assert not BouncedAddress.objects.exists()
    assert not ProcessedWebhookEvent.objects.exists()


@pytest.mark.django_db
def test_postmark_webhook_still_applies_a_bounce_with_the_right_credentials(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    bounce = {
        "RecordType": "Bounce",
        "ID": 1,
        "Type": "HardBounce",
        "MessageID": "m-1",
        "Email": "gone@example.jp",
        "BouncedAt": "2026-11-20T10:00:00Z",
    }
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(bounce),
        content_type="application/json",
        **_auth("hook:s3cret-value"),
    )
    assert response.status_code == 200
    assert BouncedAddress.objects.filter(email="gone@example.jp").exists()
