"""One flow for the POST of every public form that creates a record (consultation, seminar
registration, 個別相談会 booking, newsletter subscription).

``public_form_post`` does, in this order:

1. the rate limit (``common.ratelimit``): 429, the form re-rendered with what was typed and a
   message in the visitor's language;
2. validation, the honeypot included: a filled honeypot fails quietly and nothing is stored;
3. the repeat guard: the same form posted again with the same content from the same address
   within ``REPEAT_SECONDS`` (a double click, a reload, a second try after a slow answer) runs
   nothing and is sent where the first one went; a repeat that arrives while the first is still
   running waits for it;
4. the service and, when the form's ``newsletter`` box is ticked, the newsletter opt-in, in one
   transaction: a service that fails leaves no opt-in behind;
5. a lock held too long (``TryAgain``, or the database's lock timeout) is 503 with
   ``Retry-After``, the form re-rendered with what was typed.

Every view that binds a ``PublicForm`` must answer through here: tests/test_public_forms.py
posts each form through its view and fails on a view that binds one without calling
``public_form_post``.
"""

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from .ratelimit import client_ip, form_rate_limited

RETRY_AFTER = "5"
# A repeat of the same content this soon is the same submission (double click, reload).
REPEAT_SECONDS = 120
# How long a repeat waits for the first submission to finish before saying "try again".
REPEAT_WAIT_SECONDS = 10
# Every lock the service waits for is bounded (PostgreSQL): a long wait becomes a 503.
LOCK_TIMEOUT = "3s"
_PENDING = "pending"
NEWSLETTER_FIELD = "newsletter"


class TryAgain(Exception):
    """A lock was held too long (heavy traffic): the person is asked to send again (503)."""


def busy_message() -> str:
    return _("送信が集中しています。少し時間をおいて、もう一度送信してください。")


def is_lock_timeout(exc: BaseException) -> bool:
    """A database error that means "a lock was not granted in time", on PostgreSQL or SQLite."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == "55P03":  # lock_not_available
        return True
    text = str(exc).lower()
    return "lock timeout" in text or "database is locked" in text


def _repeat_key(request, name: str) -> str:
    data = sorted(
        (key, tuple(values)) for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"
    )
    raw = f"{name}\n{request.path}\n{client_ip(request)}\n{data!r}"
    return "public-form:" + hashlib.sha256(raw.encode()).hexdigest()


def _claim(key: str) -> str | None:
    """Claim the submission ``key``: None when this request runs it, else the earlier one's
    redirect (or ``_PENDING`` when it is still running after the wait)."""
    deadline = time.monotonic() + REPEAT_WAIT_SECONDS
    while not cache.add(key, _PENDING, REPEAT_SECONDS):
        earlier = cache.get(key)
        if earlier is not None and earlier != _PENDING:
            return earlier
        if time.monotonic() >= deadline:
            return _PENDING
        time.sleep(0.1)
    return None


def _bound_lock_waits() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _busy(form, render, message: str) -> HttpResponse:
    form.add_error(None, message)
    response = render(form, 503)
    response["Retry-After"] = RETRY_AFTER
    return response


def public_form_post(
    request,
    form,
    *,
    name: str,
    service: Callable[[Any], Any],
    success: Callable[[Any], str],
    render: Callable[[Any, int], HttpResponse],
    opt_in: Callable[[Any], None] | None = None,
    errors: type[Exception] | tuple[type[Exception], ...] = (),
    on_error: Callable[[Any, Exception], tuple[Any, int]] | None = None,
    identity: str | None = None,
) -> HttpResponse:
    """Answer the POST of the public ``form`` named ``name``.

    ``service(form)`` runs for a valid form; ``opt_in(result)`` runs after it in the same
    transaction when the form's ``newsletter`` box is ticked; ``success(result)`` is where the
    person is sent (also inside the transaction, so it may remember things in the session).
    ``render(form, status)`` draws the form again. An ``errors`` exception is a form error (400),
    or what ``on_error(form, exc)`` makes of it: ``(form, status)``. The rate limit counts per
    address and per ``identity`` (by default the e-mail address typed; a survey's token).
    """
    if NEWSLETTER_FIELD in form.fields and opt_in is None:
        raise ImproperlyConfigured(f"{type(form).__name__} has a newsletter box and no opt_in")
    if identity is None:
        identity = request.POST.get("email", "")
    if form_rate_limited(request, form, name=name, identity=identity):
        return render(form, 429)
    # The repeat guard comes before validation: by the time a repeat arrives, what the first
    # post took (a seat, a slot) is no longer a valid choice.
    key = _repeat_key(request, name)
    earlier = _claim(key)
    if earlier == _PENDING:
        return _busy(form, render, busy_message())
    if earlier is not None:
        return HttpResponseRedirect(earlier)
    url = None
    try:
        if not form.is_valid():
            return render(form, 400)
        with transaction.atomic():
            _bound_lock_waits()
            result = service(form)
            if opt_in is not None and form.cleaned_data.get(NEWSLETTER_FIELD):
                opt_in(result)
            url = success(result)
    except TryAgain as exc:
        return _busy(form, render, str(exc) or busy_message())
    except OperationalError as exc:
        if not is_lock_timeout(exc):
            raise
        return _busy(form, render, busy_message())
    except errors as exc:
        if on_error is not None:
            form, status = on_error(form, exc)
        else:
            form.add_error(None, str(exc))
            status = 400
        return render(form, status)
    finally:
        if url is None:
            cache.delete(key)
    cache.set(key, url, REPEAT_SECONDS)
    return HttpResponseRedirect(url)
