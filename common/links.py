"""Absolute links for mails: the named URL, reversed in the reader's language, on SITE_BASE_URL."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(viewname: str, *, args=(), language: str = "ja") -> str:
    """``https://…/en/registration/cancel/…/`` for an English reader, no prefix for Japanese.

    Public and portal URLs sit under ``i18n_patterns`` without a prefix for the default
    language; admin URLs have no prefix in any language.
    """
    with translation.override("en" if language == "en" else "ja"):
        path = reverse(viewname, args=args)
    return settings.SITE_BASE_URL.rstrip("/") + path
