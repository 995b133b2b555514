import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings

from common.site import home_page

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def site(db):
    return home_page()


def test_japanese_home_is_unprefixed_and_english_is_under_en(client, site):
    ja = client.get("/")
    assert ja.status_code == 200
    assert b'<html lang="ja">' in ja.content
    assert "本文へ移動" in ja.content.decode()
    en = client.get("/en/")
    assert en.status_code == 200
    assert b'<html lang="en">' in en.content
    assert "Mie DX Center" in en.content.decode()


def test_language_switcher_goes_to_the_same_page_in_the_other_language(client, site):
    html = client.get("/").content.decode()
    assert 'href="/en/"' in html
    assert 'hreflang="ja"' in client.get("/en/").content.decode()


def test_admin_login_answers(client, db):
    assert client.get("/admin/login/").status_code == 200


def test_healthz_reveals_nothing_but_status(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_date_input_accepts_slashes(settings):
    from django import forms
    from django.utils import translation

    with translation.override("ja"):
        field = forms.DateField()
        assert str(field.clean("2025/04/01")) == "2025-04-01"
        assert str(field.clean("2025-04-01")) == "2025-04-01"


def under_production(*command: str, **overrides):
    """Run `python *command` with the production settings and the three required variables."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # e2e sets it
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-for-the-check-0123456789",
        "ALLOWED_HOSTS": "dx.example.jp",
        "DATABASE_URL": "sqlite:////tmp/dxcenter-check.sqlite3",
    }
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def production_check(**overrides):
    return under_production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **overrides
    )


def test_production_settings_pass_check_deploy():
    result = production_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_open_mail_webhooks():
    result = production_check(ANYMAIL_WEBHOOK_SECRET=None, ANYMAIL_PROVIDER="amazon_ses")
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET must be set" in result.stderr


def test_production_with_smtp_and_no_secret_serves_no_webhook():
    script = (
        "import django; django.setup(); from django.urls import resolve\n"
        "match = resolve('/anymail/amazon_ses/tracking/')\n"
        "print('open' if match.func.__module__.startswith('anymail') else 'closed')"
    )
    result = under_production("-c", script, ANYMAIL_WEBHOOK_SECRET="")
    assert result.stdout.strip() == "closed", result.stderr


def test_production_passes_provider_keys_to_anymail():
    result = under_production(
        "-c",
        "from django.conf import settings; import django; django.setup();"
        "print(settings.EMAIL_BACKEND, settings.ANYMAIL['SENDGRID_API_KEY'])",
        ANYMAIL_WEBHOOK_SECRET="hooks:pw",
        ANYMAIL_PROVIDER="sendgrid",
        ANYMAIL_SENDGRID_API_KEY="SG.key-from-the-environment",
    )
    assert result.stdout.split() == [
        "anymail.backends.sendgrid.EmailBackend",
        "SG.key-from-the-environment",
    ], result.stderr
